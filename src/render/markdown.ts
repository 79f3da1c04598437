/**
 * The pull-request comment: verdict, failed gates, summary, per-class table, confusion matrix and
 * the identity of what was evaluated, as GitHub-flavoured markdown. The core renders; the action
 * posts. The body always fits GitHub's comment limit: regressions first, the rest folded or cut
 * with a note that says what was left out and where to find it.
 */
import { markdownTable } from 'markdown-table';
import { alphaText } from '../compare/evidenceText.js';
import { FIRST_BASELINE_NOTE } from '../compare/gates.js';
import type { Comparison, GateResult, Verdict } from '../compare/types.js';
import type { Report } from '../report/types.js';
import { renderCalibrationSection } from './calibrationSection.js';
import { type ClassRow, classRows } from './classRows.js';
import { renderClassTable } from './classTable.js';
import { renderConfusionSection } from './confusionSection.js';
import { digestCode, escapeMarkdown, safeUrl } from './escapeMarkdown.js';
import { formatBytes, formatCount, formatRate } from './formatNumbers.js';
import { countGates, gatesWord, notEvaluableText, possibleRegressionsText } from './gateCounts.js';
import { renderPowerSection } from './powerSection.js';
import { renderSummary } from './summarySection.js';

/**
 * Longest body rendered, in UTF-16 code units (never fewer than characters). GitHub refuses
 * comment bodies over 65,536 characters ("Body is too long"); the margin leaves room for an
 * adapter's own footer.
 */
export const MAX_COMMENT_CHARS = 65_000;

/** A folded confusion matrix larger than this is dropped before any per-class row is. */
const MAX_MATRIX_SECTION_CHARS = 12_000;
/** Failed gates listed one by one; the rest are counted (they are all in the per-class table). */
const MAX_LISTED_FAILURES = 25;
/** Possible regressions listed one by one, likewise. */
const MAX_LISTED_POSSIBLE = 25;
const MAX_LISTED_NOTES = 10;
const MAX_LISTED_WARNINGS = 10;
/** Longest message or warning shown, before escaping. */
const MAX_MESSAGE_CHARS = 400;
const PATH_CHARS = 120;
/** Class names quoted in the headline. */
const HEADLINE_NAMES = 5;

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
  const compared = baseline !== null && comparison !== null;

  const top = [
    marker,
    renderHeadline(input, rows),
    renderFailures(verdict.failures),
    renderWarnings(verdict.warnings ?? []),
    renderNotes(input),
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
  const sections: Record<Section, string> = {
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
    const reserved = top.length + bottom.length + extras + 8 + 400;
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

type Section = 'power' | 'calibration' | 'matrix';
const SECTION_ORDER: Section[] = ['power', 'calibration', 'matrix'];
const DROP_ORDER: Section[] = ['matrix', 'power', 'calibration'];

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

function quoted(names: string[]): string {
  const shown = names.slice(0, HEADLINE_NAMES).map((n) => `'${escapeMarkdown(n, 40)}'`);
  const rest = names.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${formatCount(rest)} more` : shown.join(', ');
}

function renderHeadline(input: CommentInput, rows: ClassRow[]): string {
  const { verdict, candidate, baseline } = input;
  const title = escapeMarkdown(input.title ?? 'evalgate', 100);
  const counts = countGates(verdict);
  // Classes that could not be checked are never counted as passed gates (on-missing-class: warn).
  const unchecked = counts.notEvaluable > 0 ? notEvaluableText(counts.notEvaluable) : '';
  const lines: string[] = [];

  if (verdict.passed) {
    const mark = counts.warned > 0 ? '⚠️' : '✅';
    const extra = !verdict.comparedWithBaseline
      ? ' (first baseline)'
      : counts.warned > 0
        ? `, ${possibleRegressionsText(counts.warned)}`
        : '';
    lines.push(`## ${mark} ${title}: passed${extra}`);
    if (!verdict.comparedWithBaseline) {
      lines.push(
        'No baseline report to compare with: this run sets the first baseline. Keep its report.json as the baseline.',
      );
    } else if (unchecked === '' && counts.warned === 0) {
      lines.push(`All ${formatCount(counts.checked)} gates passed against the baseline.`);
    } else {
      let text = `${formatCount(counts.passed)} ${gatesWord(counts.passed)} passed against the baseline`;
      if (counts.warned > 0) {
        text +=
          `; ${possibleRegressionsText(counts.warned)} beyond the tolerance without significant evidence ` +
          `(${counts.warned === 1 ? 'a warning' : 'warnings'}, listed below)`;
      }
      if (unchecked !== '')
        text += `; ${unchecked} (no test samples, reported as a warning): it was not checked`;
      lines.push(`${text}.`);
    }
  } else {
    lines.push(
      `## ❌ ${title}: failed, ${formatCount(counts.failed)} of ${formatCount(counts.checked)} ${gatesWord(counts.checked)} failed` +
        (unchecked === '' ? '' : `, ${unchecked}`),
    );
    const reasons: string[] = [];
    const recallFailure = verdict.failures.find((f) => f.gate === 'per-class-recall' && f.status === 'fail');
    const tolerance = formatRate(recallFailure?.threshold ?? 0).replace('%', ' pp');
    const regressed = rows.filter((r) => r.status === 'regressed').map((r) => r.name);
    if (regressed.length > 0) {
      const how = recallFailure?.alpha === undefined ? '' : 'significantly ';
      reasons.push(
        `Recall dropped ${how}by more than ${tolerance} for ${formatCount(regressed.length)} ` +
          `${regressed.length === 1 ? 'class' : 'classes'}: ${quoted(regressed)}.`,
      );
    }
    const unproven = rows.filter((r) => r.status === 'possible-regression' && r.blocking).map((r) => r.name);
    if (unproven.length > 0) {
      reasons.push(
        `Recall dropped by more than ${tolerance}, without significant evidence (on-unproven: fail), for ` +
          `${formatCount(unproven.length)} ${unproven.length === 1 ? 'class' : 'classes'}: ${quoted(unproven)}.`,
      );
    }
    const absent = verdict.failures.filter(
      (f) => f.gate === 'per-class-recall' && f.status === 'not-evaluable',
    );
    if (absent.length > 0) {
      reasons.push(
        `${formatCount(absent.length)} ${absent.length === 1 ? 'class has' : 'classes have'} no test samples and cannot be checked: ` +
          `${quoted(absent.map((f) => f.subject ?? ''))}.`,
      );
    }
    for (const failure of verdict.failures.filter((f) => f.gate !== 'per-class-recall')) {
      reasons.push(`${capitalise(escapeMarkdown(failure.message, MAX_MESSAGE_CHARS))}.`);
    }
    if (!verdict.comparedWithBaseline) {
      reasons.push('No baseline report to compare with: this run sets the first baseline.');
    }
    lines.push(reasons.join('<br>\n'));
  }

  const vs =
    baseline !== null && verdict.comparedWithBaseline
      ? ` against baseline model ${digestCode(baseline.model.sha256, 12)}`
      : '';
  lines.push(
    `Model ${digestCode(candidate.model.sha256, 12)}${vs} on test set ${digestCode(candidate.testSet.digest, 12)} ` +
      `(${formatCount(candidate.testSet.size)} samples${candidate.testSet.locked ? ', locked' : ', **not locked**'}).`,
  );
  return [lines[0], lines.slice(1).join('\n\n')].join('\n\n');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function renderFailures(failures: GateResult[]): string {
  if (failures.length === 0) return '';
  const items = failures
    .slice(0, MAX_LISTED_FAILURES)
    .map((f) => `- ❌ **${f.gate}**: ${escapeMarkdown(f.message, MAX_MESSAGE_CHARS)}`);
  const rest = failures.length - MAX_LISTED_FAILURES;
  if (rest > 0) items.push(`- … and ${formatCount(rest)} more failed gates, all in the full report`);
  return [`### Failed gates (${formatCount(failures.length)})`, '', ...items].join('\n');
}

function renderWarnings(warnings: GateResult[]): string {
  if (warnings.length === 0) return '';
  const alpha = warnings.find((w) => w.alpha !== undefined)?.alpha;
  const items = warnings
    .slice(0, MAX_LISTED_POSSIBLE)
    .map((w) => `- ⚠️ **${w.gate}**: ${escapeMarkdown(w.message, MAX_MESSAGE_CHARS)}`);
  const rest = warnings.length - MAX_LISTED_POSSIBLE;
  if (rest > 0) items.push(`- … and ${formatCount(rest)} more possible regressions, all in the full report`);
  return [
    `### Possible regressions (${formatCount(warnings.length)})`,
    '',
    `_Beyond the tolerance, but not statistically significant${alpha === undefined ? '' : ` at α = ${alphaText(alpha)}`}: ` +
      'the test set is too small to tell them from noise. They do not fail the run (on-unproven: warn); more ' +
      'test samples would settle them._',
    '',
    ...items,
  ].join('\n');
}

function renderNotes(input: CommentInput): string {
  const { candidate, verdict, comparison } = input;
  const items: string[] = [];
  // From testSet.locked, the source of truth: the pipeline does not put this in report.warnings.
  if (!candidate.testSet.locked) {
    items.push(
      '- ⚠️ **The test set is not locked** (`lock: none`): its files were hashed but not checked against a lock, ' +
        'so nothing guarantees this is the data reviewers expect. Run `evalgate lock` and commit the lock file.',
    );
  }
  // The headline already says that this run sets the first baseline.
  const notes = verdict.notes.filter((note) => note !== FIRST_BASELINE_NOTE);
  const listed = notes.slice(0, MAX_LISTED_NOTES);
  for (const note of listed) items.push(`- ℹ️ ${escapeMarkdown(note, MAX_MESSAGE_CHARS)}`);
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
      digestCode(report.model.sha256, 12),
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
    `onnxruntime ${escapeMarkdown(env.onnxruntime, 40)} · ${escapeMarkdown(env.executionProvider, 20)} · ` +
      `${escapeMarkdown(env.os, 40)} ${escapeMarkdown(env.arch, 20)}`,
    `${escapeMarkdown(report.tool.version, 40)} · ${escapeMarkdown(report.createdAt, 40)}`,
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
  const version = escapeMarkdown(input.candidate.tool.version, 40);
  return `<sub>evalgate ${version} · thresholds come from the gates in evalgate.yml · see ${where}</sub>`;
}
