/** Number formatting shared by the markdown and terminal renderers. */
import { isFiniteNumber } from '../shared/valueChecks.js';
import type { MetricScale } from '../compare/types.js';

/** Shown where a figure is undefined (absent class, no baseline) or is not a number at all. */
export const NONE = '—';

// Every formatter checks isFiniteNumber first and shows anything else as NONE: report fields typed
// as numbers come from a file that may have been edited, and their raw text must never reach a
// comment (a `model.size` of `"<img ...>"` would be live HTML).

/** A rate in [0, 1] as a percentage with one decimal: 0.9444 -> "94.4%". */
export function formatRate(value: number | null): string {
  return !isFiniteNumber(value) ? NONE : `${(value * 100).toFixed(1)}%`;
}

/** A correlation in [-1, 1] with three decimals, with a true minus sign. */
export function formatCorrelation(value: number | null): string {
  return !isFiniteNumber(value) ? NONE : withMinus(value.toFixed(3));
}

export function formatMetric(value: number | null, scale: MetricScale): string {
  return scale === 'rate' ? formatRate(value) : formatCorrelation(value);
}

function withMinus(text: string): string {
  return text.startsWith('-') ? `\u2212${text.slice(1)}` : text;
}

/** The mark before a change in markdown: what it means for the model, never which way it moved. */
export const WORSE_MARK = '❗';
export const BETTER_MARK = '✓';

/** The legend of the marks, said once in the comment (under the summary table). */
export const CHANGE_MARKS_LEGEND =
  `${WORSE_MARK} worse, ${BETTER_MARK} better than the baseline, whichever way the figure moves ` +
  '(lower is better for ECE, Brier, NLL and cost)';

/**
 * Which way a figure is better, for the mark of its change: 'higher' (accuracy, recall, F1, MCC),
 * 'lower' (ECE, Brier, NLL, cost); false for no mark (the terminal: signs only). `true` is 'higher'.
 */
export type ChangeMarks = 'higher' | 'lower' | boolean;

/**
 * A change, signed: rates in percentage points with two decimals (0.02 = 2.00 pp), other figures
 * with `digits` decimals (3 by default), always that many, so a column of changes lines up
 * ("0.00 pp" beside "−1.85 pp"). In markdown a mark says whether the change is worse or better for
 * the model (WORSE_MARK, BETTER_MARK), whatever the figure's direction; the sign says which way it
 * moved. `marks` false gives the terminal's plain signs.
 */
export function formatChange(
  delta: number | null,
  scale: MetricScale,
  marks: ChangeMarks = 'higher',
  digits = scale === 'rate' ? 2 : 3,
): string {
  if (!isFiniteNumber(delta)) return NONE;
  const size = scale === 'rate' ? Math.abs(delta) * 100 : Math.abs(delta);
  const unit = scale === 'rate' ? ' pp' : '';
  const text = size.toFixed(digits);
  // Float noise from computing the same ratio two ways is no change.
  if (Math.abs(delta) < 1e-12) return `${(0).toFixed(digits)}${unit}`;
  // Nonzero but below display precision: say so instead of printing a misleading 0.
  const shown = Number(text) === 0 ? `<${(10 ** -digits).toFixed(digits)}` : text;
  const sign = delta > 0 ? '+' : marks === false ? '-' : '\u2212';
  if (marks === false) return `${sign}${shown}${unit}`;
  const better = delta > 0 === (marks !== 'lower');
  return `${better ? BETTER_MARK : WORSE_MARK} ${sign}${shown}${unit}`;
}

/** Bytes in binary units: 187392 -> "183.0 KiB". */
export function formatBytes(bytes: number): string {
  if (!isFiniteNumber(bytes)) return NONE;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Integer with thousands separators, locale-independent: 10000 -> "10,000". Separators go into
 * the integer part only (a fractional count, which no report should hold, keeps its decimals).
 */
export function formatCount(n: number): string {
  if (!isFiniteNumber(n)) return NONE;
  const [whole, fraction] = String(n).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A rate interval in percent with one decimal: {0.849, 0.981} -> "84.9–98.1%". */
export function formatRateInterval(interval: { low: number; high: number } | null | undefined): string {
  if (!interval || !isFiniteNumber(interval.low) || !isFiniteNumber(interval.high)) return NONE;
  return `${(interval.low * 100).toFixed(1)}–${(interval.high * 100).toFixed(1)}%`;
}

/**
 * A change interval: rates in percentage points with one decimal ("−30.2 to −5.8 pp"), other
 * figures with three decimals; true minus signs.
 */
export function formatChangeInterval(
  interval: { low: number; high: number } | null | undefined,
  scale: MetricScale | 'plain' = 'rate',
): string {
  if (!interval || !isFiniteNumber(interval.low) || !isFiniteNumber(interval.high)) return NONE;
  // More decimals for a narrow interval, so that it never reads "0.0 to 0.0" (at most 3 in pp, 5 plain).
  const unit = scale === 'rate' ? 100 : 1;
  const width = Math.abs(interval.high - interval.low) * unit;
  let digits = scale === 'rate' ? 1 : 3;
  while (digits < (scale === 'rate' ? 3 : 5) && width > 0 && width < 10 ** (1 - digits)) digits++;
  const show = (v: number) => {
    const text = (v * unit).toFixed(digits);
    return Number(text) === 0 ? text.replace('-', '') : withMinus(text);
  };
  return `${show(interval.low)} to ${show(interval.high)}${scale === 'rate' ? ' pp' : ''}`;
}

/** A p-value: "0.039", "<0.001"; NONE when there is none. */
export function formatPValue(p: number | null | undefined): string {
  if (!isFiniteNumber(p)) return NONE;
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}
