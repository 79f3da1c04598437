/**
 * Issue 9, item 3, end to end: `model.outputs: probabilities` on a model that emits logits gave
 * ECE 11.3 and exit 0 (and, with an ECE gate on, the wrong reason "no per-sample confidences").
 * Through the whole run (config, test set, real model, CLI exit code) a declared kind that the
 * scores contradict is exit 2 naming model.outputs, the samples and the setting that fits; the
 * right setting passes.
 */
import { describe, expect, it } from 'vitest';
import { copyExample, runCli, writeConfig } from '../helpers/cli.js';

/** The example with `model.outputs: <kind>` and an ECE gate, as the user in the issue had it. */
function exampleDeclaring(kind: string): string {
  const dir = copyExample();
  writeConfig(dir, (text) =>
    text
      .replace('outputs: logits', `outputs: ${kind}`)
      .replace('  macro-f1:\n', '  ece:\n    max: 0.1\n  macro-f1:\n'),
  );
  return dir;
}

describe('model.outputs is checked against what the model emits, on every batch', () => {
  it('a logits model declared as probabilities is exit 2 naming model.outputs, the samples and "set model.outputs: logits"', async () => {
    const result = await runCli(['run', '--no-baseline', '--out', 'out'], exampleDeclaring('probabilities'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "model.outputs: set to 'probabilities', but the output 'logits' does not hold probabilities",
    );
    // The first offending samples by id, with their rows' figures.
    expect(result.stderr).toMatch(/0\/digit-\d+\.png \(min -?[\d.]+, max [\d.]+, sum -?[\d.]+\)/);
    expect(result.stderr).toContain('set model.outputs: logits');
    expect(result.stderr).toContain('E_MODEL_OUTPUTS');
    expect(result.stderr).not.toContain('per-sample confidences');
  });

  it('a logits model declared as log-probabilities is exit 2 as well', async () => {
    const result = await runCli(
      ['run', '--no-baseline', '--out', 'out'],
      exampleDeclaring('log-probabilities'),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "model.outputs: set to 'log-probabilities', but the output 'logits' does not hold log-probabilities",
    );
    expect(result.stderr).toContain('sum of exp');
    expect(result.stderr).toContain('set model.outputs: logits');
  });

  it('the right setting (logits) passes, with the ECE gate judged on real confidences', async () => {
    const result = await runCli(['run', '--no-baseline', '--out', 'out'], exampleDeclaring('logits'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('per-sample confidences');
  });
});
