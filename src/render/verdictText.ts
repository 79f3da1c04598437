/**
 * The verdict as plain text for a terminal or a log: headline, failed gates, notes, the top
 * regressions as a small aligned table and the headline figures. No markdown, no colour codes;
 * class names pass through `printableName`, so a hostile name cannot inject escape sequences.
 */
import { headlineMetrics } from '../compare/compare.js';
import { FIRST_BASELINE_NOTE } from '../compare/gates.js';
import { printableName, truncate } from '../compare/messageText.js';
import type { Comparison, Verdict } from '../compare/types.js';
import type { Report } from '../report/types.js';
import { classRows } from './classRows.js';
import { formatChange, formatCount, formatMetric, formatPValue, formatRate } from './formatNumbers.js';
import { countGates, gatesWord, notEvaluableText, possibleRegressionsText } from './gateCounts.js';

const MAX_LISTED_FAILURES = 20;
const MAX_TABLE_ROWS = 10;
const MAX_NAME_CHARS = 40;

export function renderVerdictText(
  verdict: Verdict,
  candidate: Report,
  comparison: Comparison | null,
): string {
  const lines: string[] = [];
  const counts = countGates(verdict);
  // Classes that could not be checked are never counted as passed gates (on-missing-class: warn).
  const unchecked = counts.notEvaluable > 0 ? `, ${notEvaluableText(counts.notEvaluable)}` : '';
  if (verdict.passed) {
    if (!verdict.comparedWithBaseline) {
      lines.push('evalgate: PASSED - no baseline to compare with; this run sets the first baseline');
    } else if (unchecked === '' && counts.warned === 0) {
      lines.push(`evalgate: PASSED - all ${formatCount(counts.checked)} gates passed against the baseline`);
    } else {
      const warned = counts.warned > 0 ? `, ${possibleRegressionsText(counts.warned)}` : '';
      lines.push(
        `evalgate: PASSED - ${formatCount(counts.passed)} ${gatesWord(counts.passed)} passed against the baseline` +
          `${warned}${unchecked} (warning)`,
      );
    }
  } else {
    lines.push(
      `evalgate: FAILED - ${formatCount(counts.failed)} of ${formatCount(counts.checked)} ` +
        `${gatesWord(counts.checked)} failed${unchecked}`,
    );
  }

  for (const failure of verdict.failures.slice(0, MAX_LISTED_FAILURES)) {
    lines.push(`  x ${failure.gate}: ${printableName(failure.message)}`);
  }
  if (verdict.failures.length > MAX_LISTED_FAILURES) {
    lines.push(
      `  ... and ${formatCount(verdict.failures.length - MAX_LISTED_FAILURES)} more (see the report)`,
    );
  }
  const warnings = verdict.warnings ?? [];
  for (const warning of warnings.slice(0, MAX_LISTED_FAILURES)) {
    lines.push(`  ! ${warning.gate}: ${printableName(warning.message)}`);
  }
  if (warnings.length > MAX_LISTED_FAILURES) {
    lines.push(
      `  ... and ${formatCount(warnings.length - MAX_LISTED_FAILURES)} more possible regressions (see the report)`,
    );
  }
  const notes = verdict.notes.filter((note) => note !== FIRST_BASELINE_NOTE);
  for (const note of notes.slice(0, MAX_LISTED_FAILURES)) lines.push(`  note: ${printableName(note)}`);
  // From testSet.locked, the source of truth: the pipeline does not put this in report.warnings.
  if (!candidate.testSet.locked) {
    lines.push(
      '  warning: the test set is not locked (lock: none): nothing guarantees it is the data the baseline used; ' +
        'run `evalgate lock` and commit the lock file',
    );
  }
  for (const warning of candidate.warnings) lines.push(`  warning: ${printableName(warning)}`);

  const regressed = classRows(candidate, comparison, verdict).filter((r) => r.status === 'regressed');
  if (regressed.length > 0) {
    lines.push('', 'Top regressions:');
    const table = [
      ['class', 'support', 'baseline', 'candidate', 'change', 'p'],
      ...regressed
        .slice(0, MAX_TABLE_ROWS)
        .map((r) => [
          truncate(printableName(r.name), MAX_NAME_CHARS),
          formatCount(r.support),
          formatRate(r.baselineRecall),
          formatRate(r.candidateRecall),
          formatChange(r.recallDelta, 'rate', false),
          formatPValue(r.pValue),
        ]),
    ];
    lines.push(...alignColumns(table).map((line) => `  ${line}`));
    if (regressed.length > MAX_TABLE_ROWS) {
      lines.push(`  ... and ${formatCount(regressed.length - MAX_TABLE_ROWS)} more regressed classes`);
    }
  }

  lines.push('');
  if (comparison !== null) {
    for (const m of comparison.metrics) {
      lines.push(
        `  ${printableName(m.label)}: ${formatMetric(m.candidate, m.scale)} (baseline ${formatMetric(m.baseline, m.scale)}, ` +
          `${formatChange(m.delta, m.scale, false)})`,
      );
    }
    if (comparison.changedPredictions !== null) {
      lines.push(
        `  predictions changed: ${formatCount(comparison.changedPredictions)} of ${formatCount(candidate.testSet.size)}`,
      );
    }
  } else {
    for (const m of headlineMetrics(candidate)) {
      lines.push(`  ${printableName(m.label)}: ${formatMetric(m.value, m.scale)}`);
    }
  }
  return `${lines.join('\n')}\n`;
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
