/**
 * samples.slices: each sample's slice values, aligned with samples.ids, written by the pipeline for a
 * test set with slices (the bundled example's `ink`) and checked when a report is read.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { evaluateModel } from '../../src/pipeline/evaluateModel.js';
import { reportProblems, validateReport } from '../../src/report/reportFile.js';
import type { Report } from '../../src/report/types.js';
import { InputError } from '../../src/shared/errors.js';
import { copyExample, exampleDir, writeConfig } from '../helpers/cli.js';

const baseline = JSON.parse(readFileSync(path.join(exampleDir, 'baseline.json'), 'utf8')) as Report;

describe('samples.slices', () => {
  it("records each sample's slice value in test-set order, as the manifest gives it", async () => {
    const report = await evaluateModel(
      loadConfig(path.join(exampleDir, 'evalgate.yml'), { cwd: exampleDir }),
    );
    const manifest = readFileSync(path.join(exampleDir, 'test-set', 'manifest.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    const byPath = new Map(manifest.map((row) => [row.split(',')[0]!, row.split(',')[2]!]));
    expect(Object.keys(report.samples.slices ?? {})).toEqual(['ink']);
    expect(report.samples.slices!.ink).toEqual(report.samples.ids.map((id) => byPath.get(id)));
    // The per-slice figures count the same samples.
    const heavy = report.slices.find((s) => s.column === 'ink' && s.value === 'heavy')!;
    expect(heavy.samples).toBe(report.samples.slices!.ink!.filter((v) => v === 'heavy').length);
  });

  it('writes none for a test set without slices', async () => {
    const dir = copyExample();
    const file = writeConfig(dir, (t) =>
      t.replace(/\n {2}manifest: [^\n]*/, '').replace('lock: test-set/evalgate.lock.json', 'lock: none'),
    );
    const report = await evaluateModel(loadConfig(file, { cwd: dir }));
    expect(report.samples.slices).toBeUndefined();
    expect(report.slices).toEqual([]);
  });

  it('accepts a report without it (written before the field) and refuses a column of the wrong length', () => {
    const old = structuredClone(baseline) as Report;
    delete old.samples.slices;
    expect(reportProblems(old)).toEqual([]);
    const bad = structuredClone(baseline) as Report;
    bad.samples.slices!.ink = bad.samples.slices!.ink!.slice(1);
    let error: unknown;
    try {
      validateReport(bad, 'baseline.json', 'baseline');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(String((error as Error).message)).toContain('samples.slices.ink');
    expect(String((error as Error).message)).toContain('one value per sample id (540)');
  });
});
