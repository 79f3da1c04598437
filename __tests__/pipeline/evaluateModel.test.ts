import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { InputError } from '../../src/shared/errors.js';
import { defaultDecodeWorkerCount } from '../../src/dataset/parallelBatches.js';
import { resolveTopK } from '../../src/evaluation/topK.js';
import { evaluateModel } from '../../src/pipeline/evaluateModel.js';
import type { Report } from '../../src/report/types.js';
import { copyExample, exampleDir, writeConfig } from '../helpers/cli.js';

const baseline = JSON.parse(readFileSync(path.join(exampleDir, 'baseline.json'), 'utf8')) as Report;

/** The example test set as a zip with one top-level folder, as `zip -r test-set.zip test-set/` makes it. */
function zipExampleTestSet(): Buffer {
  const files: Record<string, Uint8Array> = {};
  const root = path.join(exampleDir, 'test-set');
  for (const label of readdirSync(root)) {
    if (label.endsWith('.json')) continue;
    // The manifest (path,label,ink) travels with the images, as the lock covers it.
    if (label.endsWith('.csv')) {
      files[`test-set/${label}`] = new Uint8Array(readFileSync(path.join(root, label)));
      continue;
    }
    for (const file of readdirSync(path.join(root, label))) {
      files[`test-set/${label}/${file}`] = new Uint8Array(readFileSync(path.join(root, label, file)));
    }
  }
  return Buffer.from(zipSync(files));
}

let server: Server;
let base = '';
const zip = zipExampleTestSet();
const zipDigest = createHash('sha256').update(zip).digest('hex');

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { 'content-length': zip.length }).end(zip));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('evaluateModel', () => {
  it('evaluates a test set downloaded by URL, pinned by its sha256 instead of a lock file', async () => {
    const dir = copyExample();
    const file = writeConfig(dir, (t) =>
      t.replace(
        /path: test-set\n {2}manifest: manifest\.csv[^\n]*\n {2}lock: test-set\/evalgate\.lock\.json/,
        `url: https://data.example.test/test-set.zip\n  sha256: ${zipDigest}\n  manifest: manifest.csv`,
      ),
    );
    const report = await evaluateModel(loadConfig(file, { cwd: process.cwd() }), {
      cacheDir: mkdtempSync(path.join(os.tmpdir(), 'evalgate-cache-')),
      fetch: (url) => fetch(url.replace('https://data.example.test', base)),
    });
    expect(report.testSet.locked).toBe(true);
    // The same files under the same paths: the same identity as the locked folder.
    expect(report.testSet.digest).toBe(baseline.testSet.digest);
    expect(report.metrics.accuracy).toBe(baseline.metrics.accuracy);
    expect(report.samples.predictions).toEqual(baseline.samples.predictions);
  });

  it('hands the verified test set to onTestSetVerified before the model runs', async () => {
    const dir = copyExample();
    let progressCalls = 0;
    const run = evaluateModel(loadConfig(path.join(dir, 'evalgate.yml'), { cwd: process.cwd() }), {
      onProgress: () => {
        progressCalls++;
      },
      onTestSetVerified: (testSet) => {
        expect(testSet).toEqual({
          digest: baseline.testSet.digest,
          size: 540,
          classNames: baseline.classNames,
        });
        throw new InputError('refused by the adapter');
      },
    });
    await expect(run).rejects.toThrow('refused by the adapter');
    expect(progressCalls).toBe(0);
  });
});

describe('defaults', () => {
  it('decodes with one worker per four CPU cores (1 to 4), and with all spare cores on a GPU', () => {
    expect(defaultDecodeWorkerCount('cpu', 2)).toBe(1);
    expect(defaultDecodeWorkerCount('cpu', 4)).toBe(1);
    expect(defaultDecodeWorkerCount('cpu', 8)).toBe(2);
    expect(defaultDecodeWorkerCount('cpu', 16)).toBe(4);
    expect(defaultDecodeWorkerCount('cpu', 64)).toBe(4);
    expect(defaultDecodeWorkerCount('cuda', 16)).toBe(8);
    expect(defaultDecodeWorkerCount('cuda', 4)).toBe(3);
    expect(defaultDecodeWorkerCount('cuda', 1)).toBe(1);
  });

  it('uses top-5 from 5 classes on, caps a configured k at the class count, and is off below 5', () => {
    expect(resolveTopK(null, 10)).toBe(5);
    expect(resolveTopK(null, 5)).toBe(5);
    expect(resolveTopK(null, 4)).toBe(0);
    expect(resolveTopK(3, 10)).toBe(3);
    expect(resolveTopK(20, 10)).toBe(10);
  });
});
