import { describe, expect, it } from 'vitest';
import { assertComparable, settingsDifferences } from '../../src/compare/compatibility.js';
import { evaluateGates } from '../../src/compare/gates.js';
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

/** `report` as if made with other preprocessing, another input size and another output kind. */
function fedDifferently(report: Report): Report {
  return {
    ...report,
    settings: {
      ...report.settings,
      preprocess: { ...report.settings.preprocess, color: 'rgb', resize: [32, 32] },
    },
    model: {
      ...report.model,
      inputs: [{ name: 'input', isTensor: true, type: 'float32', shape: ['batch', 1, 32, 32] }],
      outputKind: 'probabilities',
    },
  };
}

describe('settingsDifferences (issue 9, item 9: a preprocessing change is not a model change)', () => {
  const { baseline, candidate } = digitsPair();

  it('names each setting that differs, with both values', () => {
    expect(settingsDifferences(baseline, fedDifferently(candidate))).toEqual([
      'preprocess.resize: [8, 8] in the baseline, [32, 32] here',
      'preprocess.color: gray in the baseline, rgb here',
      'input 1×8×8 in the baseline, 1×32×32 here',
      'model.outputs: logits in the baseline, probabilities here',
    ]);
    const withMean = (mean: number[]) => ({
      ...candidate,
      settings: { ...candidate.settings, preprocess: { ...candidate.settings.preprocess, mean } },
    });
    expect(settingsDifferences(withMean([0.5]), withMean([0.45]))).toEqual([
      'preprocess.mean: 0.5 in the baseline, 0.45 here',
    ]);
    // Values that differ beyond 6 digits are shown in full, never as two equal numbers.
    expect(settingsDifferences(withMean([1 / 255]), withMean([0.003921568]))).toEqual([
      'preprocess.mean: 0.00392156862745098 in the baseline, 0.003921568 here',
    ]);
  });

  it('finds nothing between reports made the same way, or in a setting one report does not record', () => {
    expect(settingsDifferences(baseline, candidate)).toEqual([]);
    const older = { ...baseline, settings: { ...baseline.settings, preprocess: { color: 'gray' } } };
    expect(settingsDifferences(older, candidate)).toEqual([]);
  });

  it('puts the differences in a note of the verdict, so a reviewer does not blame the model', () => {
    const gates = {
      perClassRecall: { maxDrop: 0.02, onMissingClass: 'fail', significance: true, onUnproven: 'warn' },
    } as const;
    const verdict = evaluateGates(gates, fedDifferently(candidate), baseline);
    const note = verdict.notes.find((n) => n.kind === 'preprocessing-differs')!;
    expect(note.text).toBe(
      'The baseline fed or read its model differently, so a change may come from the settings, not the model: ' +
        'preprocess.resize: [8, 8] in the baseline, [32, 32] here; preprocess.color: gray in the baseline, rgb here; ' +
        'input 1×8×8 in the baseline, 1×32×32 here; model.outputs: logits in the baseline, probabilities here',
    );
    expect(evaluateGates(gates, candidate, baseline).notes.map((n) => n.kind)).not.toContain(
      'preprocessing-differs',
    );
  });
});
