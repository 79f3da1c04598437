/**
 * The calibration section of the comment, folded in a `<details>` block: a table of ECE, MCE,
 * adaptive ECE, Brier score and NLL (baseline → candidate), a Mermaid reliability diagram (GitHub
 * renders ```mermaid blocks in comments) and the per-bin figures behind it.
 *
 * Mermaid's xychart-beta has no legend and no gaps in a line, so the chart's series are named in
 * the text, in a fixed colour order (plotColorPalette), and a bin goes into the chart only when
 * every model drawn has samples in it; bins left out are named, and all non-empty bins are in the
 * table. Size is bounded: at most 15 bins, about 3 KB.
 */
import { markdownTable } from 'markdown-table';
import { CALIBRATION_BINS, calibrationStateFromJSON, reliabilityBins } from '../metrics/calibration.js';
import type { CalibrationReport, ReliabilityBin } from '../metrics/types.js';
import type { Report } from '../report/types.js';
import { formatChange, formatCount, NONE } from './formatNumbers.js';

/** Series colours, in the order the series are declared: bars, diagonal, baseline, candidate. */
const PALETTE = {
  bars: '#d0d7de',
  perfect: '#8c959f',
  baseline: '#0969da',
  candidate: '#cf222e',
} as const;

interface Figure {
  label: string;
  key: 'ece' | 'mce' | 'adaptiveEce' | 'brier' | 'nll';
  /** Rates are shown in %, the rest as plain numbers. */
  rate: boolean;
}

const FIGURES: Figure[] = [
  { label: 'ECE (15 equal-width bins)', key: 'ece', rate: true },
  { label: 'MCE (worst bin)', key: 'mce', rate: true },
  // Approximate: bins are equal-mass only up to the fixed grid the mergeable state keeps
  // (src/metrics/calibration.ts), so say so where the figure is shown.
  { label: 'Adaptive ECE (≈ equal-mass bins, on a fixed grid)', key: 'adaptiveEce', rate: true },
  { label: 'Brier score (0 to 2)', key: 'brier', rate: false },
  { label: 'NLL (nats)', key: 'nll', rate: false },
];

/**
 * The folded calibration section, or an empty string when the candidate report has no
 * calibration (written by an older evalgate). `baseline` may be null, or lack calibration.
 */
export function renderCalibrationSection(candidate: Report, baseline: Report | null): string {
  const candidateBins = binsOf(candidate.calibration);
  if (candidate.calibration === undefined || candidateBins === null) return '';
  const baselineBins = baseline ? binsOf(baseline.calibration) : null;
  const withBaseline = baseline?.calibration !== undefined && baselineBins !== null;
  const base = withBaseline ? (baseline.calibration as CalibrationReport) : null;
  const cand = candidate.calibration;

  const lines: string[] = [
    '<details>',
    `<summary>Calibration: ECE ${formatFigure(cand.ece, true)}` +
      (base ? ` (baseline ${formatFigure(base.ece, true)})` : '') +
      '</summary>',
    '',
  ];
  const header = withBaseline ? ['', 'baseline', 'candidate', 'change'] : ['', 'candidate'];
  const rows = FIGURES.map((f) => {
    const now = cand[f.key];
    if (!base) return [f.label, formatFigure(now, f.rate)];
    const before = base[f.key];
    return [
      f.label,
      formatFigure(before, f.rate),
      formatFigure(now, f.rate),
      formatDelta(before, now, f.rate),
    ];
  });
  lines.push(
    markdownTable([header, ...rows], { alignDelimiters: false, align: ['l', 'r', 'r', 'r'] }),
    '',
    'Lower is better for every figure. ECE is the sample-weighted gap between confidence and accuracy.',
    '',
  );
  if (baseline !== null && !withBaseline) {
    lines.push(
      'The baseline report has no calibration data (written by an older evalgate); run it again to compare.',
      '',
    );
  }
  lines.push(...reliabilityChart(candidateBins, withBaseline ? baselineBins : null), '');
  lines.push(binTable(candidateBins, withBaseline ? baselineBins : null), '', '</details>');
  return lines.join('\n');
}

function binsOf(calibration: CalibrationReport | undefined): ReliabilityBin[] | null {
  if (calibration === undefined) return null;
  try {
    return reliabilityBins(calibrationStateFromJSON(calibration.state));
  } catch {
    return null;
  }
}

/** The Mermaid chart over the bins that hold samples in every model drawn, with a text legend. */
function reliabilityChart(candidate: ReliabilityBin[], baseline: ReliabilityBin[] | null): string[] {
  const shown: number[] = [];
  const leftOut: number[] = [];
  for (let m = 0; m < CALIBRATION_BINS; m++) {
    if (candidate[m].count === 0 && (baseline === null || baseline[m].count === 0)) continue;
    if (candidate[m].count > 0 && (baseline === null || baseline[m].count > 0)) shown.push(m);
    else leftOut.push(m);
  }
  if (shown.length === 0) {
    return [
      'No confidence bin holds samples of both models, so there is no reliability diagram; see the table.',
    ];
  }
  const total = candidate.reduce((sum, bin) => sum + bin.count, 0);
  const palette = [PALETTE.bars, PALETTE.perfect, ...(baseline ? [PALETTE.baseline] : []), PALETTE.candidate];
  const values = (f: (m: number) => number) => `[${shown.map((m) => round(f(m))).join(', ')}]`;
  const legend =
    'Reliability diagram: accuracy against confidence per bin (x = bin midpoint). ' +
    `Grey line: perfect calibration; ${baseline ? 'blue line: baseline; ' : ''}red line: candidate; ` +
    "bars: the candidate's share of samples in the bin.";
  const chart = [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette.join(', ')}"}}}}%%`,
    'xychart-beta',
    '  title "Reliability diagram"',
    `  x-axis "confidence" [${shown.map((m) => `"${midpoint(m).toFixed(2)}"`).join(', ')}]`,
    '  y-axis "accuracy" 0 --> 1',
    `  bar ${values((m) => candidate[m].count / total)}`,
    `  line ${values(midpoint)}`,
    ...(baseline ? [`  line ${values((m) => baseline[m].accuracy as number)}`] : []),
    `  line ${values((m) => candidate[m].accuracy as number)}`,
    '```',
  ];
  const out = [legend, '', ...chart];
  if (leftOut.length > 0) {
    out.push('', `Left out of the chart (samples in one model only): ${leftOut.map(binLabel).join(', ')}.`);
  }
  return out;
}

/** Non-empty bins (in either model) with samples, mean confidence and accuracy. */
function binTable(candidate: ReliabilityBin[], baseline: ReliabilityBin[] | null): string {
  const header = baseline
    ? [
        'confidence bin',
        'baseline samples',
        'baseline accuracy',
        'candidate samples',
        'candidate mean confidence',
        'candidate accuracy',
      ]
    : ['confidence bin', 'samples', 'mean confidence', 'accuracy'];
  const rows: string[][] = [];
  for (let m = 0; m < CALIBRATION_BINS; m++) {
    const c = candidate[m];
    const b = baseline?.[m];
    if (c.count === 0 && (b === undefined || b.count === 0)) continue;
    const own = [formatCount(c.count), formatShare(c.confidence), formatShare(c.accuracy)];
    rows.push(
      b ? [binLabel(m), formatCount(b.count), formatShare(b.accuracy), ...own] : [binLabel(m), ...own],
    );
  }
  return markdownTable([header, ...rows], {
    alignDelimiters: false,
    align: ['l', ...header.slice(1).map(() => 'r' as const)],
  });
}

function midpoint(m: number): number {
  return (2 * m + 1) / (2 * CALIBRATION_BINS);
}

/** `(0.93, 1.00]`; the first bin also holds 0, so it reads `[0.00, 0.07]`. */
function binLabel(m: number): string {
  const low = (m / CALIBRATION_BINS).toFixed(2);
  const high = ((m + 1) / CALIBRATION_BINS).toFixed(2);
  return m === 0 ? `[${low}, ${high}]` : `(${low}, ${high}]`;
}

function round(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 1000) / 1000) : '0';
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A rate with two decimals in % (ECE of 0.0123 -> "1.23%"), else four decimals. */
function formatFigure(value: number | null, rate: boolean): string {
  if (!isNumber(value)) return NONE;
  return rate ? `${(value * 100).toFixed(2)}%` : value.toFixed(4);
}

/** A share with one decimal in %. */
function formatShare(value: number | null): string {
  return isNumber(value) ? `${(value * 100).toFixed(1)}%` : NONE;
}

function formatDelta(before: number | null, now: number | null, rate: boolean): string {
  if (!isNumber(before) || !isNumber(now)) return NONE;
  const delta = now - before;
  // Lower is better for every calibration figure: a rise is marked worse.
  return rate ? formatChange(delta, 'rate', 'lower') : formatChange(delta, 'correlation', 'lower', 4);
}
