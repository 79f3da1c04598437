/**
 * Calibration as mergeable state: how far the model's top-1 confidence is from its accuracy.
 *
 * Definitions (docs/statistics.md, "Calibration"):
 * - ECE (Guo et al. 2017, "On Calibration of Modern Neural Networks", ICML): M = 15 equal-width bins
 *   B_m = ((m−1)/M, m/M] over the top-1 confidence; ECE = Σ_m |B_m|/n · |acc(B_m) − conf(B_m)|
 *   = Σ_m |correct_m − confidenceSum_m| / n. A confidence of exactly 0 falls in the first bin (Guo's
 *   code drops it) and 1 in the last. Edges are numpy.linspace(0, 1, 16) in float64 (m · (1/15)),
 *   and a float32 confidence is compared after exact promotion to float64, as numpy does.
 * - MCE: the largest |acc − conf| over the non-empty bins.
 * - Adaptive ECE (equal-mass bins; Nixon et al. 2019, "Measuring Calibration in Deep Learning"):
 *   bin edges at quantiles of the confidences. Quantiles need the sorted confidences, which a
 *   mergeable state does not keep, so the state holds the same three sums on a FIXED fine grid
 *   (CALIBRATION_GRID_EDGES) and the equal-mass bins are formed by walking the grid: cells are
 *   added to the current bin until the cumulative count reaches the next multiple of n/15. Bins
 *   are therefore equal-mass up to the grid's resolution: a cell holding more than n/15 samples
 *   (common at confidence 1.0) is one bin, and fewer than 15 bins result.
 * - Multiclass Brier = (1/N) Σ_i Σ_k (p_ik − y_ik)², range [0, 2] for probability rows.
 * - NLL = −(1/N) Σ_i log max(p_i,y_i, 1e-15): the clip is scikit-learn's log_loss default before
 *   1.2 (a float32 softmax underflows to exactly 0 for a confidently wrong sample). Unlike
 *   log_loss, rows are not renormalised: the model's probabilities are used as they are.
 *
 * Golden values: scripts/golden/make_calibration_goldens.py (independent numpy code, sklearn 1.2).
 */

import { isCount, isFiniteNumber } from '../shared/valueChecks.js';
import { type FieldSpecs, reduceFields } from '../shared/reducers.js';
import { describeJsonValue } from '../shared/describeJsonValue.js';
import { InputError, InternalError } from '../shared/errors.js';
import type {
  CalibrationMetrics,
  CalibrationState,
  CalibrationStateJSON,
  CalibrationSumsJSON,
  ReliabilityBin,
} from './types.js';

/** Equal-width bins of ECE and MCE (Guo et al.; torchmetrics' default). */
export const CALIBRATION_BINS = 15;

/** Lower clip of the true-class probability in the NLL (scikit-learn < 1.2 log_loss eps). */
export const NLL_CLIP = 1e-15;

/** Edges of the 15 bins: numpy.linspace(0, 1, 16), i.e. m * (1/15) in float64, last edge exactly 1. */
export const CALIBRATION_BIN_EDGES: Float64Array = (() => {
  const edges = new Float64Array(CALIBRATION_BINS + 1);
  const step = 1 / CALIBRATION_BINS;
  for (let m = 0; m < CALIBRATION_BINS; m++) edges[m] = m * step;
  edges[CALIBRATION_BINS] = 1;
  return edges;
})();

/**
 * Edges of the fine grid for adaptive ECE, each a dyadic rational and so exact in float64 (no
 * platform can round an edge differently, and a float32 confidence on an edge is unambiguous):
 * - k/128 for k = 0..127: uniform cells of width 1/128 ≈ 0.0078 up to 1 − 2^−7 ≈ 0.992;
 * - then cells spaced evenly in log(1 − p), where confidences of good models cluster: four per
 *   octave, 1 − f·2^−o for o = 7..23 and f = 7/8, 3/4, 5/8, 1/2, down to 1 − 2^−24, the largest
 *   float32 below 1 (relative steps of 8/7, 7/6, 6/5, 5/4 in 1 − p);
 * - then 1, so that the last cell (1 − 2^−24, 1] holds the confidences of exactly 1.0.
 * Cells are right-closed like the bins; the first also holds 0. 197 edges, 196 cells.
 */
export const CALIBRATION_GRID_EDGES: Float64Array = (() => {
  const edges: number[] = [];
  for (let k = 0; k < 128; k++) edges.push(k / 128);
  for (let octave = 7; octave <= 23; octave++) {
    for (const fraction of [7 / 8, 3 / 4, 5 / 8, 1 / 2]) edges.push(1 - fraction * 2 ** -octave);
  }
  edges.push(1);
  return Float64Array.from(edges);
})();

/** Cells of the fine grid. */
export const CALIBRATION_GRID_CELLS = CALIBRATION_GRID_EDGES.length - 1;

/** Names the grid in stored states; change it whenever the edges change, so old states are refused. */
export const CALIBRATION_GRID_ID = 'dyadic-128-uniform+4-per-octave-to-2^-24/v1';

/**
 * Index of the right-closed cell (edges[i], edges[i+1]] holding `value`: the smallest i with
 * value <= edges[i+1] (numpy.searchsorted(edges, value, side='left') − 1), clamped into the cells so
 * that 0 (and anything below) goes to the first and anything above the last edge to the last.
 */
export function cellIndex(edges: Float64Array, value: number): number {
  let lo = 1;
  let hi = edges.length - 1;
  // Invariant: the answer k (smallest k >= 1 with value <= edges[k], or the last) lies in [lo, hi].
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** An empty state for `numClasses` classes. */
export function createCalibrationState(numClasses: number): CalibrationState {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new InternalError(`a calibration state needs at least 1 class, got ${numClasses}`);
  }
  return {
    numClasses,
    count: 0,
    binCount: new Float64Array(CALIBRATION_BINS),
    binConfidenceSum: new Float64Array(CALIBRATION_BINS),
    binCorrect: new Float64Array(CALIBRATION_BINS),
    gridCount: new Float64Array(CALIBRATION_GRID_CELLS),
    gridConfidenceSum: new Float64Array(CALIBRATION_GRID_CELLS),
    gridCorrect: new Float64Array(CALIBRATION_GRID_CELLS),
    brierSum: 0,
    nllSum: 0,
  };
}

/**
 * Adds the first `size` rows of `probabilities` (row-major, `numClasses` per row) with their true
 * class indices `labels` to `state`, in place, and returns it. The prediction is the first maximum
 * of each row (numpy.argmax, as scoreBatch) and its value the confidence, so no per-sample arrays
 * are needed from the caller.
 */
export function updateCalibrationState(
  state: CalibrationState,
  probabilities: Float32Array | Float64Array,
  labels: Int32Array | number[],
  size: number,
): CalibrationState {
  const c = state.numClasses;
  if (!Number.isInteger(size) || size < 0 || probabilities.length < size * c || labels.length < size) {
    throw new InternalError(
      `updateCalibrationState: ${size} samples, but ${probabilities.length} scores for ${c} classes and ${labels.length} labels`,
    );
  }
  let brier = 0;
  let nll = 0;
  for (let i = 0; i < size; i++) {
    const base = i * c;
    const label = labels[i];
    if (!((label | 0) === label && label >= 0 && label < c)) {
      throw new InternalError(`label ${label} outside the ${c} classes of the calibration state`);
    }
    let best = probabilities[base];
    let bestIndex = 0;
    for (let k = 1; k < c; k++) {
      const p = probabilities[base + k];
      if (p > best) {
        best = p;
        bestIndex = k;
      }
    }
    brier += brierTerm(probabilities, base, c, label);
    nll += nllTerm(probabilities[base + label]);
    addToBins(state, best, bestIndex === label ? 1 : 0);
  }
  state.brierSum += brier;
  state.nllSum += nll;
  state.count += size;
  return state;
}

/**
 * One sample's multiclass Brier term, Σ_k (p_k − y_k)² = Σ_k p_k² + 1 − 2·p_label (no branch in the
 * loop), for the row of `numClasses` scores starting at `base`.
 */
export function brierTerm(
  probabilities: Float32Array | Float64Array,
  base: number,
  numClasses: number,
  label: number,
): number {
  let squares = 0;
  for (let k = 0; k < numClasses; k++) {
    const p = probabilities[base + k];
    squares += p * p;
  }
  return squares + 1 - 2 * probabilities[base + label];
}

/**
 * One sample's NLL term, −log(p_label) with p clipped into [NLL_CLIP, 1]: the upper clip only
 * matters for malformed rows, keeping NLL >= 0.
 */
export function nllTerm(trueClassProbability: number): number {
  // 0 − log p rather than −log p: p = 1 gives +0, not −0, which JSON would not keep.
  return 0 - Math.log(Math.min(1, Math.max(NLL_CLIP, trueClassProbability)));
}

/** Adds one top-1 `confidence` (right = 1 when the prediction was right) to the bins and the grid. */
function addToBins(state: CalibrationState, confidence: number, right: number): void {
  const bin = cellIndex(CALIBRATION_BIN_EDGES, confidence);
  state.binCount[bin] += 1;
  state.binConfidenceSum[bin] += confidence;
  state.binCorrect[bin] += right;
  const cell = cellIndex(CALIBRATION_GRID_EDGES, confidence);
  state.gridCount[cell] += 1;
  state.gridConfidenceSum[cell] += confidence;
  state.gridCorrect[cell] += right;
}

/** Per-sample calibration records in sample order (see calibrationStateFromRecords). */
export interface CalibrationRecords {
  labels: Int32Array;
  predictions: Int32Array;
  /** Top-1 confidence (the prediction's probability). */
  confidences: Float32Array;
  /** brierTerm of each sample. */
  brier: Float64Array;
  /** nllTerm of each sample. */
  nll: Float64Array;
}

/**
 * The state updateCalibrationState would reach over the same samples fed in order in batches of
 * `blockSize`: every sum is formed in sample order, and the Brier and NLL sums block by block, as
 * the batches added them. Float sums depend on the order of their terms, so forming them here, from
 * records put in sample order, gives the same figures to the last bit however the samples were
 * split among partial states (and the same as earlier evalgate versions, which summed per batch).
 */
export function calibrationStateFromRecords(
  numClasses: number,
  records: CalibrationRecords,
  blockSize: number,
): CalibrationState {
  const n = records.labels.length;
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new InternalError(`calibration block size must be >= 1, got ${blockSize}`);
  }
  const state = createCalibrationState(numClasses);
  const { labels, predictions, confidences, brier, nll } = records;
  for (let start = 0; start < n; start += blockSize) {
    const end = Math.min(n, start + blockSize);
    let brierBlock = 0;
    let nllBlock = 0;
    for (let i = start; i < end; i++) {
      brierBlock += brier[i];
      nllBlock += nll[i];
      addToBins(state, confidences[i], predictions[i] === labels[i] ? 1 : 0);
    }
    state.brierSum += brierBlock;
    state.nllSum += nllBlock;
  }
  state.count = n;
  return state;
}

/** How each field of a calibration state merges (src/shared/reducers.ts): every sum adds. */
export const CALIBRATION_FIELDS: FieldSpecs<CalibrationState> = {
  numClasses: 'setting',
  count: 'sum',
  binCount: 'sum',
  binConfidenceSum: 'sum',
  binCorrect: 'sum',
  gridCount: 'sum',
  gridConfidenceSum: 'sum',
  gridCorrect: 'sum',
  brierSum: 'sum',
  nllSum: 'sum',
};

/**
 * Sum of two states, as a new state (neither input changes), by CALIBRATION_FIELDS. States of
 * different class counts are refused.
 */
export function mergeCalibrationStates(a: CalibrationState, b: CalibrationState): CalibrationState {
  if (a.numClasses !== b.numClasses) {
    throw new InputError(
      `calibration states cannot be merged: one has ${a.numClasses} classes, the other ${b.numClasses}`,
      {
        code: 'E_INPUT',
        where: 'calibration state',
        hint: 'merge only states computed with the same class list',
      },
    );
  }
  return reduceFields(CALIBRATION_FIELDS, a, b);
}

/** ECE, MCE, adaptive ECE, Brier and NLL of a state; all null without samples. */
export function computeCalibration(state: CalibrationState): CalibrationMetrics {
  const n = state.count;
  if (n === 0) return { ece: null, mce: null, adaptiveEce: null, brier: null, nll: null };
  let gapSum = 0;
  let mce = 0;
  for (let m = 0; m < CALIBRATION_BINS; m++) {
    const count = state.binCount[m];
    if (count === 0) continue;
    const gap = Math.abs(state.binCorrect[m] - state.binConfidenceSum[m]);
    gapSum += gap;
    mce = Math.max(mce, gap / count);
  }
  return {
    ece: gapSum / n,
    mce,
    adaptiveEce: adaptiveEce(state),
    brier: state.brierSum / n,
    nll: state.nllSum / n,
  };
}

/**
 * Equal-mass ECE on the fine grid (see the module comment). With cumulative count S after a cell
 * and target bin m (1-based), the bin closes when S·M >= m·n (integers: no rounding), and the next
 * target is the first multiple above S: m = floor(S·M/n) + 1. Every bin is non-empty.
 */
function adaptiveEce(state: CalibrationState): number {
  const n = state.count;
  const bins = CALIBRATION_BINS;
  let target = 1;
  let cumulative = 0;
  let binConfidence = 0;
  let binCorrect = 0;
  let gapSum = 0;
  for (let k = 0; k < CALIBRATION_GRID_CELLS; k++) {
    const count = state.gridCount[k];
    if (count === 0) continue;
    cumulative += count;
    binConfidence += state.gridConfidenceSum[k];
    binCorrect += state.gridCorrect[k];
    if (cumulative * bins >= target * n) {
      gapSum += Math.abs(binCorrect - binConfidence);
      binConfidence = 0;
      binCorrect = 0;
      target = Math.floor((cumulative * bins) / n) + 1;
    }
  }
  return gapSum / n;
}

/** The equal-width bin (0..14) of a top-1 confidence. */
export function calibrationBin(confidence: number): number {
  return cellIndex(CALIBRATION_BIN_EDGES, confidence);
}

/** The 15 equal-width bins as a reliability diagram reads them (mean confidence and accuracy per bin). */
export function reliabilityBins(state: CalibrationState): ReliabilityBin[] {
  const bins: ReliabilityBin[] = [];
  for (let m = 0; m < CALIBRATION_BINS; m++) {
    const count = state.binCount[m];
    bins.push({
      low: CALIBRATION_BIN_EDGES[m],
      high: CALIBRATION_BIN_EDGES[m + 1],
      count,
      confidence: count > 0 ? state.binConfidenceSum[m] / count : null,
      accuracy: count > 0 ? state.binCorrect[m] / count : null,
    });
  }
  return bins;
}

/** Plain-JSON form of a state. */
export function calibrationStateToJSON(state: CalibrationState): CalibrationStateJSON {
  return {
    numClasses: state.numClasses,
    count: state.count,
    bins: {
      count: Array.from(state.binCount),
      confidenceSum: Array.from(state.binConfidenceSum),
      correct: Array.from(state.binCorrect),
    },
    grid: {
      id: CALIBRATION_GRID_ID,
      count: Array.from(state.gridCount),
      confidenceSum: Array.from(state.gridConfidenceSum),
      correct: Array.from(state.gridCorrect),
    },
    brierSum: state.brierSum,
    nllSum: state.nllSum,
  };
}

/**
 * The first problem of a stored state, as data: its path in the state and what is required there
 * (null when consistent; formatStateProblem words it). Counts
 * are non-negative integers; 15 bins and CALIBRATION_GRID_CELLS cells; each cell holds at most its
 * count of correct samples and a confidence sum whose mean lies inside the cell; bins and grid both
 * total `count`, with the same number correct; sums of Brier and NLL within their ranges.
 */
export function calibrationStateProblem(value: unknown): StateProblem | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { path: [], requirement: 'must be an object' };
  const v = value as Record<string, unknown>;
  const { numClasses, count, bins, grid, brierSum, nllSum } = v;
  if (!isCount(numClasses) || numClasses < 1)
    return at(['numClasses'], `must be an integer >= 1, got ${describeJsonValue(numClasses)}`);
  if (!isCount(count)) return at(['count'], `must be an integer >= 0, got ${describeJsonValue(count)}`);
  if (typeof grid === 'object' && grid !== null && (grid as { id?: unknown }).id !== CALIBRATION_GRID_ID) {
    return at(
      ['grid', 'id'],
      `must be "${CALIBRATION_GRID_ID}" (this evalgate's grid), got ${describeJsonValue((grid as { id?: unknown }).id)}`,
    );
  }
  const binProblem = sumsProblem('bins', bins, CALIBRATION_BIN_EDGES);
  if (binProblem) return binProblem;
  const gridProblem = sumsProblem('grid', grid, CALIBRATION_GRID_EDGES);
  if (gridProblem) return gridProblem;
  const b = bins as CalibrationSumsJSON;
  const g = grid as CalibrationSumsJSON;
  const total = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  if (total(b.count) !== count)
    return at(['bins', 'count'], `must total count (${count}), got ${total(b.count)}`);
  if (total(g.count) !== count)
    return at(['grid', 'count'], `must total count (${count}), got ${total(g.count)}`);
  if (total(b.correct) !== total(g.correct)) {
    return at(
      ['grid', 'correct'],
      `must total the same as bins.correct (${total(b.correct)}), got ${total(g.correct)}`,
    );
  }
  if (!close(total(b.confidenceSum), total(g.confidenceSum), count)) {
    return at(
      ['grid', 'confidenceSum'],
      `must total the same as bins.confidenceSum (${total(b.confidenceSum)}), got ${total(g.confidenceSum)}`,
    );
  }
  if (!isFiniteNumber(brierSum) || brierSum < 0) {
    return at(['brierSum'], `must be a finite number >= 0, got ${describeJsonValue(brierSum)}`);
  }
  const maxNll = -Math.log(NLL_CLIP) * (count as number);
  if (!isFiniteNumber(nllSum) || nllSum < 0 || nllSum > maxNll + tolerance(count as number)) {
    return at(
      ['nllSum'],
      `must be a number from 0 to ${maxNll} (count x -log ${NLL_CLIP}), got ${describeJsonValue(nllSum)}`,
    );
  }
  return null;
}

/** A problem found in a stored state: where in it, and what is required there. */
export interface StateProblem {
  path: Array<string | number>;
  requirement: string;
}

function at(path: Array<string | number>, requirement: string): StateProblem {
  return { path, requirement };
}

/** A state problem in words: `bins.count[3] must be ...` (the path as a reader writes it). */
export function formatStateProblem(problem: StateProblem): string {
  let where = '';
  for (const part of problem.path) {
    where += typeof part === 'number' ? `[${part}]` : where === '' ? part : `.${part}`;
  }
  return where === '' ? problem.requirement : `${where} ${problem.requirement}`;
}

/** Reads a stored state back, refusing anything `calibrationStateProblem` finds. */
export function calibrationStateFromJSON(value: unknown, where = 'calibration state'): CalibrationState {
  const problem = calibrationStateProblem(value);
  if (problem !== null) {
    throw new InputError(`invalid calibration state: ${formatStateProblem(problem)}`, {
      code: 'E_REPORT_INVALID',
      where,
      hint: 'use a state written by calibrationStateToJSON, unchanged',
    });
  }
  const v = value as CalibrationStateJSON;
  const state = createCalibrationState(v.numClasses);
  state.count = v.count;
  state.binCount.set(v.bins.count);
  state.binConfidenceSum.set(v.bins.confidenceSum);
  state.binCorrect.set(v.bins.correct);
  state.gridCount.set(v.grid.count);
  state.gridConfidenceSum.set(v.grid.confidenceSum);
  state.gridCorrect.set(v.grid.correct);
  state.brierSum = v.brierSum;
  state.nllSum = v.nllSum;
  return state;
}

function sumsProblem(name: string, value: unknown, edges: Float64Array): StateProblem | null {
  const cells = edges.length - 1;
  if (typeof value !== 'object' || value === null) return at([name], 'must be an object of per-cell sums');
  const { count, confidenceSum, correct } = value as Record<string, unknown>;
  for (const [field, column] of Object.entries({ count, confidenceSum, correct })) {
    if (!Array.isArray(column) || column.length !== cells) {
      return at([name, field], `must be an array of ${cells} numbers, got ${describeJsonValue(column)}`);
    }
  }
  const counts = count as unknown[];
  const sums = confidenceSum as unknown[];
  const hits = correct as unknown[];
  for (let i = 0; i < cells; i++) {
    const n = counts[i];
    if (!isCount(n)) return at([name, 'count', i], `must be an integer >= 0, got ${describeJsonValue(n)}`);
    const right = hits[i];
    if (!isCount(right) || right > n) {
      return at(
        [name, 'correct', i],
        `must be an integer from 0 to ${name}.count[${i}] (${n}), got ${describeJsonValue(right)}`,
      );
    }
    const sum = sums[i];
    // The mean confidence of a cell lies inside it: low·n <= sum <= high·n (the first cell holds 0).
    const low = i === 0 ? 0 : edges[i] * n;
    const high = edges[i + 1] * n;
    if (!isFiniteNumber(sum) || sum < low - tolerance(n) || sum > high + tolerance(n)) {
      return at(
        [name, 'confidenceSum', i],
        `must lie between ${low} and ${high} for ${n} samples in (${edges[i]}, ${edges[i + 1]}], got ${describeJsonValue(sum)}`,
      );
    }
  }
  return null;
}

/** Float summation error allowed over `n` terms of size <= 1 (different orders, JSON round trips). */
function tolerance(n: number): number {
  return 1e-9 * Math.max(1, n);
}

function close(a: number, b: number, n: number): boolean {
  return Math.abs(a - b) <= tolerance(n);
}
