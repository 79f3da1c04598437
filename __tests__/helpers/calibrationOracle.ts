/**
 * Test oracle for calibration: ECE recomputed from per-sample records, independently of the
 * mergeable CalibrationState that src/metrics/calibration.ts keeps. Moved here from src/ because
 * only tests use it.
 */
import { CALIBRATION_BIN_EDGES, CALIBRATION_BINS, cellIndex } from '../../src/metrics/calibration.js';

/**
 * ECE over the 15 equal-width bins, as computeCalibration, from per-sample records: top-1
 * confidences and whether each prediction was right, each sample counted `weights[i]` times (the
 * multiplicities of a bootstrap resample; default once). Records' confidences are rounded to
 * 1e-6, so the result may differ from the stored `calibration.ece` by about that much. Null when
 * the weights total 0. Not used by the gates: their bootstrap and randomization tests keep their own
 * per-sample bins (compare/bootstrapTests.ts, compare/randomizationTests.ts).
 */
export function eceFromSamples(
  confidences: ArrayLike<number>,
  correct: ArrayLike<number | boolean>,
  weights?: ArrayLike<number>,
): number | null {
  if (
    correct.length !== confidences.length ||
    (weights !== undefined && weights.length !== confidences.length)
  ) {
    throw new Error(
      `eceFromSamples: ${confidences.length} confidences, ${correct.length} correct flags, ${weights?.length ?? 'no'} weights`,
    );
  }
  const count = new Float64Array(CALIBRATION_BINS);
  const gap = new Float64Array(CALIBRATION_BINS);
  let n = 0;
  for (let i = 0; i < confidences.length; i++) {
    const w = weights === undefined ? 1 : weights[i];
    if (w === 0) continue;
    const bin = cellIndex(CALIBRATION_BIN_EDGES, confidences[i]);
    count[bin] += w;
    // Σ (correct − confidence) per bin: |Σ| / n summed over bins is ECE.
    gap[bin] += w * ((correct[i] ? 1 : 0) - confidences[i]);
    n += w;
  }
  if (n === 0) return null;
  let sum = 0;
  for (let m = 0; m < CALIBRATION_BINS; m++) if (count[m] > 0) sum += Math.abs(gap[m]);
  return sum / n;
}
