/**
 * The folded power table of the per-class gate: for each class whose test samples cannot detect
 * the tolerance (or that has fewer than `min-class-samples`), the smallest drop it can detect and
 * the samples it would need. The one-line summary is among the notes; this is the detail, most
 * samples missing first, cut to a fixed number of rows (the full list is in verdict.json).
 */
import { markdownTable } from 'markdown-table';
import { alphaText, correctionName } from '../compare/evidenceText.js';
import type { PowerSummary, VerdictStatistics } from '../compare/types.js';
import { MAX_POWER_ROWS, POWER_NAME_CHARS } from './commentBudget.js';
import { escapeMarkdown } from './escapeMarkdown.js';
import { formatCount, formatRate, NONE } from './formatNumbers.js';

// Rows listed and the length class names are cut to: commentBudget.ts.
export { MAX_POWER_ROWS };

function drop(value: number | null): string {
  return value === null ? 'none' : formatRate(value).replace('%', ' pp');
}

/** The folded table, or '' when no class is underpowered or small. */
export function renderPowerSection(statistics: VerdictStatistics | undefined): string {
  const power: PowerSummary | null | undefined = statistics?.power;
  if (!power || power.classes.length === 0) return '';
  const compared = statistics?.pairing !== null && statistics?.pairing !== undefined;
  const weak = power.classes.filter((c) => c.underpowered).length;
  const small = power.classes.filter((c) => c.small).length;
  const parts: string[] = [];
  if (weak > 0) {
    parts.push(
      `${formatCount(weak)} of ${formatCount(power.classesChecked)} classes cannot detect a drop of ${drop(power.tolerance)}`,
    );
  }
  if (small > 0)
    parts.push(`${formatCount(small)} with fewer than ${formatCount(power.minClassSamples)} samples`);
  const level =
    statistics?.correction === 'none'
      ? `α = ${alphaText(power.alpha)}`
      : `α = ${alphaText(power.alpha)} (the level one class must reach after ${correctionName(statistics?.correction ?? 'holm')})`;
  const rows = power.classes
    .slice(0, MAX_POWER_ROWS)
    .map((c) => [
      escapeMarkdown(c.name, POWER_NAME_CHARS),
      formatCount(c.support),
      c.underpowered ? drop(c.minimumDetectableDrop) : `≤ ${drop(power.tolerance)}`,
      c.samplesNeeded === null ? NONE : formatCount(c.samplesNeeded),
      c.moreSamples === null ? NONE : formatCount(c.moreSamples),
      [c.underpowered ? 'cannot see the tolerance' : '', c.small ? 'few samples' : '']
        .filter(Boolean)
        .join(', '),
    ]);
  const table = markdownTable(
    [['class', 'support', 'smallest detectable drop', 'samples needed', 'more needed', 'flag'], ...rows],
    { alignDelimiters: false, align: ['l', 'r', 'r', 'r', 'r', 'l'] },
  );
  const rest = power.classes.length - rows.length;
  return [
    '<details>',
    `<summary>Statistical power of the per-class gate: ${parts.join('; ')}</summary>`,
    '',
    // Without a baseline no test was made: the design is the one a later comparison will use.
    (compared
      ? `_Smallest true recall drop each class's ${power.design} test flags as significant with `
      : '_Smallest true recall drop that later comparisons with this baseline will flag as significant, per class, with ') +
      `${Math.round(power.power * 100)}% power at ${level}; samples needed for a drop of the tolerance ` +
      `(${drop(power.tolerance)}) itself to be significant with that power. A drop is blocked only when its ` +
      'observed size also exceeds the tolerance, so true drops just above it are blocked about half the time._',
    '',
    table,
    ...(rest > 0 ? ['', `_… and ${formatCount(rest)} more classes in verdict.json._`] : []),
    '',
    '</details>',
  ].join('\n');
}
