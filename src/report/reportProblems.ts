/**
 * What is wrong with a report, as data. Every check (the schema's field checks and its
 * consistency refinement) yields `ReportProblem`s; they are turned into words once, by
 * `formatReportProblems`, when validateReport builds its one InputError.
 */
import { describeJsonValue } from '../shared/describeJsonValue.js';

/** Which kind of check found the problem (stable, for callers that branch on it). */
export type ReportProblemCode =
  /** A field has the wrong type or range (the schema's leaf checks). */
  | 'invalid-field'
  /** A class name appears twice in `classNames`. */
  | 'duplicate-class'
  /** The class table disagrees with the class names or with its own counts. */
  | 'class-table'
  /** A stored figure differs from the one the metrics code computes from the counts or state beside it. */
  | 'derived-figure'
  | 'confusion-matrix'
  | 'interval'
  | 'calibration'
  | 'cost'
  | 'samples';

export interface ReportProblem {
  code: ReportProblemCode;
  /** Where in the document: `['classes', 3, 'recall']`; empty for the document itself. */
  path: Array<string | number>;
  /**
   * What the field must be, as words that follow its path: `must be an integer >= 0`,
   * `must equal classNames[8] ("8")`, or a statement such as `repeats the class name "8"`.
   */
  requirement: string;
  /** The value found, when the message should show it (`got …`); a present key whose value is undefined means missing. */
  value?: unknown;
  /** What was found, in words, when that is not the value itself (`sum 53 and 50`); wins over `value`. */
  found?: string;
}

/** Problems named in one message; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 5;

/** `classes[3].recall`, `testSet.digest`. */
export function fieldPath(pathParts: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of pathParts) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? 'the document' : out;
}

/** The value found, short: `"x"`, `-1`, `null`, `an array of 9`. */
export function describeValue(value: unknown): string {
  return describeJsonValue(value, { missing: 'nothing (the field is missing)', maxChars: 60 });
}

/** One problem in words: `<path> <requirement>[, got <found>]`. */
export function formatReportProblem(problem: ReportProblem): string {
  const where = `${fieldPath(problem.path)} ${problem.requirement}`;
  if (problem.found !== undefined) return `${where}, got ${problem.found}`;
  if ('value' in problem) return `${where}, got ${describeValue(problem.value)}`;
  return where;
}

/** The first `MAX_LISTED_PROBLEMS` problems in words, `; `-separated, and a count of the rest. */
export function formatReportProblems(problems: readonly ReportProblem[]): string {
  const shown = problems.slice(0, MAX_LISTED_PROBLEMS).map(formatReportProblem);
  const rest = problems.length - shown.length;
  return shown.join('; ') + (rest > 0 ? `; and ${rest} more ${rest === 1 ? 'problem' : 'problems'}` : '');
}
