/**
 * The data half of comparability, checkable before a run: the baseline must have been made on the
 * same locked test set (root digest) with the same class list (names and order).
 */
import { InputError } from '../shared/errors.js';
import type { Report } from '../report/types.js';

/** How many differing class names a message lists before summarising the rest. */
const MAX_NAMED_CLASSES = 5;

export interface TestSetIdentityToCompare {
  digest: string;
  size: number;
  classNames: string[];
}

export const HOW_TO_REPLACE_BASELINE =
  'if the test set or class list changed on purpose, make a new baseline: run `evalgate run --no-baseline --out <dir>` ' +
  'with the model you ship and use <dir>/report.json as the baseline (baseline.report or --baseline)';

export function assertComparableTestSet(
  baseline: Pick<Report, 'testSet' | 'classNames'>,
  testSet: TestSetIdentityToCompare,
  baselineSource: string,
): void {
  if (baseline.testSet.digest !== testSet.digest) {
    throw new InputError(
      `baseline ${baselineSource} was made on test set ${baseline.testSet.digest} (${baseline.testSet.size} samples) ` +
        `but this run uses ${testSet.digest} (${testSet.size} samples); ` +
        'reports are only comparable on the same locked data',
      { code: 'E_BASELINE_INCOMPATIBLE', where: baselineSource, hint: HOW_TO_REPLACE_BASELINE },
    );
  }
  const classProblem = describeClassListDifference(baseline.classNames, testSet.classNames);
  if (classProblem !== null) {
    throw new InputError(
      `baseline ${baselineSource} has a different class list from this run: ${classProblem}; ` +
        'per-class results are only comparable when both runs use the same classes in the same order',
      {
        code: 'E_BASELINE_INCOMPATIBLE',
        where: baselineSource,
        hint: `make the config's classes (or classes-file) match the baseline's; ${HOW_TO_REPLACE_BASELINE}`,
      },
    );
  }
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
