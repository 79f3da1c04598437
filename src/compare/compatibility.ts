/**
 * Whether two reports may be compared at all. A comparison across different data or a different
 * class list produces numbers that look meaningful and are not, so it is refused with the reason.
 */
import { InputError } from '../shared/errors.js';
import { REPORT_SCHEMA, type Report } from '../report/types.js';
import { assertComparableTestSet, HOW_TO_REPLACE_BASELINE } from './testSetCompatibility.js';

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
      { code: 'E_BASELINE_INCOMPATIBLE', where: baselineSource, hint: HOW_TO_REPLACE_BASELINE },
    );
  }

  assertComparableTestSet(
    baseline,
    { digest: candidate.testSet.digest, size: candidate.testSet.size, classNames: candidate.classNames },
    baselineSource,
  );
}

/**
 * Reports read from a file have passed validateReport (report/reportFile.ts), which checks the same;
 * this is kept as a cheap defence for a Report that reaches here another way (built in memory,
 * or by a caller of this module that skipped the reader), where a wrong schema would otherwise
 * surface as a confusing digest or class-list mismatch.
 */
function assertSchema(report: Report, what: string, where: string): void {
  const schema: unknown = (report as { schema?: unknown }).schema;
  if (schema !== REPORT_SCHEMA) {
    throw new InputError(
      `${what} has schema ${JSON.stringify(schema ?? null)}, expected "${REPORT_SCHEMA}"; it is not an evalgate report ` +
        'this version can read',
      { code: 'E_REPORT_INVALID', where, hint: HOW_TO_REPLACE_BASELINE },
    );
  }
}

/** Major part of a semver string (`0.1.0` -> `0`); null when missing or malformed. */
function majorVersion(version: string | undefined): string | null {
  const match = /^v?(\d+)\./.exec(version ?? '');
  return match ? match[1]! : null;
}
