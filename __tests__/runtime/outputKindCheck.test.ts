/**
 * The check of what a model emits against `model.outputs` (issue 9, item 3): probabilities must lie
 * in [0, 1] with rows summing to 1, log-probabilities must be <= 0 with exponentials summing to 1,
 * within a stated tolerance that real float32 and float16 models pass; a mismatch names the
 * setting that fits.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchTestSet } from '../../src/dataset/batches.js';
import { openTestSet } from '../../src/dataset/openTestSet.js';
import { resolvePreprocess } from '../../src/dataset/preprocessForModel.js';
import { loadOnnxRuntime } from '../../src/runtime/loadOnnxRuntime.js';
import { openModelSession } from '../../src/runtime/modelSession.js';
import { outputKindError } from '../../src/runtime/outputKindError.js';
import {
  convertOutputs,
  FLOAT16_ROW_SUM_TOLERANCE,
  ROW_SUM_TOLERANCE,
  rowSumTolerance,
} from '../../src/runtime/outputProbabilities.js';
import type { OrtModule, OutputKind } from '../../src/runtime/types.js';
import { decodeFloat16, encodeFloat16 } from '../../src/shared/float16.js';
import { exampleDir, fixtureModels } from '../helpers/cli.js';

const K = 10;
const CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Raw scores of `model` over the whole example test set (540 samples), read as `kind`. */
async function rawScores(ort: OrtModule, model: string, kind: OutputKind) {
  const testSet = await openTestSet({ root: path.join(exampleDir, 'test-set'), classNames: CLASSES });
  const session = await openModelSession(ort, {
    modelPath: model,
    outputKind: kind,
    numClasses: K,
    executionProvider: 'cpu',
  });
  try {
    const preprocess = resolvePreprocess(
      { resize: null, centerCrop: null, color: 'gray', scale: null, mean: [0.5], std: [0.5], layout: 'NCHW' },
      session,
      testSet,
    );
    const raw = new Float32Array(testSet.samples.length * K);
    for await (const batch of batchTestSet(testSet, preprocess, 64)) {
      raw.set(await session.runRaw(batch.data, batch.size, batch.sampleShape), batch.indices[0] * K);
    }
    return { raw, size: testSet.samples.length, type: session.output.type };
  } finally {
    await session.close();
  }
}

/** Largest |row sum - 1| of `values` (exponentiated first when `exp`). */
function worstRowSumError(values: Float32Array, size: number, exp: boolean): number {
  let worst = 0;
  for (let row = 0; row < size; row++) {
    let sum = 0;
    for (let c = 0; c < K; c++) sum += exp ? Math.exp(values[row * K + c]) : values[row * K + c];
    worst = Math.max(worst, Math.abs(sum - 1));
  }
  return worst;
}

let ort: OrtModule;
let logits: Float32Array;
let size: number;
beforeAll(async () => {
  ort = (await loadOnnxRuntime()).ort;
  ({ raw: logits, size } = await rawScores(ort, path.join(exampleDir, 'model.onnx'), 'logits'));
}, 60_000);

describe('convertOutputs: the declared kind against the scores', () => {
  it('accepts the fixture models that really emit probabilities and log-probabilities (float32)', async () => {
    const probs = await rawScores(ort, path.join(fixtureModels, 'digits-probs.onnx'), 'probabilities');
    expect(probs.type).toBe('float32');
    expect(rowSumTolerance(probs.type)).toBe(ROW_SUM_TOLERANCE);
    expect(convertOutputs(probs.raw, probs.size, K, 'probabilities').mismatch).toBeNull();
    const logs = await rawScores(ort, path.join(fixtureModels, 'digits-logprobs.onnx'), 'log-probabilities');
    expect(convertOutputs(logs.raw, logs.size, K, 'log-probabilities').mismatch).toBeNull();
    // The margin is wide: a float32 softmax is off by about 1e-7, the tolerance is 1e-3.
    expect(worstRowSumError(probs.raw, probs.size, false)).toBeLessThan(1e-5);
    expect(worstRowSumError(logs.raw, logs.size, true)).toBeLessThan(1e-5);
  });

  it('accepts float16 outputs: softmax and log-softmax of the fp16 model rounded to float16 pass the float16 tolerance', async () => {
    const fp16 = await rawScores(ort, path.join(fixtureModels, 'digits-fp16.onnx'), 'logits');
    expect(fp16.type).toBe('float16');
    const tolerance = rowSumTolerance(fp16.type);
    expect(tolerance).toBe(FLOAT16_ROW_SUM_TOLERANCE);
    // What a float16 model with a softmax (log-softmax) head emits: the float values rounded to binary16.
    const probs = decodeFloat16(
      encodeFloat16(convertOutputs(fp16.raw, fp16.size, K, 'logits').probabilities),
    );
    const logs = decodeFloat16(encodeFloat16(probs.map((p) => Math.log(p))));
    expect(convertOutputs(probs, fp16.size, K, 'probabilities', tolerance).mismatch).toBeNull();
    expect(convertOutputs(logs, fp16.size, K, 'log-probabilities', tolerance).mismatch).toBeNull();
    // Rounding error bound (see FLOAT16_ROW_SUM_TOLERANCE): 2^-11 for probabilities, ln(10) * 2^-11 for log-probabilities.
    expect(worstRowSumError(probs, fp16.size, false)).toBeLessThanOrEqual(2 ** -11);
    expect(worstRowSumError(logs, fp16.size, true)).toBeLessThanOrEqual(Math.log(10) * 2 ** -11);
  });

  it('finds logits declared as probabilities or log-probabilities, and says they fit logits', () => {
    for (const declared of ['probabilities', 'log-probabilities'] as const) {
      const { mismatch } = convertOutputs(logits, size, K, declared);
      expect(mismatch).not.toBeNull();
      expect(mismatch!.declared).toBe(declared);
      expect(mismatch!.fits).toBe('logits');
      expect(mismatch!.rows.length).toBeGreaterThan(size / 2);
      expect(mismatch!.first).toHaveLength(3);
      expect(mismatch!.first[0].row).toBe(mismatch!.rows[0]);
    }
  });

  it('suggests the kind the rows fit when probabilities and log-probabilities are swapped', () => {
    const probabilities = convertOutputs(logits, size, K, 'logits').probabilities;
    const logs = probabilities.map((p) => Math.log(p));
    expect(convertOutputs(probabilities, size, K, 'log-probabilities').mismatch?.fits).toBe('probabilities');
    expect(convertOutputs(logs, size, K, 'probabilities').mismatch?.fits).toBe('log-probabilities');
  });

  it('flags only the offending rows, with each row’s min, max and sum', () => {
    const rows = Float32Array.from([0.2, 0.8, 0.5, 0.6, 0.3, 0.7, 1.5, -0.5]);
    const { mismatch } = convertOutputs(rows, 4, 2, 'probabilities');
    expect(mismatch!.rows).toEqual([1, 3]);
    expect(mismatch!.first[0]).toEqual({
      row: 1,
      min: 0.5,
      max: expect.closeTo(0.6, 6),
      sum: expect.closeTo(1.1, 6),
    });
    expect(mismatch!.first[1]).toMatchObject({ row: 3, min: -0.5, max: 1.5, sum: 1 });
    // Within the tolerance: a row summing to 1.0009 passes, one summing to 1.002 does not.
    expect(convertOutputs(Float32Array.from([0.5009, 0.5]), 1, 2, 'probabilities').mismatch).toBeNull();
    expect(convertOutputs(Float32Array.from([0.502, 0.5]), 1, 2, 'probabilities').mismatch).not.toBeNull();
    // log-probabilities: a value above 0 is wrong even when the exponentials sum to 1.
    expect(
      convertOutputs(Float32Array.from([0.01, -4.65]), 1, 2, 'log-probabilities').mismatch,
    ).not.toBeNull();
  });

  it('tells independent sigmoid scores in [0, 1] from a distribution', () => {
    const { mismatch } = convertOutputs(Float32Array.from([0.9, 0.8, 0.1, 0.7]), 2, 2, 'probabilities');
    expect(mismatch).toMatchObject({ fits: 'logits', unitInterval: true });
  });

  it('converts exactly as before: softmax for logits, a copy for probabilities, exp for log-probabilities', () => {
    const row = Float32Array.from([1, 2, 3]);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const s = e[0] + e[1] + e[2];
    const soft = convertOutputs(row, 1, 3, 'logits');
    for (let c = 0; c < 3; c++) expect(soft.probabilities[c]).toBe(Math.fround(Math.fround(e[c]) / s));
    expect(soft.looksLikeProbabilities).toBe(false);
    const p = Float32Array.from([0.2, 0.3, 0.5]);
    expect(convertOutputs(p, 1, 3, 'probabilities').probabilities).toEqual(p);
    expect(convertOutputs(p, 1, 3, 'logits').looksLikeProbabilities).toBe(true);
    expect(
      convertOutputs(Float32Array.from([0, Number.NEGATIVE_INFINITY]), 1, 2, 'log-probabilities'),
    ).toEqual({
      probabilities: Float32Array.from([1, 0]),
      mismatch: null,
      looksLikeProbabilities: false,
    });
  });
});

describe('outputKindError', () => {
  it('names model.outputs, the first offending samples with their figures, and the setting that fits', () => {
    const { mismatch } = convertOutputs(logits, size, K, 'probabilities');
    const error = outputKindError(mismatch!, { outputName: 'logits', sampleId: (row) => `sample-${row}` });
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('E_MODEL_OUTPUTS');
    expect(error.where).toBe('model.outputs');
    expect(error.message).toMatch(
      /^set to 'probabilities', but the output 'logits' does not hold probabilities: \d+ of the 540 samples in the first batch that does not fit have scores outside \[0, 1\] or rows that do not sum to 1 \(within 0\.001\): sample-\d+ \(min -?[\d.]+, max [\d.]+, sum -?[\d.]+\), sample-\d+ .* and \d+ more; evaluation stopped there$/,
    );
    expect(error.hint).toBe('the rows look like logits (unnormalised scores): set model.outputs: logits');
    const logs = outputKindError(convertOutputs(logits, size, K, 'log-probabilities').mismatch!, {
      outputName: 'logits',
      sampleId: String,
    });
    expect(logs.message).toContain(
      'scores above 0 or rows whose exponentials do not sum to 1 (within 0.001)',
    );
    expect(logs.message).toMatch(/sum of exp [\d.e+]+/);
    const sigmoid = convertOutputs(Float32Array.from([0.9, 0.8]), 1, 2, 'probabilities').mismatch!;
    expect(outputKindError(sigmoid, { outputName: 'scores', sampleId: String }).hint).toContain(
      'independent (sigmoid) scores are no distribution over the classes',
    );
  });
});
