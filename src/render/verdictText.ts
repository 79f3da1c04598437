/**
 * The verdict as plain text for a terminal or a log: headline, failed gates, notes, the top
 * regressions as a small aligned table and the headline figures. No markdown, no colour codes;
 * class names pass through `printableName`, so a hostile name cannot inject escape sequences.
 */
import { headlineMetrics } from '../compare/compare.js';
import { printableName, truncate } from '../compare/messageText.js';
import type { Comparison, Verdict } from '../compare/types.js';
import type { Report } from '../report/types.js';
import { type ClassRow, classRows } from './classRows.js';
import { TEXT_MAX_LISTED, TEXT_MAX_TABLE_ROWS, TEXT_NAME_CHARS } from './commentBudget.js';
import { formatChange, formatCount, formatMetric, formatPValue, formatRate } from './formatNumbers.js';
import {
  gatesText,
  gatesWord,
  type ListedGate,
  notEvaluableText,
  possibleRegressionsText,
} from './gateCounts.js';
import { deriveHeadline, type Headline } from './headline.js';
import { sliceRows, sliceSummaryLine } from './sliceSection.js';
import { stressSummaryLine, stressView } from './stressSection.js';

export function renderVerdictText(
  verdict: Verdict,
  candidate: Report,
  comparison: Comparison | null,
  /** The baseline report, for the stress line's changes against its stress section (else: from clean). */
  baseline: Report | null = null,
): string {
  const rows = classRows(candidate, comparison, verdict);
  const headline = deriveHeadline(verdict);
  const lines = [
    headlineText(headline),
    ...listedLines(headline),
    ...warningLines(candidate),
    ...regressionLines(rows),
    '',
    ...figureLines(candidate, comparison),
    ...sliceLines(candidate, comparison, verdict),
    ...stressLines(candidate, baseline, verdict),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * "evalgate: PASSED - all 3 gates passed against the baseline", "evalgate: FAILED - 1 of 3 gates
 * failed": gates as configured in evalgate.yml (gateCounts.ts), not their results.
 */
function headlineText(headline: Headline): string {
  const { counts } = headline;
  // Classes that could not be checked are never counted as passed gates (on-missing-class: warn).
  const unchecked = counts.notEvaluable > 0 ? `, ${notEvaluableText(counts.notEvaluable)}` : '';
  const notCompared = counts.notCompared.length > 0 ? `; not compared: ${counts.notCompared.join(', ')}` : '';
  switch (headline.outcome) {
    case 'first-baseline':
      return 'evalgate: PASSED - no baseline to compare with; this run sets the first baseline';
    case 'passed':
      return (
        `evalgate: PASSED - ${counts.checked === 1 ? 'the 1 gate' : `all ${gatesText(counts.checked)}`} passed ` +
        `against the baseline${notCompared}`
      );
    case 'passed-with-warnings': {
      const warned = counts.warned > 0 ? `, ${possibleRegressionsText(counts.warned)}` : '';
      return (
        `evalgate: PASSED - ${gatesText(counts.passed)} passed against the baseline` +
        `${warned}${unchecked} (warning)${notCompared}`
      );
    }
    case 'failed':
      return (
        `evalgate: FAILED - ${formatCount(counts.failed)} of ${formatCount(counts.checked)} ` +
        `${gatesWord(counts.checked)} failed${unchecked}`
      );
  }
}

/**
 * Failed gates, possible regressions and notes, one line each, up to TEXT_MAX_LISTED results of
 * each: the per-class gate as one line with its findings summed up and its classes under it.
 */
function listedLines(headline: Headline): string[] {
  return [
    ...gateLines(headline.failedGates, 'x', 'failed'),
    ...gateLines(headline.warnedGates, '!', 'possible regressions'),
    ...headline.notes.slice(0, TEXT_MAX_LISTED).map((note) => `  note: ${printableName(note.text)}`),
  ];
}

function gateLines(gates: ListedGate[], mark: string, what: string): string[] {
  const lines: string[] = [];
  let room = TEXT_MAX_LISTED;
  for (const gate of gates) {
    const shown = gate.items.slice(0, Math.max(0, room));
    room -= shown.length;
    const rest = gate.items.length - shown.length;
    if (gate.summary !== '') {
      lines.push(`  ${mark} ${printableName(gate.key)}: ${gate.summary}`);
      for (const r of shown) lines.push(`      ${printableName(r.message)}`);
      if (rest > 0) lines.push(`      ... and ${formatCount(rest)} more classes (see the report)`);
      continue;
    }
    for (const r of shown) lines.push(`  ${mark} ${printableName(r.gate)}: ${printableName(r.message)}`);
    if (rest > 0)
      lines.push(
        `  ... and ${formatCount(rest)} more ${what} of ${printableName(gate.key)} (see the report)`,
      );
  }
  return lines;
}

/** The report's warnings, the unlocked test set first. */
function warningLines(candidate: Report): string[] {
  const lines: string[] = [];
  // From testSet.locked, the source of truth: the pipeline does not put this in report.warnings.
  if (!candidate.testSet.locked) {
    lines.push(
      '  warning: the test set is not locked (lock: none): nothing guarantees it is the data the baseline used; ' +
        'run `evalgate lock` and commit the lock file',
    );
  }
  for (const warning of candidate.warnings) lines.push(`  warning: ${printableName(warning)}`);
  return lines;
}

/** "Top regressions:" as an aligned table; nothing when no class regressed. */
function regressionLines(rows: ClassRow[]): string[] {
  const regressed = rows.filter((r) => r.status === 'regressed');
  if (regressed.length === 0) return [];
  const table = [
    ['class', 'support', 'baseline', 'candidate', 'change', 'p'],
    ...regressed
      .slice(0, TEXT_MAX_TABLE_ROWS)
      .map((r) => [
        truncate(printableName(r.name), TEXT_NAME_CHARS),
        formatCount(r.support),
        formatRate(r.baselineRecall),
        formatRate(r.candidateRecall),
        formatChange(r.recallDelta, 'rate', false),
        formatPValue(r.pValue),
      ]),
  ];
  const lines = ['', 'Top regressions:', ...alignColumns(table).map((line) => `  ${line}`)];
  if (regressed.length > TEXT_MAX_TABLE_ROWS) {
    lines.push(`  ... and ${formatCount(regressed.length - TEXT_MAX_TABLE_ROWS)} more regressed classes`);
  }
  return lines;
}

/** The headline figures, with the baseline's and the change when there is one. */
function figureLines(candidate: Report, comparison: Comparison | null): string[] {
  if (comparison === null) {
    return headlineMetrics(candidate).map(
      (m) => `  ${printableName(m.label)}: ${formatMetric(m.value, m.scale)}`,
    );
  }
  const lines = comparison.metrics.map(
    (m) =>
      `  ${printableName(m.label)}: ${formatMetric(m.candidate, m.scale)} (baseline ${formatMetric(m.baseline, m.scale)}, ` +
      `${formatChange(m.delta, m.scale, false)})`,
  );
  if (comparison.changedPredictions !== null) {
    lines.push(
      `  predictions changed: ${formatCount(comparison.changedPredictions)} of ${formatCount(candidate.testSet.size)}`,
    );
  }
  return lines;
}

/** The slices on one line, worst first ("slices: light — night 91.2% (-6.30 pp), ..."); nothing without slices. */
function sliceLines(candidate: Report, comparison: Comparison | null, verdict: Verdict): string[] {
  const line = sliceSummaryLine(sliceRows(candidate, comparison, verdict));
  return line === null ? [] : [`  ${line}`];
}

/** The stress suite on one line ("stress: 21 perturbations × 5 severities on 540 samples; worst: ..."); nothing without it. */
function stressLines(candidate: Report, baseline: Report | null, verdict: Verdict): string[] {
  const line = stressSummaryLine(stressView(candidate, baseline, verdict));
  return line === null ? [] : [`  ${line}`];
}

/** Left-aligns the first column and right-aligns the others (numbers). */
function alignColumns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => Array.from(row[c]!).length)));
  return rows.map((row) =>
    row
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - Array.from(cell).length);
        return c === 0 ? cell + pad : pad + cell;
      })
      .join('  ')
      .trimEnd(),
  );
}
