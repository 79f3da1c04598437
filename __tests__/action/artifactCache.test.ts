// A model fetched by URL goes through the Actions cache in the action (run() in this process, as
// in cachedBaseline.test.ts): the first job downloads it once and saves it by sha256; the next job,
// on a fresh runner disk, restores it from the cache and downloads nothing.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/action/run.js';
import { artifactCacheKey } from '../../src/artifacts/fetchArtifact.js';
import { directoryRemoteCache } from '../__fixtures__/directoryRemoteCache.js';
import { serveArtifacts } from '../__fixtures__/localArtifactServer.js';
import { copyExample, exampleDir, writeConfig } from '../helpers/cli.js';
import { fakeCore } from '../helpers/fakeCore.js';

import { pushEventEnvironment } from '../helpers/actionEnvironment.js';

vi.mock('@actions/core', async () => (await import('../helpers/fakeCore.js')).coreModule);

const modelBytes = readFileSync(path.join(exampleDir, 'model.onnx'));
const modelDigest = createHash('sha256').update(modelBytes).digest('hex');
const MODEL_URL = 'https://models.example.test/digits/model.onnx';

const { requests, fetch: localFetch } = serveArtifacts({ '/digits/model.onnx': modelBytes });

afterEach(() => {
  process.exitCode = undefined;
});

/** A checkout whose config fetches the model by URL (no model file in it). */
function checkoutWithModelUrl(): string {
  const dir = copyExample();
  rmSync(path.join(dir, 'model.onnx'));
  writeConfig(dir, (text) =>
    text.replace('  path: model.onnx\n', `  url: ${MODEL_URL}\n  sha256: ${modelDigest}\n`),
  );
  return dir;
}

function environment(dir: string, cacheDir: string): NodeJS.ProcessEnv {
  // The action's folder for downloads (runnerSettings.ts), read from the runner's environment.
  return pushEventEnvironment(dir, { EVALGATE_CACHE_DIR: cacheDir });
}

describe('model by URL in the action', () => {
  it('downloads once and saves to the Actions cache; the next job restores it and downloads nothing', async () => {
    const cache = directoryRemoteCache(mkdtempSync(path.join(os.tmpdir(), 'evalgate-cache-store-')));
    // Where the downloaded model lives on the runner's disk; the cache entry is saved by this path.
    const cacheDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'evalgate-runner-home-')), 'evalgate');
    const key = artifactCacheKey(modelDigest);
    const before = requests.length;

    const first = checkoutWithModelUrl();
    fakeCore.reset({ config: 'evalgate.yml', 'output-dir': 'out', 'working-directory': first });
    await run({ env: environment(first, cacheDir), cache, toolCache: null, fetch: localFetch });
    expect(fakeCore.failed).toBeNull();
    expect(fakeCore.outputs.verdict).toBe('pass');
    expect(requests.length - before).toBe(1);
    expect(cache.keys()).toContain(key);

    // The next job: a new checkout, and the runner's disk cache is gone.
    rmSync(cacheDir, { recursive: true, force: true });
    const second = checkoutWithModelUrl();
    fakeCore.reset({ config: 'evalgate.yml', 'output-dir': 'out', 'working-directory': second });
    await run({ env: environment(second, cacheDir), cache, toolCache: null, fetch: localFetch });
    expect(fakeCore.failed).toBeNull();
    expect(fakeCore.outputs.verdict).toBe('pass');
    expect(requests.length - before).toBe(1);
    expect(fakeCore.messages('info').join('\n')).toContain(
      `evalgate: the model was restored from the Actions cache (${key}); nothing downloaded`,
    );
    expect(cache.calls.filter((c) => c.op === 'restore' && c.key === key).at(-1)?.hit).toBe(key);
  });
});
