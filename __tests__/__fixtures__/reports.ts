/**
 * Builds Report objects for compare/render tests from a confusion matrix, so that every figure in
 * a fixture report (per-class table, headline metrics, support, per-sample records) agrees with
 * every other, as in a real report. Formulas are scikit-learn's:
 * - precision/recall/F1 with zero_division=0, macro averages over classes with support > 0
 *   (evalgate's contract: absent classes are not evaluable, not zeros), weighted by support;
 * - balanced accuracy = macro recall (sklearn balanced_accuracy_score);
 * - MCC: (c*s - sum p_k t_k) / sqrt((s^2 - sum p_k^2)(s^2 - sum t_k^2)) (sklearn matthews_corrcoef);
 * - Cohen's kappa: (p_o - p_e) / (1 - p_e), p_e = sum p_k t_k / s^2 (sklearn cohen_kappa_score).
 */
import {
  calibrationStateToJSON,
  computeCalibration,
  createCalibrationState,
  updateCalibrationState,
} from '../../src/metrics/calibration.js';
import { computeCost } from '../../src/metrics/costs.js';
import type { ClassMetrics } from '../../src/metrics/types.js';
import { REPORT_SCHEMA, type Report } from '../../src/report/types.js';

/** A confusion-matrix row: plain numbers, or bytes for huge class counts (see `sparseMatrix`). */
export type MatrixRow = ArrayLike<number>;

export interface ReportSpec {
  classNames: string[];
  /** rows = true class, columns = predicted class. */
  matrix: MatrixRow[];
  modelSha256?: string;
  modelSize?: number;
  modelSource?: string;
  testSetDigest?: string;
  testSetSource?: string;
  locked?: boolean;
  toolVersion?: string;
  /** k for top-k; 0 = top-k off. Default 5 when there are at least 5 classes. */
  topK?: number;
  /** Fraction of the wrong predictions that still have the true class in the top k. Default 0.8. */
  topKRecovery?: number;
  /** Write per-sample records (default: when there are at most 200,000 samples). */
  withSamples?: boolean;
  warnings?: string[];
  executionProvider?: 'cpu' | 'cuda';
}

/** A test-set digest the way the lock module writes it. */
export function digestOf(seed: string): string {
  let hex = '';
  let h = 2166136261;
  for (let round = 0; hex.length < 64; round++) {
    for (const ch of `${seed}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    hex += h.toString(16).padStart(8, '0');
  }
  return `sha256:${hex.slice(0, 64)}`;
}

/** Sample id of the `index`-th test image of class `label` (image-folder layout). */
export function sampleId(classNames: string[], label: number, index: number): string {
  return `${label}-${classNames[label]!.replace(/[^A-Za-z0-9]/g, '_')}/${String(index).padStart(5, '0')}.png`;
}

export function makeReport(spec: ReportSpec): Report {
  const { classNames, matrix } = spec;
  const n = classNames.length;
  if (matrix.length !== n) throw new Error(`matrix has ${matrix.length} rows for ${n} classes`);

  const support = new Float64Array(n);
  const predicted = new Float64Array(n);
  let total = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = matrix[i]!;
    for (let j = 0; j < n; j++) {
      const count = row[j]!;
      if (count === 0) continue;
      support[i]! += count;
      predicted[j]! += count;
      total += count;
      if (i === j) correct += count;
    }
  }

  const classes: ClassMetrics[] = classNames.map((name, i) => {
    const tp = matrix[i]![i]!;
    const s = support[i]!;
    const p = predicted[i]!;
    const precision = p > 0 ? tp / p : s > 0 ? 0 : null;
    const recall = s > 0 ? tp / s : null;
    const f1 = s > 0 ? (2 * tp) / (s + p) : null;
    return { name, support: s, predicted: p, truePositives: tp, precision, recall, f1, evaluable: s > 0 };
  });

  const present = classes.filter((c) => c.support > 0);
  const mean = (pick: (c: ClassMetrics) => number | null) =>
    present.length === 0 ? null : present.reduce((sum, c) => sum + (pick(c) ?? 0), 0) / present.length;
  const weighted = (pick: (c: ClassMetrics) => number | null) =>
    total === 0 ? null : present.reduce((sum, c) => sum + (pick(c) ?? 0) * c.support, 0) / total;

  let sumPT = 0;
  let sumP2 = 0;
  let sumT2 = 0;
  for (let k = 0; k < n; k++) {
    sumPT += predicted[k]! * support[k]!;
    sumP2 += predicted[k]! ** 2;
    sumT2 += support[k]! ** 2;
  }
  const mccDenominator = Math.sqrt((total ** 2 - sumP2) * (total ** 2 - sumT2));
  const matthewsCorrelation = total === 0 || mccDenominator === 0 ? null : (correct * total - sumPT) / mccDenominator;
  const expected = total === 0 ? 0 : sumPT / total ** 2;
  const cohenKappa = total === 0 || expected === 1 ? null : (correct / total - expected) / (1 - expected);

  const k = spec.topK ?? (n >= 5 ? 5 : 0);
  const recovered = Math.floor((total - correct) * (spec.topKRecovery ?? 0.8));
  const accuracy = total === 0 ? null : correct / total;

  const withSamples = spec.withSamples ?? total <= 200_000;
  const ids: string[] = [];
  const labels: number[] = [];
  const predictions: number[] = [];
  const confidences: number[] = [];
  if (withSamples) {
    for (let i = 0; i < n; i++) {
      const row = matrix[i]!;
      let index = 0;
      // Within a class, samples are listed by predicted class, so a given id keeps its
      // prediction between two reports wherever the counts allow it.
      for (let j = 0; j < n; j++) {
        for (let c = 0; c < row[j]!; c++) {
          ids.push(sampleId(classNames, i, index));
          labels.push(i);
          predictions.push(j);
          confidences.push(Math.round((i === j ? 0.97 - (index % 7) * 0.03 : 0.41 + (index % 5) * 0.05) * 1e6) / 1e6);
          index++;
        }
      }
    }
  }

  const supportByName: Record<string, number> = {};
  for (let i = 0; i < n; i++) supportByName[classNames[i]!] = support[i]!;

  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'evalgate', version: spec.toolVersion ?? '0.1.0' },
    createdAt: '2025-01-15T10:20:30.000Z',
    task: 'image-classification',
    model: {
      source: spec.modelSource ?? 'models/model.onnx',
      sha256: spec.modelSha256 ?? digestOf('model').slice('sha256:'.length),
      size: spec.modelSize ?? 187_392,
      parameterCount: 46_538,
      externalData: [],
      inputs: [{ name: 'input', isTensor: true, type: 'float32', shape: ['batch', 1, 8, 8] }],
      outputs: [{ name: 'logits', isTensor: true, type: 'float32', shape: ['batch', n] }],
      input: 'input',
      output: 'logits',
      outputKind: 'logits',
    },
    testSet: {
      digest: spec.testSetDigest ?? digestOf('test-set'),
      locked: spec.locked ?? true,
      format: 'image-folder',
      source: spec.testSetSource ?? 'data/test',
      size: total,
      support: supportByName,
    },
    classNames: [...classNames],
    metrics: {
      samples: total,
      accuracy,
      topK: k > 0 ? { k, accuracy: total === 0 ? null : (correct + recovered) / total } : null,
      macroPrecision: mean((c) => c.precision),
      macroRecall: mean((c) => c.recall),
      macroF1: mean((c) => c.f1),
      weightedPrecision: weighted((c) => c.precision),
      weightedRecall: weighted((c) => c.recall),
      weightedF1: weighted((c) => c.f1),
      balancedAccuracy: mean((c) => c.recall),
      matthewsCorrelation,
      cohenKappa,
    },
    classes,
    // Fixture rows may be byte arrays for huge class counts; readers only index them.
    confusionMatrix: matrix as number[][],
    slices: [],
    environment: {
      os: 'linux 6.8.0',
      arch: 'x64',
      cpu: 'AMD EPYC 7763 64-Core Processor',
      cpuCount: 4,
      node: 'v20.19.0',
      onnxruntime: '1.30.0',
      executionProvider: spec.executionProvider ?? 'cpu',
    },
    settings: { batchSize: 32, decodeWorkers: 0, intraOpThreads: null, seed: 0, topK: k, preprocess: { resize: [8, 8], color: 'gray', layout: 'NCHW' } },
    samples: { ids, labels, predictions, confidences },
    timing: { totalSeconds: 1.84, inferenceSeconds: 0.31, samplesPerSecond: total / 0.31 },
    warnings: spec.warnings ?? [],
  };
}

/** The ten digit classes of the bundled example. */
export const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * A diagonal-heavy matrix: `support` samples per class, `errors[i]` of class i predicted as
 * `confusedWith[i]` (default: the next class).
 */
export function matrixFrom(
  support: number[],
  errors: Array<Array<[predicted: number, count: number]>>,
): number[][] {
  return support.map((s, i) => {
    const row = new Array<number>(support.length).fill(0);
    let wrong = 0;
    for (const [j, count] of errors[i] ?? []) {
      row[j]! += count;
      wrong += count;
    }
    row[i] = s - wrong;
    return row;
  });
}

/**
 * The digits example: 540 test images, 54 per class. The baseline model makes a few errors;
 * the regressed model lost most training images of '8' and now confuses it with 1, 3, 5 and 9
 * (recall 51/54 = 0.944 -> 30/54 = 0.556).
 */
export function digitsPair(): { baseline: Report; candidate: Report; improved: Report } {
  const support = DIGITS.map(() => 54);
  const baselineErrors: Array<Array<[number, number]>> = [
    [],
    [[8, 1]],
    [[3, 1]],
    [
      [5, 1],
      [8, 1],
    ],
    [[9, 1]],
    [[3, 1]],
    [],
    [[9, 1]],
    [
      [1, 1],
      [3, 1],
      [9, 1],
    ],
    [
      [3, 1],
      [8, 1],
    ],
  ];
  const regressedErrors = baselineErrors.map((e) => [...e]);
  regressedErrors[8] = [
    [1, 9],
    [3, 7],
    [5, 3],
    [9, 5],
  ];
  const improvedErrors = baselineErrors.map((e) => [...e]);
  improvedErrors[8] = [[9, 1]];
  improvedErrors[9] = [[3, 1]];

  const baseline = makeReport({
    classNames: DIGITS,
    matrix: matrixFrom(support, baselineErrors),
    modelSha256: digestOf('baseline-model').slice(7),
    modelSource: 'examples/digits/model.onnx',
    testSetSource: 'examples/digits/test',
  });
  const candidate = makeReport({
    classNames: DIGITS,
    matrix: matrixFrom(support, regressedErrors),
    modelSha256: digestOf('regressed-model').slice(7),
    modelSource: 'examples/digits/model-regressed.onnx',
    testSetSource: 'examples/digits/test',
  });
  const improved = makeReport({
    classNames: DIGITS,
    matrix: matrixFrom(support, improvedErrors),
    modelSha256: digestOf('improved-model').slice(7),
    modelSource: 'examples/digits/model-improved.onnx',
    testSetSource: 'examples/digits/test',
  });
  return { baseline, candidate, improved };
}

/**
 * A report with `n` classes and `perClass` samples each, every prediction correct except that
 * class i in `regressed` loses `lost` samples to class (i + 1) % n. Rows are byte arrays: a
 * 10,000-class matrix of numbers would take 800 MB, bytes take 100 MB.
 */
export function manyClassReport(
  n: number,
  options: { perClass?: number; regressed?: number[]; lost?: number; names?: (i: number) => string; seed?: string } = {},
): Report {
  const perClass = options.perClass ?? 3;
  const names = Array.from({ length: n }, (_, i) => (options.names ? options.names(i) : `class-${i}`));
  const lostBy = new Map((options.regressed ?? []).map((i) => [i, options.lost ?? 2]));
  const matrix: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Uint8Array(n);
    const lost = lostBy.get(i) ?? 0;
    row[i] = perClass - lost;
    row[(i + 1) % n]! += lost;
    matrix.push(row);
  }
  return makeReport({
    classNames: names,
    matrix,
    testSetDigest: digestOf(`many-${n}`),
    modelSha256: digestOf(options.seed ?? 'many-model').slice(7),
    withSamples: false,
  });
}

/** One class of a `discordantPair`: its samples and how the two models disagree on them. */
export interface DiscordantClass {
  /** Test samples of the class. */
  n: number;
  /** Samples the baseline gets wrong (default 0). */
  baselineWrong?: number;
  /** b: samples the baseline gets right and the candidate wrong. */
  broken?: number;
  /** c: samples the baseline gets wrong and the candidate right. */
  fixed?: number;
}

/**
 * A baseline and a candidate report on the same samples with exactly the given per-class McNemar
 * counts: for class k, the first `baselineWrong` samples are wrong in the baseline (predicted as
 * the next class), the candidate fixes the first `fixed` of them and breaks the first `broken` of
 * the others. Per-sample records, class tables and confusion matrices all agree.
 */
export function discordantPair(
  classNames: string[],
  classes: DiscordantClass[],
  spec: Partial<ReportSpec> = {},
): { baseline: Report; candidate: Report } {
  const k = classNames.length;
  const labels: number[] = [];
  const before: number[] = [];
  const after: number[] = [];
  classes.forEach((cls, label) => {
    const wrong = cls.baselineWrong ?? 0;
    const next = (label + 1) % k;
    for (let i = 0; i < cls.n; i++) {
      const baselineRight = i >= wrong;
      const candidateRight = baselineRight ? i - wrong >= (cls.broken ?? 0) : i < (cls.fixed ?? 0);
      labels.push(label);
      before.push(baselineRight ? label : next);
      after.push(candidateRight ? label : next);
    }
  });
  return {
    baseline: reportFromSamples(classNames, labels, before, { ...spec, modelSha256: digestOf('pair-base').slice(7) }),
    candidate: reportFromSamples(classNames, labels, after, { ...spec, modelSha256: digestOf('pair-cand').slice(7) }),
  };
}

/** A report whose per-sample records are exactly `labels`/`predictions` (ids `sample-00000`, ...). */
export function reportFromSamples(
  classNames: string[],
  labels: number[],
  predictions: number[],
  spec: Partial<ReportSpec> = {},
): Report {
  const k = classNames.length;
  const matrix = classNames.map(() => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) matrix[labels[i]!]![predictions[i]!]!++;
  const report = makeReport({ ...spec, classNames, matrix, withSamples: false });
  report.samples = {
    ids: labels.map((_, i) => `sample-${String(i).padStart(5, '0')}`),
    labels: [...labels],
    predictions: [...predictions],
    confidences: labels.map((label, i) =>
      predictions[i] === label ? 0.97 - (i % 7) * 0.03 : 0.41 + (i % 5) * 0.05,
    ),
  };
  return report;
}

/**
 * `report` with `calibration` computed from its per-sample records, as the engine would: each
 * sample's probability row puts its confidence on the predicted class and spreads the rest evenly.
 */
export function withCalibration(report: Report, confidences?: number[]): Report {
  const k = report.classNames.length;
  const { labels, predictions } = report.samples;
  const conf = confidences ?? report.samples.confidences;
  const rows = new Float64Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) {
    const rest = (1 - conf[i]!) / (k - 1);
    if (rest >= conf[i]!) throw new Error(`confidence ${conf[i]} is not the largest probability of ${k} classes`);
    for (let j = 0; j < k; j++) rows[i * k + j] = j === predictions[i] ? conf[i]! : rest;
  }
  const state = updateCalibrationState(createCalibrationState(k), rows, labels, labels.length);
  return {
    ...report,
    samples: { ...report.samples, confidences: [...conf] },
    calibration: { ...computeCalibration(state), state: calibrationStateToJSON(state) },
  };
}

/** `report` with `cost` under `matrix` (rows = true class), from its confusion matrix. */
export function withCost(report: Report, matrix: number[][], unit?: string): Report {
  return { ...report, cost: computeCost({ matrix, unit }, report.confusionMatrix, report.settings.confidence ?? 0.95) };
}
