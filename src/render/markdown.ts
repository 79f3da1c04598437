/**
 * The pull-request comment: verdict, failed gates, summary, per-class table, confusion matrix and
 * the identity of what was evaluated, as GitHub-flavoured markdown. The core renders; the action
 * posts. The body always fits GitHub's comment limit: regressions first, the rest folded or cut
 * with a note that says what was left out and where to find it.
 */
import { markdownTable } from 'markdown-table';
import { alphaText } from '../compare/evidenceText.js';
import type { Comparison, Verdict, VerdictNote } from '../compare/types.js';
import type { Report } from '../report/types.js';
import { renderCalibrationSection } from './calibrationSection.js';
import { classRows } from './classRows.js';
import { renderClassTable } from './classTable.js';
import {
  CLASS_TABLE_NOTE_CHARS,
  HEADLINE_NAME_CHARS,
  IDENTITY_FIELD_CHARS,
  IDENTITY_SHORT_FIELD_CHARS,
  MAX_COMMENT_CHARS,
  MAX_LISTED_FAILURES,
  MAX_LISTED_NOTES,
  MAX_LISTED_POSSIBLE,
  MAX_LISTED_WARNINGS,
  MAX_MATRIX_SECTION_CHARS,
  MAX_MESSAGE_CHARS,
  PART_SEPARATORS_CHARS,
  PATH_CHARS,
  SHORT_DIGEST_HEX,
  TITLE_CHARS,
} from './commentBudget.js';
import { renderConfusionSection } from './confusionSection.js';
import { digestCode, escapeMarkdown, safeUrl } from './escapeMarkdown.js';
import { formatBytes, formatCount, formatRate } from './formatNumbers.js';
import {
  type GateCounts,
  gatesText,
  gatesWord,
  type ListedGate,
  notEvaluableText,
  possibleRegressionsText,
} from './gateCounts.js';
import { deriveHeadline, type Headline } from './headline.js';
import { renderPowerSection } from './powerSection.js';
import { renderSlices } from './sliceSection.js';
import { renderStress } from './stressSection.js';
import { renderSummary } from './summarySection.js';

/** Longest body rendered (GitHub's limit less an adapter's room): commentBudget.ts holds every cap. */
export { MAX_COMMENT_CHARS };

export interface CommentInput {
  candidate: Report;
  baseline: Report | null;
  comparison: Comparison | null;
  verdict: Verdict;
  /** Heading text; default "evalgate". */
  title?: string;
  /** Where the baseline came from (path or URL), shown with the identity. */
  baselineSource?: string;
  /** Link to the workflow run that holds the full report. */
  runUrl?: string;
  /** Scopes the hidden marker (see `commentMarker`). */
  markerKey?: string;
}

/**
 * The hidden first line that identifies evalgate's comment so it can be updated in place.
 * `key` scopes it (e.g. workflow + config) so several evalgate jobs on one pull request keep
 * separate comments; it is reduced to characters that cannot end an HTML comment.
 */
export function commentMarker(key?: string): string {
  const scoped = key === undefined || key === '' ? '' : ` key=${key.replace(/[^A-Za-z0-9._:/@+=-]/g, '_')}`;
  return `<!-- evalgate:comment${scoped} -->`;
}

export function renderComment(input: CommentInput): string {
  const { candidate, baseline, comparison, verdict } = input;
  const marker = commentMarker(input.markerKey);
  const rows = classRows(candidate, comparison, verdict);
  const headline = deriveHeadline(verdict);
  const compared = baseline !== null && comparison !== null;

  const top = [
    marker,
    renderHeadline(input, headline),
    renderFailures(headline),
    renderWarnings(headline),
    renderNotes(input, headline),
    renderSummary(candidate, compared ? baseline : null, comparison, verdict),
  ]
    .filter((part) => part !== '')
    .join('\n\n');
  const bottom = [renderIdentity(input), renderFooter(input)].join('\n\n');

  const focus = rows
    .filter((r) => r.status === 'regressed' || r.status === 'possible-regression')
    .map((r) => r.index);
  let matrix = renderConfusionSection(candidate, compared ? baseline : null, focus);
  if (matrix !== null && matrix.length > MAX_MATRIX_SECTION_CHARS) {
    matrix = '_The confusion matrix is too large for a comment; it is in the full report._';
  }
  // Folded sections after the per-class table, in display order; when the table's header does not
  // fit they are dropped in DROP_ORDER (the largest and least urgent first).
  const stress = renderStress(candidate, baseline, verdict);
  const sections: Record<Section, string> = {
    slices: renderSlices(candidate, compared ? comparison : null, verdict),
    stress: stress.section,
    stressDetails: stress.details,
    power: renderPowerSection(verdict.statistics),
    calibration: renderCalibrationSection(candidate, compared ? baseline : null),
    matrix: matrix ?? '',
  };

  const tableOptions = {
    compared,
    confidence: verdict.statistics?.confidence ?? comparison?.confidence ?? 0.95,
    correction: verdict.statistics?.correction ?? 'holm',
  } as const;
  let classes: string | null = null;
  for (;;) {
    const extras = SECTION_ORDER.reduce((sum, key) => sum + sections[key].length + 2, 0);
    // Separators between the parts, plus slack for the per-class table's own note.
    const reserved = top.length + bottom.length + extras + PART_SEPARATORS_CHARS + CLASS_TABLE_NOTE_CHARS;
    classes = renderClassTable(rows, tableOptions, MAX_COMMENT_CHARS - reserved);
    if (classes !== null) break;
    const next = DROP_ORDER.find((key) => sections[key] !== '');
    if (next === undefined) break;
    sections[next] = '';
  }

  const body = [top, classes ?? '', ...SECTION_ORDER.map((key) => sections[key]), bottom]
    .filter((part) => part !== '')
    .join('\n\n');
  return body.length < MAX_COMMENT_CHARS ? `${body}\n` : hardCut(body);
}

type Section = 'slices' | 'stress' | 'stressDetails' | 'power' | 'calibration' | 'matrix';
const SECTION_ORDER: Section[] = ['slices', 'stress', 'stressDetails', 'power', 'calibration', 'matrix'];
// The slice table goes last: a failed slice gate is named in it (commentBudget.ts sizes it). The
// stress details (per class) go early, the stress table (which names a failed stress gate) late.
const DROP_ORDER: Section[] = ['matrix', 'stressDetails', 'power', 'calibration', 'stress', 'slices'];

/**
 * Last resort, when the fixed parts alone are too long (hundreds of failure messages made of
 * characters that escape to entities): cut at a line break, close a folded block left open, say so.
 */
function hardCut(body: string): string {
  const note = '\n\n_This comment was cut to fit GitHub’s size limit; see the full report._\n';
  const close = '\n\n</details>';
  const room = MAX_COMMENT_CHARS - note.length - close.length;
  const cut = body.lastIndexOf('\n', room);
  const kept = body.slice(0, cut > 0 ? cut : room);
  const open = kept.split('<details>').length - kept.split('</details>').length;
  return kept + (open > 0 ? close : '') + note;
}

function renderHeadline(input: CommentInput, headline: Headline): string {
  const title = escapeMarkdown(input.title ?? 'evalgate', TITLE_CHARS);
  return [headingLine(title, headline), summaryLine(headline), identityLine(input)]
    .filter((part) => part !== '')
    .join('\n\n');
}

/** "## ✅ evalgate: passed", "## ❌ evalgate: failed, 1 of 3 gates failed" (gates as configured). */
function headingLine(title: string, headline: Headline): string {
  const { counts } = headline;
  // Classes that could not be checked are never counted as passed gates (on-missing-class: warn).
  const unchecked = counts.notEvaluable > 0 ? notEvaluableText(counts.notEvaluable) : '';
  if (headline.outcome === 'failed') {
    return (
      `## ❌ ${title}: failed, ${formatCount(counts.failed)} of ${formatCount(counts.checked)} ${gatesWord(counts.checked)} failed` +
      (unchecked === '' ? '' : `, ${unchecked}`)
    );
  }
  const mark = counts.warned > 0 ? '⚠️' : '✅';
  const extra =
    headline.outcome === 'first-baseline'
      ? ' (first baseline)'
      : counts.warned > 0
        ? `, ${possibleRegressionsText(counts.warned)}`
        : '';
  return `## ${mark} ${title}: passed${extra}`;
}

/**
 * The sentence under the heading: what passed and what was not compared. A failed run says nothing
 * more here (the failed gates are listed right below, once), except that no baseline was compared.
 */
function summaryLine(headline: Headline): string {
  const { counts } = headline;
  switch (headline.outcome) {
    case 'first-baseline':
      return 'No baseline report to compare with: this run sets the first baseline. Keep its report.json as the baseline.';
    case 'passed':
      return `${counts.checked === 1 ? 'The 1 gate' : `All ${gatesText(counts.checked)}`} passed against the baseline${notComparedText(counts)}.`;
    case 'passed-with-warnings': {
      let text = `${gatesText(counts.passed)} passed against the baseline`;
      if (counts.warned > 0) {
        text +=
          `; ${possibleRegressionsText(counts.warned)} beyond the tolerance without significant evidence ` +
          `(${counts.warned === 1 ? 'a warning' : 'warnings'}, listed below)`;
      }
      if (counts.notEvaluable > 0) {
        text += `; ${notEvaluableText(counts.notEvaluable)} (no test samples, reported as a warning): it was not checked`;
      }
      return `${text}${notComparedText(counts)}.`;
    }
    case 'failed':
      return headline.comparedWithBaseline
        ? ''
        : 'No baseline report to compare with: this run sets the first baseline.';
  }
}

/** "; not compared: ece (see the report)" for configured gates that had nothing to compare with. */
function notComparedText(counts: GateCounts): string {
  if (counts.notCompared.length === 0) return '';
  return `; not compared: ${counts.notCompared.map((key) => escapeMarkdown(key, HEADLINE_NAME_CHARS)).join(', ')} (see the report)`;
}

/** Which model, against which baseline model, on which test set. */
function identityLine(input: CommentInput): string {
  const { verdict, candidate, baseline } = input;
  const vs =
    baseline !== null && verdict.comparedWithBaseline
      ? ` against baseline model ${digestCode(baseline.model.sha256, SHORT_DIGEST_HEX)}`
      : '';
  return (
    `Model ${digestCode(candidate.model.sha256, SHORT_DIGEST_HEX)}${vs} on test set ${digestCode(candidate.testSet.digest, SHORT_DIGEST_HEX)} ` +
    `(${formatCount(candidate.testSet.size)} samples${candidate.testSet.locked ? ', locked' : ', **not locked**'}).`
  );
}

/**
 * Listed results under their configured gate: the per-class gate as one item with its findings
 * summed up and its classes nested under it, every other result as an item of its own. At most
 * `max` results are listed; the rest are counted where they would have been.
 */
function listedItems(gates: ListedGate[], mark: string, max: number, more: string): string[] {
  const items: string[] = [];
  let room = max;
  for (const gate of gates) {
    const name = escapeMarkdown(gate.key, HEADLINE_NAME_CHARS);
    const shown = gate.items.slice(0, Math.max(0, room));
    room -= shown.length;
    const rest = gate.items.length - shown.length;
    if (gate.summary !== '') {
      items.push(`- ${mark} **${name}**: ${gate.summary}`);
      for (const r of shown) items.push(`  - ${escapeMarkdown(r.message, MAX_MESSAGE_CHARS)}`);
      if (rest > 0) items.push(`  - … and ${formatCount(rest)} more classes, all in the full report`);
      continue;
    }
    for (const r of shown)
      items.push(
        `- ${mark} **${escapeMarkdown(r.gate, HEADLINE_NAME_CHARS)}**: ${escapeMarkdown(r.message, MAX_MESSAGE_CHARS)}`,
      );
    if (rest > 0) items.push(`- … and ${formatCount(rest)} more ${more} of ${name}, all in the full report`);
  }
  return items;
}

function renderFailures(headline: Headline): string {
  const gates = headline.failedGates;
  if (gates.length === 0) return '';
  return [
    `### Failed gates (${formatCount(gates.length)})`,
    '',
    ...listedItems(gates, '❌', MAX_LISTED_FAILURES, 'failed results'),
  ].join('\n');
}

function renderWarnings(headline: Headline): string {
  const warnings = headline.warnings;
  if (warnings.length === 0) return '';
  const alpha = warnings.find((w) => w.alpha !== undefined)?.alpha;
  return [
    `### Possible regressions (${formatCount(warnings.length)})`,
    '',
    `_Beyond the tolerance, but not statistically significant${alpha === undefined ? '' : ` at α = ${alphaText(alpha)}`}: ` +
      'the test set is too small to tell them from noise. They do not fail the run (on-unproven: warn); more ' +
      'test samples would settle them._',
    '',
    ...listedItems(headline.warnedGates, '⚠️', MAX_LISTED_POSSIBLE, 'possible regressions'),
  ].join('\n');
}

/** A note's mark: a warning for what may explain the figures (other settings), else information. */
function noteMark(note: VerdictNote): string {
  return note.kind === 'preprocessing-differs' || note.kind === 'stress-no-effect' ? '⚠️' : 'ℹ️';
}

function renderNotes(input: CommentInput, headline: Headline): string {
  const { candidate, comparison } = input;
  const items: string[] = [];
  // From testSet.locked, the source of truth: the pipeline does not put this in report.warnings.
  if (!candidate.testSet.locked) {
    items.push(
      '- ⚠️ **The test set is not locked** (`lock: none`): its files were hashed but not checked against a lock, ' +
        'so nothing guarantees this is the data reviewers expect. Run `evalgate lock` and commit the lock file.',
    );
  }
  // The headline already says that this run sets the first baseline (deriveHeadline leaves it out).
  const notes = headline.notes;
  const listed = notes.slice(0, MAX_LISTED_NOTES);
  for (const note of listed)
    items.push(`- ${noteMark(note)} ${escapeMarkdown(note.text, MAX_MESSAGE_CHARS)}`);
  if (notes.length > listed.length) {
    items.push(`- ℹ️ … and ${formatCount(notes.length - listed.length)} more notes in the full report`);
  }
  const allWarnings = candidate.warnings;
  const warnings = allWarnings.slice(0, MAX_LISTED_WARNINGS);
  for (const warning of warnings) items.push(`- ⚠️ ${escapeMarkdown(warning, MAX_MESSAGE_CHARS)}`);
  if (allWarnings.length > warnings.length) {
    items.push(
      `- ⚠️ … and ${formatCount(allWarnings.length - warnings.length)} more warnings in the full report`,
    );
  }
  if (comparison !== null && comparison.changedPredictions !== null && candidate.testSet.size > 0) {
    const changed = comparison.changedPredictions;
    items.push(
      `- 🔁 ${formatCount(changed)} of ${formatCount(candidate.testSet.size)} predictions changed ` +
        `(${formatRate(changed / candidate.testSet.size)}) compared with the baseline, sample by sample.`,
    );
  }
  return items.length === 0 ? '' : ['### Notes', '', ...items].join('\n');
}

function identityColumn(report: Report): string[] {
  const env = report.environment;
  return [
    [
      digestCode(report.model.sha256, SHORT_DIGEST_HEX),
      formatBytes(report.model.size),
      ...(typeof report.model.parameterCount === 'number'
        ? [`${formatCount(report.model.parameterCount)} parameters`]
        : []),
      escapeMarkdown(report.model.source, PATH_CHARS),
    ].join(' · '),
    digestCode(report.model.sha256),
    digestCode(report.testSet.digest),
    `${formatCount(report.testSet.size)} samples · ${formatCount(report.classNames.length)} classes · ` +
      (report.testSet.locked ? '🔒 locked' : '⚠️ **not locked**'),
    escapeMarkdown(report.testSet.source, PATH_CHARS),
    `onnxruntime ${escapeMarkdown(env.onnxruntime, IDENTITY_FIELD_CHARS)} · ` +
      `${escapeMarkdown(env.executionProvider, IDENTITY_SHORT_FIELD_CHARS)} · ` +
      `${escapeMarkdown(env.os, IDENTITY_FIELD_CHARS)} ${escapeMarkdown(env.arch, IDENTITY_SHORT_FIELD_CHARS)}`,
    `${escapeMarkdown(report.tool.version, IDENTITY_FIELD_CHARS)} · ${escapeMarkdown(report.createdAt, IDENTITY_FIELD_CHARS)}`,
  ];
}

const IDENTITY_LABELS = [
  'model',
  'model sha256',
  'test set',
  'samples',
  'test-set source',
  'runtime',
  'evalgate',
];

/** Full digests, sizes and environment of both runs, folded: the headline already names the short ones. */
function renderIdentity(input: CommentInput): string {
  const { candidate, baseline, verdict } = input;
  const current = identityColumn(candidate);
  let table: string;
  if (baseline !== null && verdict.comparedWithBaseline) {
    const before = identityColumn(baseline);
    const rows = IDENTITY_LABELS.map((label, i) => [label, current[i]!, before[i]!]);
    if (input.baselineSource !== undefined) {
      rows.push(['baseline report', '', escapeMarkdown(input.baselineSource, PATH_CHARS)]);
    }
    table = markdownTable([['', 'candidate', 'baseline'], ...rows], { alignDelimiters: false });
  } else {
    const rows = IDENTITY_LABELS.map((label, i) => [label, current[i]!]);
    table = markdownTable([['', 'this run'], ...rows], { alignDelimiters: false });
  }
  return [
    '<details>',
    '<summary>Model, test set and environment</summary>',
    '',
    table,
    '',
    '</details>',
  ].join('\n');
}

function renderFooter(input: CommentInput): string {
  const url = safeUrl(input.runUrl);
  const where =
    url === null ? 'the full report (report.json)' : `the full report in [the workflow run](${url})`;
  const version = escapeMarkdown(input.candidate.tool.version, IDENTITY_FIELD_CHARS);
  return `<sub>evalgate ${version} · thresholds come from the gates in evalgate.yml · see ${where}</sub>`;
}
