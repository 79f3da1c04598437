/**
 * The stress suite in the comment and in the terminal, read from the reports' stress sections
 * (report.stress: one cell per perturbation × severity on the same stressed samples) and the
 * verdict's stress gates (`stress.<perturbation>…`, `stress.mean-accuracy`, `stress.per-class-recall`,
 * `stress.flip-rate`), matched by name, so that it needs nothing but the two reports and the verdict:
 * - a corruption × severity table: per perturbation, the candidate's accuracy on the stressed
 *   samples, clean and at each severity, each with its change against the baseline's same cell,
 *   worst first (failed stress gates first, then the largest mean drop);
 * - a Mermaid chart of mean accuracy over the perturbations against severity, baseline and candidate
 *   (same syntax as the reliability diagram of calibrationSection.ts);
 * - folded details per perturbation: the recall at each severity of the classes that fell most,
 *   and the flip rate of each cell (share of stressed samples whose prediction differs from the
 *   clean one; reference.md section 2), shortened to MAX_STRESS_DETAILS_CHARS.
 * Clean figures are those of the stressed samples (`stress.sampleIndices`), so that a stratified
 * subset is compared with itself; without per-sample records they fall back to the whole test set.
 */
import { markdownTable } from 'markdown-table';
import { printableName, truncate } from '../compare/messageText.js';
import type { GateResult, Verdict } from '../compare/types.js';
import type { Report, StressCellReport, StressReport } from '../report/types.js';
import {
  MAX_STRESS_DETAIL_CLASSES,
  MAX_STRESS_DETAILS_CHARS,
  MAX_STRESS_ROWS,
  STRESS_NAME_CHARS,
} from './commentBudget.js';
import { escapeMarkdown } from './escapeMarkdown.js';
import { formatChange, formatCount, formatRate, NONE } from './formatNumbers.js';

/** One figure of a cell: the candidate's, the baseline's same cell, and the change. */
export interface StressFigure {
  candidate: number | null;
  baseline: number | null;
  /** candidate − baseline; null without a baseline figure. */
  delta: number | null;
}

/** One perturbation at one severity (or clean: severity 0). */
export interface StressCellView {
  severity: number;
  samples: number;
  accuracy: StressFigure;
  /** Share of stressed samples whose prediction differs from the clean one; null without records. */
  flipRate: StressFigure;
  /** Per class (report class order): recall in this cell. */
  recall: StressFigure[];
  /** The perturbation left every stressed image exactly as it was: the figures are the clean ones. */
  noEffect: boolean;
}

export interface StressRow {
  perturbation: string;
  family: string;
  /** Clean, then the severities in ascending order (only those the candidate ran). */
  clean: StressCellView;
  cells: StressCellView[];
  /**
   * Mean over the severities of the change against the baseline's same cell; without a baseline
   * stress section, of the change from the candidate's clean accuracy.
   */
  meanChange: number | null;
  /** The stress gates' worst status for this perturbation; null when none names it. */
  status: GateResult['status'] | null;
  /** The gate results that name it. */
  gates: GateResult[];
}

export interface StressView {
  /** Stressed samples (candidate). */
  samples: number;
  subset: StressReport['subset'];
  severities: number[];
  /** Whether the baseline report has a stress section the cells were matched with. */
  compared: boolean;
  /** A baseline report was given but has no stress section. */
  baselineWithoutStress: boolean;
  classNames: string[];
  rows: StressRow[];
  /** Every `stress.` gate result, in verdict order. */
  gates: GateResult[];
}

const STATUS_RANK: Record<GateResult['status'], number> = {
  fail: 0,
  'not-evaluable': 1,
  warn: 2,
  pass: 3,
  skipped: 4,
};

/** The clean predictions and labels of the stressed samples, when the report carries them. */
interface CleanRecords {
  labels: number[];
  predictions: number[];
}

function cleanRecords(report: Report, stress: StressReport): CleanRecords | null {
  const { labels, predictions } = report.samples;
  const labelsOut: number[] = [];
  const predictionsOut: number[] = [];
  for (const index of stress.sampleIndices) {
    const label = labels[index];
    const prediction = predictions[index];
    if (label === undefined || prediction === undefined) return null;
    labelsOut.push(label);
    predictionsOut.push(prediction);
  }
  return { labels: labelsOut, predictions: predictionsOut };
}

/** Accuracy and per-class recall of the stressed samples on clean images. */
function cleanFigures(
  report: Report,
  records: CleanRecords | null,
): { accuracy: number | null; recall: (number | null)[] } {
  const k = report.classNames.length;
  if (records === null || records.labels.length === 0) {
    return { accuracy: report.metrics.accuracy, recall: report.classes.map((c) => c.recall) };
  }
  const support = new Float64Array(k);
  const hits = new Float64Array(k);
  let correct = 0;
  for (let i = 0; i < records.labels.length; i++) {
    const label = records.labels[i]!;
    support[label]! += 1;
    if (records.predictions[i] === label) {
      hits[label]! += 1;
      correct++;
    }
  }
  const recall: (number | null)[] = [];
  for (let c = 0; c < k; c++) recall.push(support[c]! > 0 ? hits[c]! / support[c]! : null);
  return { accuracy: correct / records.labels.length, recall };
}

function flipRate(cell: StressCellReport, records: CleanRecords | null): number | null {
  if (
    records === null ||
    cell.predictions.length !== records.predictions.length ||
    cell.predictions.length === 0
  ) {
    return null;
  }
  let flips = 0;
  for (let i = 0; i < cell.predictions.length; i++)
    if (cell.predictions[i] !== records.predictions[i]) flips++;
  return flips / cell.predictions.length;
}

function finite(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function figure(candidate: number | null | undefined, baseline: number | null | undefined): StressFigure {
  const c = finite(candidate) ? candidate : null;
  const b = finite(baseline) ? baseline : null;
  return { candidate: c, baseline: b, delta: c !== null && b !== null ? c - b : null };
}

/** Recall per class of a cell, in `classNames` order (matched by name when the order differs). */
function cellRecalls(classes: StressCellReport['classes'], classNames: string[]): (number | null)[] {
  if (classes.length === classNames.length && classes.every((c, i) => c.name === classNames[i])) {
    return classes.map((c) => c.recall);
  }
  const byName = new Map(classes.map((c) => [c.name, c.recall]));
  return classNames.map((name) => byName.get(name) ?? null);
}

/**
 * The result names a perturbation: `stress.<perturbation>` or `stress.<perturbation>.<figure>`, or
 * its stress cell (`stressCell`, set by the stress gates on per-cell results) or subject is it.
 */
function namesPerturbation(result: GateResult, perturbation: string): boolean {
  const gate = `stress.${perturbation}`;
  // Read structurally: the field belongs to the stress gates' contract (compare/types.ts).
  const cell = (result as { stressCell?: { perturbation?: unknown } }).stressCell;
  return (
    result.gate === gate ||
    result.gate.startsWith(`${gate}.`) ||
    cell?.perturbation === perturbation ||
    result.subject === perturbation
  );
}

/**
 * The stress view of a candidate against a baseline report; null when the candidate has no
 * stress section (or an empty one). `baseline` may be null, or lack a stress section.
 */
export function stressView(
  candidate: Report,
  baseline: Report | null,
  verdict: Verdict | null,
): StressView | null {
  const stress = candidate.stress;
  if (stress === undefined || stress.cells.length === 0) return null;
  const other = baseline?.stress;
  const compared = other !== undefined && other.cells.length > 0;
  const classNames = candidate.classNames;
  const records = cleanRecords(candidate, stress);
  const clean = cleanFigures(candidate, records);
  const baseRecords = compared ? cleanRecords(baseline!, other!) : null;
  const baseClean = compared ? cleanFigures(baseline!, baseRecords) : null;
  // The baseline's classes in the candidate's order.
  const baseIndex = compared ? classNames.map((name) => baseline!.classNames.indexOf(name)) : [];
  const baseRecall = (values: (number | null)[], c: number) =>
    baseIndex[c] === undefined || baseIndex[c]! < 0 ? null : (values[baseIndex[c]!] ?? null);
  const stressGates = (verdict?.gates ?? []).filter((g) => g.gate.startsWith('stress.'));

  const severities = [...new Set(stress.cells.map((c) => c.severity))].sort((a, b) => a - b);
  const names: string[] = [];
  for (const cell of stress.cells) if (!names.includes(cell.perturbation)) names.push(cell.perturbation);

  const cleanView: StressCellView = {
    severity: 0,
    samples: stress.sampleIndices.length,
    accuracy: figure(clean.accuracy, baseClean?.accuracy),
    flipRate: figure(records === null ? null : 0, baseRecords === null ? null : 0),
    recall: classNames.map((_, c) =>
      figure(clean.recall[c], baseClean === null ? null : baseRecall(baseClean.recall, c)),
    ),
    noEffect: false,
  };

  const rows = names.map((perturbation): StressRow => {
    const own = stress.cells
      .filter((c) => c.perturbation === perturbation)
      .sort((a, b) => a.severity - b.severity);
    const cells = own.map((cell): StressCellView => {
      const match = compared
        ? other!.cells.find((c) => c.perturbation === perturbation && c.severity === cell.severity)
        : undefined;
      const recalls = cellRecalls(cell.classes, classNames);
      const baseRecalls = match ? cellRecalls(match.classes, baseline!.classNames) : null;
      return {
        severity: cell.severity,
        samples: cell.samples,
        accuracy: figure(cell.metrics.accuracy, match?.metrics.accuracy),
        flipRate: figure(flipRate(cell, records), match ? flipRate(match, baseRecords) : null),
        recall: classNames.map((_, c) =>
          figure(recalls[c], baseRecalls === null ? null : baseRecall(baseRecalls, c)),
        ),
        noEffect: cell.samples > 0 && cell.unchanged === cell.samples,
      };
    });
    const changes = cells
      .map((c) =>
        compared
          ? c.accuracy.delta
          : c.accuracy.candidate !== null && cleanView.accuracy.candidate !== null
            ? c.accuracy.candidate - cleanView.accuracy.candidate
            : null,
      )
      .filter(finite);
    const gates = stressGates.filter((g) => namesPerturbation(g, perturbation));
    const worst = [...gates].sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status])[0];
    return {
      perturbation,
      family: own[0]!.family,
      clean: cleanView,
      cells,
      meanChange: changes.length === 0 ? null : changes.reduce((s, v) => s + v, 0) / changes.length,
      status: worst?.status ?? null,
      gates,
    };
  });
  // Worst first: a failed stress gate, then a warning, then the largest mean drop, then the name.
  const failing = (r: StressRow) => (r.status === 'fail' ? 0 : r.status === 'warn' ? 1 : 2);
  const key = (r: StressRow) => r.meanChange ?? Number.POSITIVE_INFINITY;
  rows.sort(
    (a, b) =>
      failing(a) - failing(b) ||
      key(a) - key(b) ||
      (a.perturbation < b.perturbation ? -1 : a.perturbation > b.perturbation ? 1 : 0),
  );
  return {
    samples: stress.sampleIndices.length,
    subset: stress.subset,
    severities,
    compared,
    baselineWithoutStress: baseline !== null && !compared,
    classNames,
    rows,
    gates: stressGates,
  };
}

// --- The comment ------------------------------------------------------------------------------

function perturbationName(name: string): string {
  return escapeMarkdown(name, STRESS_NAME_CHARS);
}

function statusMark(status: GateResult['status'] | null): string {
  switch (status) {
    case 'fail':
      return '❌ ';
    case 'warn':
    case 'not-evaluable':
      return '⚠️ ';
    case 'pass':
      return '✅ ';
    default:
      return '';
  }
}

/** "49.2% ❗ −48.7 pp"; the candidate's figure alone without a baseline. */
function cellText(f: StressFigure, direction: 'higher' | 'lower' = 'higher'): string {
  if (f.candidate === null) return NONE;
  return f.delta === null
    ? formatRate(f.candidate)
    : `${formatRate(f.candidate)} ${formatChange(f.delta, 'rate', direction, 1)}`;
}

function headerCount(view: StressView): string {
  const p = view.rows.length;
  const s = view.severities.length;
  return (
    `${formatCount(p)} ${p === 1 ? 'perturbation' : 'perturbations'} × ${formatCount(s)} ` +
    `${s === 1 ? 'severity' : 'severities'} on ${formatCount(view.samples)} ${view.samples === 1 ? 'sample' : 'samples'}`
  );
}

/** The worst cell: the largest drop against the baseline's same cell, or from clean without one. */
export function worstCell(
  view: StressView,
): { row: StressRow; cell: StressCellView; change: number | null } | null {
  let best: { row: StressRow; cell: StressCellView; change: number | null } | null = null;
  for (const row of view.rows) {
    for (const cell of row.cells) {
      const a = cell.accuracy.candidate;
      const clean = row.clean.accuracy.candidate;
      const change = view.compared ? cell.accuracy.delta : a !== null && clean !== null ? a - clean : null;
      if (change === null) continue;
      if (best === null || change < best.change!) best = { row, cell, change };
    }
  }
  return best;
}

/** The table of perturbations × severities, worst first, cut to MAX_STRESS_ROWS. */
function stressTable(view: StressView): string[] {
  const header = [
    'perturbation',
    'clean',
    ...view.severities.map((s) => `severity ${s}`),
    view.compared ? 'mean change' : 'mean change from clean',
  ];
  const shown = view.rows.slice(0, MAX_STRESS_ROWS);
  const cells = shown.map((row) => [
    `${statusMark(row.status)}${perturbationName(row.perturbation)}`,
    cellText(row.clean.accuracy),
    ...view.severities.map((s) => {
      const cell = row.cells.find((c) => c.severity === s);
      if (cell === undefined) return NONE;
      return cell.noEffect ? `${cellText(cell.accuracy)} ${NO_EFFECT_MARK}` : cellText(cell.accuracy);
    }),
    formatChange(row.meanChange, 'rate', 'higher', 1),
  ]);
  const table = markdownTable([header, ...cells], {
    alignDelimiters: false,
    align: ['l', ...header.slice(1).map(() => 'r' as const)],
  });
  const rest = view.rows.length - shown.length;
  const noEffect = shown.some((row) => row.cells.some((c) => c.noEffect));
  return [
    table,
    ...(rest > 0
      ? [
          '',
          `_… and ${formatCount(rest)} more ${rest === 1 ? 'perturbation' : 'perturbations'} in the full report._`,
        ]
      : []),
    ...(noEffect
      ? [
          '',
          `_${NO_EFFECT_MARK} the perturbation left every image unchanged at this severity: the figure is the clean one._`,
        ]
      : []),
  ];
}

const PALETTE = { baseline: '#0969da', candidate: '#cf222e' } as const;

/** Marks a cell whose perturbation changed no image (its figures are the clean ones). */
const NO_EFFECT_MARK = '∅';

function round(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/**
 * Mean accuracy over the perturbations at each severity, for both models over the same
 * perturbations (those each has at that severity); a severity left out when a model has none there.
 */
function meanChart(view: StressView): string[] {
  const points: Array<{ label: string; baseline: number | null; candidate: number }> = [];
  const clean = view.rows[0]!.clean.accuracy;
  if (clean.candidate !== null && (!view.compared || clean.baseline !== null)) {
    points.push({ label: 'clean', baseline: clean.baseline, candidate: clean.candidate });
  }
  const leftOut: number[] = [];
  for (const s of view.severities) {
    const figures = view.rows
      .map((r) => r.cells.find((c) => c.severity === s)?.accuracy)
      .filter(
        (f): f is StressFigure =>
          f !== undefined && f.candidate !== null && (!view.compared || f.baseline !== null),
      );
    if (figures.length === 0) {
      leftOut.push(s);
      continue;
    }
    const mean = (pick: (f: StressFigure) => number) =>
      figures.reduce((sum, f) => sum + pick(f), 0) / figures.length;
    points.push({
      label: String(s),
      baseline: view.compared ? mean((f) => f.baseline!) : null,
      candidate: mean((f) => f.candidate!),
    });
  }
  if (points.length < 2) return [];
  const palette = view.compared ? [PALETTE.baseline, PALETTE.candidate] : [PALETTE.candidate];
  const legend =
    `Mean accuracy over the perturbations against severity (x: clean, then severity). ` +
    `${view.compared ? 'Blue line: baseline; red line: candidate' : 'Red line: candidate'}` +
    (view.compared ? ', each over the perturbations both models ran at that severity.' : '.');
  const out = [
    legend,
    '',
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette.join(', ')}"}}}}%%`,
    'xychart-beta',
    '  title "Mean accuracy under stress"',
    `  x-axis "severity" [${points.map((p) => `"${p.label}"`).join(', ')}]`,
    '  y-axis "accuracy" 0 --> 1',
    ...(view.compared ? [`  line [${points.map((p) => round(p.baseline!)).join(', ')}]`] : []),
    `  line [${points.map((p) => round(p.candidate)).join(', ')}]`,
    '```',
  ];
  if (leftOut.length > 0) {
    out.push('', `Left out of the chart (no cell of both models): severity ${leftOut.join(', ')}.`);
  }
  return out;
}

/** "stress.mean-accuracy ✅ pass" for the suite-wide stress gates (those that name no perturbation). */
function suiteGateLine(view: StressView): string | null {
  const named = new Set(view.rows.flatMap((r) => r.gates));
  const suite = view.gates.filter((g) => !named.has(g));
  if (suite.length === 0) return null;
  const byGate = new Map<string, GateResult['status']>();
  for (const g of suite) {
    const seen = byGate.get(g.gate);
    if (seen === undefined || STATUS_RANK[g.status] < STATUS_RANK[seen]) byGate.set(g.gate, g.status);
  }
  const parts = [...byGate].map(
    ([gate, status]) => `${statusMark(status)}${escapeMarkdown(gate, STRESS_NAME_CHARS)}: ${status}`,
  );
  return `Stress gates: ${parts.join(' · ')}.`;
}

/**
 * The stress section's table and chart: a section of its own when a stress gate failed or warned,
 * folded otherwise. '' when the candidate has no stress section.
 */
export function renderStressSection(view: StressView | null): string {
  if (view === null || view.rows.length === 0) return '';
  const worst = worstCell(view);
  const caption =
    `_Accuracy of the ${view.subset === 'all' ? '' : 'stratified subset of '}${formatCount(view.samples)} stressed samples, clean and under each ` +
    `perturbation per severity` +
    (view.compared
      ? ", each with its change against the baseline's same cell (same samples, same seeded corruption)"
      : '') +
    `; worst first (failed stress gates first, then the largest mean drop${view.compared ? ' against the baseline' : ' from clean'})._`;
  const parts: string[] = [caption, ''];
  if (view.baselineWithoutStress) {
    parts.push(
      'ℹ️ The baseline report has no stress section, so these are the candidate’s figures alone; run the baseline with the same `stress:` to compare.',
      '',
    );
  }
  const gates = suiteGateLine(view);
  if (gates !== null) parts.push(gates, '');
  parts.push(...stressTable(view));
  const chart = meanChart(view);
  if (chart.length > 0) parts.push('', ...chart);
  const news = view.gates.some((g) => g.status === 'fail' || g.status === 'warn');
  const title = `Stress (${headerCount(view)})`;
  if (news) return [`### ${title}`, '', ...parts].join('\n');
  const worstText =
    worst === null
      ? ''
      : `: worst ${perturbationName(worst.row.perturbation)} s${worst.cell.severity} ${formatRate(worst.cell.accuracy.candidate)} ` +
        `(${formatChange(worst.change, 'rate', 'higher', 1)}${view.compared ? '' : ' from clean'})`;
  return ['<details>', `<summary>${title}${worstText}</summary>`, '', ...parts, '', '</details>'].join('\n');
}

/** Classes of a row ranked by how far their recall fell (mean over severities), worst first. */
function degradingClasses(view: StressView, row: StressRow): number[] {
  const scored: Array<{ c: number; drop: number }> = [];
  for (let c = 0; c < view.classNames.length; c++) {
    const clean = row.clean.recall[c]!.candidate;
    const changes = row.cells
      .map((cell) => {
        const f = cell.recall[c]!;
        if (view.compared) return f.delta;
        return f.candidate !== null && clean !== null ? f.candidate - clean : null;
      })
      .filter(finite);
    if (changes.length === 0) continue;
    scored.push({ c, drop: changes.reduce((s, v) => s + v, 0) / changes.length });
  }
  return scored.sort((a, b) => a.drop - b.drop || a.c - b.c).map((s) => s.c);
}

function perturbationDetails(view: StressView, row: StressRow, maxClasses: number): string {
  const ranked = degradingClasses(view, row);
  const shown = ranked.slice(0, maxClasses);
  const header = ['', 'clean', ...row.cells.map((c) => `severity ${c.severity}`)];
  const flip = ['flip rate (all samples)', NONE, ...row.cells.map((c) => cellText(c.flipRate, 'lower'))];
  const classRows = shown.map((c) => [
    `recall of '${escapeMarkdown(view.classNames[c]!, STRESS_NAME_CHARS)}'`,
    cellText(row.clean.recall[c]!),
    ...row.cells.map((cell) => cellText(cell.recall[c]!)),
  ]);
  const table = markdownTable([header, flip, ...classRows], {
    alignDelimiters: false,
    align: ['l', ...header.slice(1).map(() => 'r' as const)],
  });
  const first = shown[0];
  const summary =
    `${statusMark(row.status)}${perturbationName(row.perturbation)} (${escapeMarkdown(row.family, STRESS_NAME_CHARS)})` +
    (first === undefined
      ? ''
      : `: recall fell most for '${escapeMarkdown(view.classNames[first]!, STRESS_NAME_CHARS)}'`);
  const rest = ranked.length - shown.length;
  return [
    '<details>',
    `<summary>${summary}</summary>`,
    '',
    table,
    ...(rest > 0
      ? [
          '',
          `_${formatCount(shown.length)} of ${formatCount(ranked.length)} classes shown (recall fell most first); all in the full report._`,
        ]
      : []),
    '',
    '</details>',
  ].join('\n');
}

/**
 * The folded details per perturbation, at most `budget` characters: fewer classes per
 * perturbation first (down to one), then fewer perturbations (worst first) with a note.
 * '' when there is no stress section or not even one perturbation fits.
 */
export function renderStressDetails(view: StressView | null, budget = MAX_STRESS_DETAILS_CHARS): string {
  if (view === null || view.rows.length === 0) return '';
  const open = [
    '<details>',
    `<summary>Stress per perturbation: flip rate and the recall of the classes that fell most, per severity</summary>`,
    '',
    view.compared
      ? "_Each figure with its change against the baseline's same cell; for the flip rate, lower is better._"
      : '_The candidate’s figures; class changes are measured from its clean recall on the same samples._',
    '',
  ].join('\n');
  const close = '\n\n</details>';
  for (let classes = MAX_STRESS_DETAIL_CLASSES; classes >= 1; classes = classes > 3 ? 3 : classes - 1) {
    const blocks = view.rows.map((row) => perturbationDetails(view, row, classes));
    const full = `${open}${blocks.join('\n\n')}${close}`;
    if (full.length <= budget) return full;
    if (classes > 1) continue;
    // One class each and still too long: the worst perturbations that fit, the rest counted.
    const kept: string[] = [];
    let used = open.length + close.length + 120;
    for (const block of blocks) {
      if (used + block.length + 2 > budget) break;
      kept.push(block);
      used += block.length + 2;
    }
    if (kept.length === 0) return '';
    const more = blocks.length - kept.length;
    const note = `_… and ${formatCount(more)} more ${more === 1 ? 'perturbation' : 'perturbations'} in the full report._`;
    return `${open}${[...kept, note].join('\n\n')}${close}`;
  }
  return '';
}

/** Both parts of the comment's stress section for a verdict: table and chart, then the details. */
export function renderStress(
  candidate: Report,
  baseline: Report | null,
  verdict: Verdict,
): { section: string; details: string } {
  const view = stressView(candidate, baseline, verdict);
  return { section: renderStressSection(view), details: renderStressDetails(view) };
}

// --- The terminal -----------------------------------------------------------------------------

/**
 * "stress: 2 perturbations × 2 severities on 100 samples; worst: gaussian_noise s3 49.2% (-48.7 pp
 * against the baseline)"; null without a stress section.
 */
export function stressSummaryLine(view: StressView | null): string | null {
  if (view === null || view.rows.length === 0) return null;
  const p = view.rows.length;
  const s = view.severities.length;
  let line =
    `stress: ${formatCount(p)} ${p === 1 ? 'perturbation' : 'perturbations'} × ${formatCount(s)} ` +
    `${s === 1 ? 'severity' : 'severities'} on ${formatCount(view.samples)} ${view.samples === 1 ? 'sample' : 'samples'}`;
  const worst = worstCell(view);
  if (worst !== null) {
    const name = truncate(printableName(worst.row.perturbation), STRESS_NAME_CHARS);
    line +=
      `; worst: ${name} s${worst.cell.severity} ${formatRate(worst.cell.accuracy.candidate)} ` +
      `(${formatChange(worst.change, 'rate', false, 1)} ${view.compared ? 'against the baseline' : 'from clean'})`;
  }
  const failed = [
    ...new Set(view.gates.filter((g) => g.status === 'fail').map((g) => printableName(g.gate))),
  ];
  if (failed.length > 0) line += `; FAILED: ${failed.join(', ')}`;
  if (view.baselineWithoutStress) line += '; the baseline report has no stress section';
  return line;
}
