/**
 * Whether two reports may be compared at all. A comparison across different data or a different
 * class list produces numbers that look meaningful and are not, so it is refused with the reason.
 */
import { InputError } from '../errors.js';
import { REPORT_SCHEMA, type Report } from '../report/types.js';

/** How many differing class names a message lists before summarising the rest. */
const MAX_NAMED_CLASSES = 5;

const HOW_TO_REGENERATE =
  'regenerate the baseline on the current locked test set: run `evalgate run --config <config> --out <dir>` ' +
  'with the model you ship, then use <dir>/report.json as the baseline (baseline.report or --baseline)';

/**
 * Throws InputError (where = `baselineSource`) when `baseline` and `candidate` cannot be compared:
 * another report schema or tool major version, another test set (root digest), or another class
 * list (names or order).
 */
export function assertComparable(baseline: Report, candidate: Report, baselineSource: string): void {
  assertSchema(baseline, `baseline ${baselineSource}`, baselineSource);
  assertSchema(candidate, 'the candidate report', baselineSource);

  const baselineMajor = majorVersion(baseline.tool?.version);
  const candidateMajor = majorVersion(candidate.tool?.version);
  if (baselineMajor !== candidateMajor) {
    throw new InputError(
      `baseline ${baselineSource} was made by evalgate ${baseline.tool?.version ?? '(unknown version)'} but this run ` +
        `is evalgate ${candidate.tool?.version ?? '(unknown version)'}; reports from different major versions ` +
        'are not comparable',
      { where: baselineSource, hint: HOW_TO_REGENERATE },
    );
  }

  if (baseline.testSet.digest !== candidate.testSet.digest) {
    throw new InputError(
      `baseline ${baselineSource} was made on test set ${baseline.testSet.digest} (${baseline.testSet.size} samples) ` +
        `but this run used ${candidate.testSet.digest} (${candidate.testSet.size} samples); ` +
        'reports are only comparable on the same locked data',
      { where: baselineSource, hint: HOW_TO_REGENERATE },
    );
  }

  const classProblem = describeClassListDifference(baseline.classNames, candidate.classNames);
  if (classProblem !== null) {
    throw new InputError(
      `baseline ${baselineSource} has a different class list from this run: ${classProblem}; ` +
        'per-class results are only comparable when both runs use the same classes in the same order',
      {
        where: baselineSource,
        hint: `make the config's classes (or classes-file) match the baseline's, or ${HOW_TO_REGENERATE}`,
      },
    );
  }
}

function assertSchema(report: Report, what: string, where: string): void {
  const schema: unknown = (report as { schema?: unknown }).schema;
  if (schema !== REPORT_SCHEMA) {
    throw new InputError(
      `${what} has schema ${JSON.stringify(schema ?? null)}, expected "${REPORT_SCHEMA}"; it is not an evalgate report ` +
        'this version can read',
      { where, hint: HOW_TO_REGENERATE },
    );
  }
}

/** Major part of a semver string (`0.1.0` -> `0`); null when missing or malformed. */
function majorVersion(version: string | undefined): string | null {
  const match = /^v?(\d+)\./.exec(version ?? '');
  return match ? match[1]! : null;
}

/**
 * Names what differs between two class lists, or returns null when they are identical:
 * classes only in the baseline, classes only in the candidate, and otherwise the first position
 * where the order differs.
 */
export function describeClassListDifference(baseline: string[], candidate: string[]): string | null {
  if (baseline.length === candidate.length && baseline.every((name, i) => name === candidate[i])) return null;

  const inCandidate = new Set(candidate);
  const inBaseline = new Set(baseline);
  const missing = baseline.filter((name) => !inCandidate.has(name));
  const added = candidate.filter((name) => !inBaseline.has(name));
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`${namedList(missing)} only in the baseline`);
  if (added.length > 0) parts.push(`${namedList(added)} only in this run`);
  if (parts.length > 0) {
    return `${baseline.length} classes in the baseline, ${candidate.length} in this run; ${parts.join('; ')}`;
  }
  if (baseline.length !== candidate.length) {
    // Same names, different counts: one side lists a class twice.
    return `${baseline.length} classes in the baseline, ${candidate.length} in this run (a class is listed twice)`;
  }
  const first = baseline.findIndex((name, i) => name !== candidate[i]);
  return (
    `the same ${baseline.length} classes in another order: position ${first} is ` +
    `${JSON.stringify(baseline[first])} in the baseline but ${JSON.stringify(candidate[first])} in this run`
  );
}

function namedList(names: string[]): string {
  const shown = names
    .slice(0, MAX_NAMED_CLASSES)
    .map((name) => JSON.stringify(name))
    .join(', ');
  const rest = names.length - MAX_NAMED_CLASSES;
  const noun = names.length === 1 ? 'class' : 'classes';
  return rest > 0 ? `${noun} ${shown} and ${rest} more` : `${noun} ${shown}`;
}
