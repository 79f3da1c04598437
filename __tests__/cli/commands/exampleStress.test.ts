/**
 * The bundled example's stress suite and stress gates (issue 10 item 8, "real failure, shown"):
 * model.onnx passes every gate; model-brittle.onnx is as good on clean images and passes the clean
 * gates, but fails the stress gates, which name the corruption it breaks under; model-regressed.onnx
 * still fails per-class recall on '8' and no stress gate. Runs the example config as it is.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GateResult } from '../../../src/compare/types.js';
import type { Report } from '../../../src/report/types.js';
import { type CliResult, copyExample, runCli } from '../../helpers/cli.js';

interface Run {
  result: CliResult;
  report: Report;
  gates: GateResult[];
  comment: string;
}

async function run(dir: string, model: string): Promise<Run> {
  const out = `out-${model}`;
  const result = await runCli(['run', '--model', model, '--out', out], dir);
  const read = (name: string) => readFileSync(path.join(dir, out, name), 'utf8');
  return {
    result,
    report: JSON.parse(read('report.json')) as Report,
    gates: (JSON.parse(read('verdict.json')) as { gates: GateResult[] }).gates,
    comment: read('comment.md'),
  };
}

const accuracyAt = (report: Report, perturbation: string, severity: number) =>
  report.stress!.cells.find((c) => c.perturbation === perturbation && c.severity === severity)!.metrics
    .accuracy;

/** The statuses of the gates whose name starts with `prefix`. */
const statuses = (gates: GateResult[], prefix: string) =>
  new Set(gates.filter((g) => g.gate.startsWith(prefix)).map((g) => g.status));

let robust: Run;
let brittle: Run;
let regressed: Run;

beforeAll(async () => {
  const dir = copyExample();
  robust = await run(dir, 'model.onnx');
  brittle = await run(dir, 'model-brittle.onnx');
  regressed = await run(dir, 'model-regressed.onnx');
}, 60_000);

describe("the bundled example's stress suite", () => {
  it('stresses every test sample under 6 perturbations at severities 1, 3 and 5', () => {
    const stress = robust.report.stress!;
    expect(stress.subset).toBe('all');
    expect(stress.sampleIndices).toHaveLength(540);
    expect(stress.cells.map((c) => `${c.perturbation}@${c.severity}`)).toEqual(
      ['gaussian_noise', 'shot_noise', 'brightness', 'contrast', 'rotate', 'cutout'].flatMap((p) =>
        [1, 3, 5].map((s) => `${p}@${s}`),
      ),
    );
  });

  it('model.onnx passes every gate, the stress gates with margin (exit 0)', () => {
    expect(robust.result.code).toBe(0);
    expect(robust.result.stdout.split('\n')[0]).toBe(
      'evalgate: PASSED - all 6 gates passed against the baseline',
    );
    expect(accuracyAt(robust.report, 'gaussian_noise', 3)).toBeGreaterThan(0.95);
    expect(accuracyAt(robust.report, 'brightness', 3)).toBeGreaterThan(0.95);
    expect(statuses(robust.gates, 'stress.')).toEqual(new Set(['pass']));
  });

  it('model-brittle.onnx passes the clean gates and fails the stress gates, naming the corruption (exit 1)', () => {
    const { result, report, gates, comment } = brittle;
    expect(result.code).toBe(1);
    expect(report.metrics.accuracy).toBe(robust.report.metrics.accuracy);
    for (const clean of ['accuracy', 'macro-f1', 'per-class-recall']) {
      expect(statuses(gates, clean).has('fail'), clean).toBe(false);
    }
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('evalgate: FAILED - 3 of 6 gates failed');
    expect(lines[1]).toMatch(
      /^ {2}x stress\.gaussian_noise\.min-accuracy: accuracy under gaussian_noise at severity 3 is 51\.1% \(540 samples;.*below the required minimum 90\.0%$/,
    );
    expect(lines[2]).toMatch(
      /^ {2}x stress\.brightness\.min-accuracy: accuracy under brightness at severity 3 is 9\.6% \(540 samples;.*below the required minimum 90\.0%$/,
    );
    expect(lines[3]).toMatch(
      /^ {2}x stress\.mean-accuracy\.max-drop: mean corruption accuracy \(12 cells\) dropped by 47\.7 pp \(91\.9% → 44\.1%/,
    );
    expect(result.stdout).toContain(
      'FAILED: stress.gaussian_noise.min-accuracy, stress.brightness.min-accuracy, stress.mean-accuracy.max-drop',
    );
    expect(comment).toContain('## ❌ evalgate: failed, 3 of 6 gates failed');
    expect(comment).toContain(
      '- ❌ **stress.gaussian\\_noise.min-accuracy**: accuracy under gaussian\\_noise at severity 3 is 51.1%',
    );
    expect(comment).toContain(
      '| ❌ gaussian\\_noise | 98.7% 0.0 pp | 91.7% ❗ −6.7 pp | 51.1% ❗ −46.9 pp |',
    );
  });

  it("model-regressed.onnx still fails per-class recall on '8', and no stress gate", () => {
    const { result, gates } = regressed;
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('evalgate: FAILED - 1 of 6 gates failed');
    expect(lines[1]).toBe('  x per-class-recall: 10 classes, 1 regressed');
    expect(lines[2]).toMatch(/^ {6}recall of '8' dropped by 17\.3 pp \(96\.2% → 78\.8%, 52 samples;/);
    expect(statuses(gates, 'stress.')).toEqual(new Set(['pass']));
  });
});
