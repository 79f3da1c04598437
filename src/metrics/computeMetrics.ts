/**
 * All classification metrics from a merged `MetricState` (confusion matrix + counts).
 *
 * Every figure matches scikit-learn 1.2.1 (`sklearn/metrics/_classification.py`, `_ranking.py`) to
 * 1e-12 on the golden files of `scripts/golden/make_metric_goldens.py`. Where scikit-learn substitutes
 * a number for 0/0 (`zero_division=0`), this module says null instead when there is nothing to
 * measure: a class with no test samples is not evaluable, so its recall is null and it can never
 * be shown as passing. Values are never NaN.
 */

import { InternalError } from '../shared/errors.js';
import { wilsonInterval } from '../stats/proportionIntervals.js';
import type { ClassMetrics, MetricState, Metrics } from './types.js';

/**
 * Computes every metric of `state`; `classNames[i]` names class index i. Accuracy, per-class
 * recall and per-class precision get Wilson score intervals at `confidence` (docs/statistics.md, "Wilson score interval";
 * statsmodels proportion_confint(method='wilson')), null where the proportion has no denominator.
 */
export function computeMetrics(state: MetricState, classNames: string[], confidence = 0.95): Metrics {
  const c = state.numClasses;
  if (classNames.length !== c) {
    throw new InternalError(`computeMetrics: ${classNames.length} class names for a state of ${c} classes`);
  }
  const m = state.confusion;
  // Row sums = support (true counts), column sums = predicted counts, diagonal = true positives.
  const support = new Float64Array(c);
  const predicted = new Float64Array(c);
  let correct = 0;
  for (let i = 0; i < c; i++) {
    const row = i * c;
    let rowSum = 0;
    for (let j = 0; j < c; j++) {
      const v = m[row + j];
      rowSum += v;
      predicted[j] += v;
    }
    support[i] = rowSum;
    correct += m[row + i];
  }
  const n = state.count;

  const classes: ClassMetrics[] = [];
  // Macro and weighted averages run over the classes present in the test set (support > 0), i.e.
  // precision_recall_fscore_support(y, p, labels=<present>, average='macro'|'weighted', zero_division=0).
  let present = 0;
  let sumP = 0;
  let sumR = 0;
  let sumF = 0;
  let wSumP = 0;
  let wSumR = 0;
  let wSumF = 0;
  let wTotal = 0;
  for (let i = 0; i < c; i++) {
    const tp = m[i * c + i];
    const s = support[i];
    const p = predicted[i];
    // zero_division=0: precision 0 for a present class never predicted; null when the class is
    // absent and never predicted (nothing at all to say about it).
    const precision = p > 0 ? tp / p : s > 0 ? 0 : null;
    const recall = s > 0 ? tp / s : null;
    // F1 = 2TP / (2TP + FP + FN) = 2TP / (support + predicted): scikit-learn >= 1.3 computes it this
    // way; 1.2.1's 2PR/(P+R) is the same number up to rounding (and 0 where P = R = 0).
    const f1 = s + p > 0 ? (2 * tp) / (s + p) : null;
    classes.push({
      name: classNames[i],
      support: s,
      predicted: p,
      truePositives: tp,
      precision,
      recall,
      f1,
      evaluable: s > 0,
      recallInterval: wilsonInterval(tp, s, confidence),
      precisionInterval: wilsonInterval(tp, p, confidence),
    });
    if (s > 0) {
      present++;
      // For a present class precision, recall and F1 are all numbers (see above).
      sumP += precision as number;
      sumR += recall as number;
      sumF += f1 as number;
      wSumP += s * (precision as number);
      wSumR += s * (recall as number);
      wSumF += s * (f1 as number);
      wTotal += s;
    }
  }

  const confusionMatrix: number[][] = [];
  for (let i = 0; i < c; i++) confusionMatrix.push(Array.from(m.subarray(i * c, (i + 1) * c)));

  const hasSamples = n > 0;
  return {
    samples: n,
    accuracy: hasSamples ? correct / n : null,
    accuracyInterval: wilsonInterval(correct, n, confidence),
    topK: state.topK > 0 ? { k: state.topK, accuracy: hasSamples ? state.topKHits / n : null } : null,
    macroPrecision: present > 0 ? sumP / present : null,
    macroRecall: present > 0 ? sumR / present : null,
    macroF1: present > 0 ? sumF / present : null,
    weightedPrecision: wTotal > 0 ? wSumP / wTotal : null,
    weightedRecall: wTotal > 0 ? wSumR / wTotal : null,
    weightedF1: wTotal > 0 ? wSumF / wTotal : null,
    // balanced_accuracy_score = mean recall over the classes present in y_true (sklearn drops the
    // NaN recalls of classes that are only predicted).
    balancedAccuracy: present > 0 ? sumR / present : null,
    matthewsCorrelation: hasSamples ? matthews(support, predicted, correct, n) : null,
    cohenKappa: hasSamples ? cohenKappa(support, predicted, correct, n) : null,
    classes,
    confusionMatrix,
  };
}

/**
 * Multiclass Matthews correlation (Gorodkin 2004) in sklearn's covariance form:
 *   cov(yt, yp) = c*s - t.p,  cov(yp, yp) = s^2 - p.p,  cov(yt, yt) = s^2 - t.t
 *   MCC = cov(yt, yp) / sqrt(cov(yt, yt) * cov(yp, yp)),  0 when that product is 0 (as sklearn).
 * With counts below 2^26 every term before the product is an exact integer in float64, so the
 * summation order cannot matter; the product and square root are done in sklearn's order.
 */
function matthews(support: Float64Array, predicted: Float64Array, correct: number, n: number): number {
  let tp = 0;
  let pp = 0;
  let tt = 0;
  for (let i = 0; i < support.length; i++) {
    tp += support[i] * predicted[i];
    pp += predicted[i] * predicted[i];
    tt += support[i] * support[i];
  }
  const covYtYp = correct * n - tp;
  const covYpYp = n * n - pp;
  const covYtYt = n * n - tt;
  const product = covYtYt * covYpYp;
  if (product === 0) return 0;
  return covYtYp / Math.sqrt(product);
}

/**
 * Cohen's kappa, unweighted (Cohen 1960; sklearn `cohen_kappa_score`):
 *   kappa = 1 - sum(w * C) / sum(w * E),  E = outer(pred, true) / n,  w = 1 off the diagonal.
 * sum(w * C) = n - trace and sum(w * E) = (n^2 - sum_i pred_i true_i) / n; both numerators are exact
 * integers here, so this is sklearn's value with fewer roundings. null where sklearn gives NaN
 * (0/0: labels and predictions all one class).
 */
function cohenKappa(
  support: Float64Array,
  predicted: Float64Array,
  correct: number,
  n: number,
): number | null {
  let agreeByChance = 0;
  for (let i = 0; i < support.length; i++) agreeByChance += predicted[i] * support[i];
  const expectedDisagreement = (n * n - agreeByChance) / n;
  const observedDisagreement = n - correct;
  if (expectedDisagreement === 0) return null;
  return 1 - observedDisagreement / expectedDisagreement;
}
