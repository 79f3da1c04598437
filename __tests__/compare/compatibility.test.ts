import { describe, expect, it } from 'vitest';
import { assertComparable } from '../../src/compare/compatibility.js';
import { describeClassListDifference } from '../../src/compare/testSetCompatibility.js';
import { InputError } from '../../src/shared/errors.js';
import type { Report } from '../../src/report/types.js';
import { DIGITS, digestOf, digitsPair, makeReport, matrixFrom } from '../__fixtures__/reports.js';

const BASELINE_PATH = '.evalgate/baseline.json';

function thrown(fn: () => void): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

function withClasses(names: string[]): Report {
  return makeReport({
    classNames: names,
    matrix: matrixFrom(
      names.map(() => 5),
      [],
    ),
  });
}

describe('assertComparable', () => {
  it('accepts two reports on the same locked test set with the same classes', () => {
    const { baseline, candidate } = digitsPair();
    expect(() => assertComparable(baseline, candidate, BASELINE_PATH)).not.toThrow();
  });

  it('refuses a baseline made on another test set, naming both digests and sizes', () => {
    const { baseline } = digitsPair();
    const support = DIGITS.map((_, i) => (i === 0 ? 55 : 54));
    const candidate = makeReport({
      classNames: DIGITS,
      matrix: matrixFrom(support, []),
      testSetDigest: digestOf('test-set-with-one-more-image'),
    });
    const error = thrown(() => assertComparable(baseline, candidate, BASELINE_PATH));
    expect(error.where).toBe(BASELINE_PATH);
    expect(error.message).toBe(
      `baseline ${BASELINE_PATH} was made on test set ${baseline.testSet.digest} (540 samples) but this run uses ` +
        `${candidate.testSet.digest} (541 samples); reports are only comparable on the same locked data`,
    );
    expect(error.hint).toMatch(/make a new baseline/);
    expect(error.hint).toMatch(/evalgate run/);
  });

  it('refuses a baseline with classes missing or added, naming them', () => {
    const baseline = withClasses(['cat', 'dog', 'truck']);
    const candidate = withClasses(['cat', 'dog', 'ship', 'plane']);
    const error = thrown(() => assertComparable(baseline, candidate, BASELINE_PATH));
    expect(error.where).toBe(BASELINE_PATH);
    expect(error.message).toContain('3 classes in the baseline, 4 in this run');
    expect(error.message).toContain('class "truck" only in the baseline');
    expect(error.message).toContain('classes "ship", "plane" only in this run');
  });

  it('refuses the same classes in another order, naming the first position that differs', () => {
    const error = thrown(() =>
      assertComparable(
        withClasses(['cat', 'dog', 'truck']),
        withClasses(['cat', 'truck', 'dog']),
        BASELINE_PATH,
      ),
    );
    expect(error.message).toContain('position 1 is "dog" in the baseline but "truck" in this run');
  });

  it('summarises long lists of differing classes instead of listing them all', () => {
    const many = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const text = describeClassListDifference(['a', ...many], ['a']);
    expect(text).toContain('classes "c0", "c1", "c2", "c3", "c4" and 7 more only in the baseline');
  });

  it('refuses a baseline that is not an evalgate.report/v1 document', () => {
    const { baseline, candidate } = digitsPair();
    const old = { ...baseline, schema: 'evalgate.report/v0' } as unknown as Report;
    const error = thrown(() => assertComparable(old, candidate, BASELINE_PATH));
    expect(error.where).toBe(BASELINE_PATH);
    expect(error.message).toContain('"evalgate.report/v0"');
    expect(error.message).toContain('expected "evalgate.report/v1"');
  });

  it('refuses a baseline written by another major version of evalgate', () => {
    const { baseline, candidate } = digitsPair();
    const future = { ...baseline, tool: { name: 'evalgate', version: '1.0.0' } } as Report;
    const error = thrown(() => assertComparable(future, candidate, BASELINE_PATH));
    expect(error.message).toContain('evalgate 1.0.0 but this run is evalgate 0.1.0');
    const patch = { ...baseline, tool: { name: 'evalgate', version: '0.3.2' } } as Report;
    expect(() => assertComparable(patch, candidate, BASELINE_PATH)).not.toThrow();
  });
});
