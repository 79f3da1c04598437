/**
 * The per-class table of the comment: the finding, recall with its Wilson interval, the change
 * with its interval and the corrected p-value, precision with its Wilson interval (in one cell, to
 * keep rows short), in priority order (classRows.ts), cut to a budget of characters with a note
 * naming what was left out.
 */
import { markdownTable } from 'markdown-table';
import { correctionName, levelText } from '../compare/evidenceText.js';
import type { PValueAdjustment } from '../stats/types.js';
import type { ClassRow } from './classRows.js';
import { CLASS_NAME_CHARS } from './commentBudget.js';
import { escapeMarkdown } from './escapeMarkdown.js';
import {
  formatChange,
  formatChangeInterval,
  formatCount,
  formatPValue,
  formatRate,
  formatRateInterval,
} from './formatNumbers.js';

const STATUS_TEXT: Record<ClassRow['status'], string> = {
  regressed: '❌ regressed',
  'possible-regression': '⚠️ possible regression',
  'not-evaluable': '⚠️ not evaluable',
  ok: '✅ within tolerance',
  improved: '✓ improved',
  'not-compared': '➖ not compared',
};

export function statusText(row: ClassRow): string {
  if (row.status === 'not-evaluable' && row.blocking) return '❌ not evaluable';
  if (row.status === 'possible-regression' && row.blocking) return '❌ possible regression';
  return STATUS_TEXT[row.status];
}

const CORRECTION_LABEL: Record<PValueAdjustment, string> = {
  holm: 'p (Holm)',
  'benjamini-hochberg': 'p (BH)',
  none: 'p',
};

export interface ClassTableOptions {
  compared: boolean;
  confidence: number;
  correction: PValueAdjustment;
}

/**
 * The per-class table in priority order, cut to `budget` characters with a note naming what was
 * left out. null when not even the header and one row fit.
 */
export function renderClassTable(
  rows: ClassRow[],
  options: ClassTableOptions,
  budget: number,
): string | null {
  const header = tableHeader(options);
  const table = markdownTable([header, ...rows.map((r) => tableCells(r, options.compared))], {
    alignDelimiters: false,
    align: ['l', 'l', ...header.slice(2).map(() => 'r' as const)],
  });
  const lines = table.split('\n');
  const heading = `### Per-class results (${formatCount(rows.length)} ${rows.length === 1 ? 'class' : 'classes'})`;
  const full = `${heading}\n\n${table}`;
  if (full.length <= budget) return full;

  let used = heading.length + 2 + lines[0]!.length + 1 + lines[1]!.length;
  let kept = 0;
  while (kept < rows.length && used + 1 + lines[kept + 2]!.length <= budget) {
    used += 1 + lines[kept + 2]!.length;
    kept++;
  }
  if (kept === 0 && rows.length > 0) return null;
  const note = leftOutNote(rows.slice(kept), options.compared);
  return [heading, '', lines.slice(0, kept + 2).join('\n'), '', note].join('\n');
}

function tableHeader(options: ClassTableOptions): string[] {
  const ci = `${levelText(options.confidence)} CI`;
  return options.compared
    ? [
        'status',
        'class',
        'support',
        'recall (baseline)',
        'recall (candidate)',
        ci,
        'change',
        // Family-adjusted intervals have a level per class (each message states it).
        options.correction === 'none'
          ? `${ci} of change`
          : `CI of change (${correctionName(options.correction)}-adjusted)`,
        CORRECTION_LABEL[options.correction],
        `precision (${ci})`,
        'F1',
      ]
    : ['status', 'class', 'support', 'recall', ci, `precision (${ci})`, 'F1'];
}

function tableCells(r: ClassRow, compared: boolean): string[] {
  const name = escapeMarkdown(r.name, CLASS_NAME_CHARS);
  const precision =
    r.precisionInterval === null || r.precision === null
      ? formatRate(r.precision)
      : `${formatRate(r.precision)} (${formatRateInterval(r.precisionInterval)})`;
  const tail = [precision, formatRate(r.f1)];
  return compared
    ? [
        statusText(r),
        name,
        formatCount(r.support),
        formatRate(r.baselineRecall),
        formatRate(r.candidateRecall),
        formatRateInterval(r.candidateInterval),
        formatChange(r.recallDelta, 'rate'),
        formatChangeInterval(r.deltaInterval),
        escapeMarkdown(formatPValue(r.pValue)),
        ...tail,
      ]
    : [
        statusText(r),
        name,
        formatCount(r.support),
        formatRate(r.candidateRecall),
        formatRateInterval(r.candidateInterval),
        ...tail,
      ];
}

/** "_2 more regressed classes and 40 more classes within tolerance — see the full report._" */
function leftOutNote(left: ClassRow[], compared: boolean): string {
  const leftRegressed = left.filter((r) => r.status === 'regressed').length;
  const leftPossible = left.filter((r) => r.status === 'possible-regression').length;
  const leftOther = left.length - leftRegressed - leftPossible;
  const parts: string[] = [];
  if (leftRegressed > 0) parts.push(`${formatCount(leftRegressed)} more regressed classes`);
  if (leftPossible > 0) parts.push(`${formatCount(leftPossible)} more possible regressions`);
  if (leftOther > 0) {
    const allWithin =
      compared &&
      left.every(
        (r) =>
          r.status === 'regressed' ||
          r.status === 'possible-regression' ||
          r.status === 'ok' ||
          r.status === 'improved',
      );
    parts.push(`${formatCount(leftOther)} more classes ${allWithin ? 'within tolerance' : 'not shown'}`);
  }
  return `_${parts.join(' and ')} — see the full report._`;
}
