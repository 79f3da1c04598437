import { describe, expect, it } from 'vitest';
import { FIRST_BASELINE_NOTE, evaluateGates } from '../../src/compare/gates.js';
import type { GatesConfig } from '../../src/config/types.js';
import { digitsPair, makeReport, matrixFrom } from '../__fixtures__/reports.js';

/** `significance: off`: the plain threshold behaviour these tests were written for. */
const OFF = { significance: false, onUnproven: 'warn' } as const;
const DEFAULT_GATES: GatesConfig = { perClassRecall: { maxDrop: 0.02, onMissingClass: 'fail', ...OFF } };
const CLASSES = ['cat', 'dog', 'truck'];

/** Three classes, `support` samples each; `lost[i]` samples of class i predicted as the next class. */
function threeClass(support: number[], lost: number[] = [0, 0, 0]) {
  return makeReport({
    classNames: CLASSES,
    matrix: matrixFrom(
      support,
      lost.map((count, i) => (count > 0 ? [[(i + 1) % 3, count] as [number, number]] : [])),
    ),
  });
}

describe('evaluateGates with a baseline, significance off (plain thresholds)', () => {
  const { baseline, candidate, improved } = digitsPair();

  it('passes a model that regresses no class', () => {
    const verdict = evaluateGates(DEFAULT_GATES, improved, baseline);
    expect(verdict.passed).toBe(true);
    expect(verdict.failures).toEqual([]);
    expect(verdict.comparedWithBaseline).toBe(true);
    const perClass = verdict.gates.filter((g) => g.gate === 'per-class-recall');
    expect(perClass.map((g) => g.subject)).toEqual(baseline.classNames);
    expect(perClass.every((g) => g.status === 'pass')).toBe(true);
  });

  it('fails a class whose recall dropped by more than the allowed drop, with the numbers in percent and points', () => {
    const verdict = evaluateGates(DEFAULT_GATES, candidate, baseline);
    expect(verdict.passed).toBe(false);
    expect(verdict.failures).toHaveLength(1);
    const failure = verdict.failures[0]!;
    expect(failure).toMatchObject({ gate: 'per-class-recall', subject: '8', status: 'fail', blocking: true });
    expect(failure.baseline).toBeCloseTo(51 / 54, 15);
    expect(failure.candidate).toBeCloseTo(30 / 54, 15);
    expect(failure.threshold).toBe(0.02);
    expect(failure.message).toBe(
      // Rates in percent and their changes in percentage points, the unit of every table (issue 9, item 8).
      "recall of '8' dropped by 38.9 pp (94.4% → 55.6%, 54 samples), more than the allowed 2.0 pp",
    );
  });

  it('lets a drop of exactly the allowed amount pass ("may not drop by more than")', () => {
    // 50 samples: one lost sample is a drop of 1/50 = 0.02, which float64 computes as 0.020000000000000018.
    const before = threeClass([50, 50, 50]);
    const exactly = evaluateGates(DEFAULT_GATES, threeClass([50, 50, 50], [1, 0, 0]), before);
    expect(exactly.passed).toBe(true);
    expect(exactly.gates[0]!.message).toBe(
      "recall of 'cat' dropped by 2.0 pp (100.0% → 98.0%, 50 samples), within the allowed 2.0 pp",
    );
    const beyond = evaluateGates(DEFAULT_GATES, threeClass([50, 50, 50], [2, 0, 0]), before);
    expect(beyond.passed).toBe(false);
    expect(beyond.failures[0]!.subject).toBe('cat');
  });

  it('shows enough decimals to tell a drop from the threshold it exceeds', () => {
    // 2.01 pp would print as "2.0 pp ... more than the allowed 2.0 pp" with one decimal.
    const before = threeClass([10000, 10, 10]);
    const verdict = evaluateGates(DEFAULT_GATES, threeClass([10000, 10, 10], [201, 0, 0]), before);
    expect(verdict.failures[0]!.message).toContain('dropped by 2.01 pp (100.0% → 98.0%');
    expect(verdict.failures[0]!.message).toContain('more than the allowed 2.00 pp');
  });

  it('orders failures by the size of the drop, largest first, then the other gates', () => {
    const before = threeClass([50, 50, 50]);
    const after = threeClass([50, 50, 50], [5, 20, 0]);
    const verdict = evaluateGates({ ...DEFAULT_GATES, accuracy: { min: 0.99, ...OFF } }, after, before);
    expect(verdict.failures.map((f) => f.subject ?? f.gate)).toEqual(['dog', 'cat', 'accuracy.min']);
    // `gates` keeps the stable config order.
    expect(verdict.gates.map((g) => g.subject ?? g.gate)).toEqual(['cat', 'dog', 'truck', 'accuracy.min']);
  });

  it('marks a result blocking exactly when it fails the run, whatever its kind', () => {
    // cat regresses, dog passes, truck has no samples; accuracy.min fails, macro-f1.min passes.
    const before = threeClass([50, 50, 50]);
    const after = threeClass([50, 50, 0], [20, 0, 0]);
    for (const onMissingClass of ['fail', 'warn'] as const) {
      const gates: GatesConfig = {
        perClassRecall: { maxDrop: 0.02, onMissingClass, ...OFF },
        accuracy: { min: 0.99, maxDrop: 0.5, ...OFF },
        macroF1: { min: 0, ...OFF },
      };
      for (const verdict of [evaluateGates(gates, after, before), evaluateGates(gates, after, null)]) {
        for (const result of verdict.gates) {
          const failsRun =
            result.status === 'fail' || (result.status === 'not-evaluable' && onMissingClass === 'fail');
          expect(result.blocking, `${result.gate} ${result.subject ?? ''}`).toBe(failsRun);
        }
        expect(new Set(verdict.failures)).toEqual(new Set(verdict.gates.filter((g) => g.blocking)));
      }
    }
  });

  it('fails accuracy.max-drop and macro-f1.max-drop with both figures and the threshold', () => {
    const gates: GatesConfig = {
      ...DEFAULT_GATES,
      accuracy: { maxDrop: 0.01, ...OFF },
      macroF1: { maxDrop: 0.01, ...OFF },
    };
    const verdict = evaluateGates(gates, candidate, baseline);
    const accuracy = verdict.failures.find((f) => f.gate === 'accuracy.max-drop')!;
    expect(accuracy.message).toBe('accuracy dropped by 3.9 pp (97.8% → 93.9%), more than the allowed 1.0 pp');
    expect(verdict.failures.find((f) => f.gate === 'macro-f1.max-drop')!.status).toBe('fail');
    expect(verdict.failures[0]!.gate).toBe('per-class-recall');
  });

  it('fails closed on a class without test samples, saying how to change that', () => {
    const before = threeClass([50, 50, 50]);
    const after = threeClass([50, 50, 0]);
    const verdict = evaluateGates(DEFAULT_GATES, after, before);
    expect(verdict.passed).toBe(false);
    expect(verdict.failures).toHaveLength(1);
    expect(verdict.failures[0]).toMatchObject({
      gate: 'per-class-recall',
      subject: 'truck',
      status: 'not-evaluable',
      blocking: true,
      message:
        "class 'truck' has no test samples: its recall cannot be checked; add samples or set " +
        'gates.per-class-recall.on-missing-class: warn',
    });
  });

  it('only warns about a class without test samples when on-missing-class is warn', () => {
    const verdict = evaluateGates(
      { perClassRecall: { maxDrop: 0.02, onMissingClass: 'warn', ...OFF } },
      threeClass([50, 50, 0]),
      threeClass([50, 50, 50]),
    );
    expect(verdict.passed).toBe(true);
    const truck = verdict.gates.find((g) => g.subject === 'truck')!;
    expect(truck.status).toBe('not-evaluable');
    expect(truck.blocking).toBe(false);
    expect(verdict.notes.map((n) => n.text)).toContain(truck.message);
    // Already warn: the advice is how to make it fail, not to set the value in force.
    expect(truck.message).not.toContain('on-missing-class: warn;');
    expect(truck.message).not.toMatch(/set gates\.per-class-recall\.on-missing-class: warn/);
    expect(truck.message).toBe(
      "class 'truck' has no test samples: its recall cannot be checked, which is reported as a warning " +
        '(gates.per-class-recall.on-missing-class: warn); add samples, or set on-missing-class: fail to make ' +
        'a class without samples fail the run',
    );
  });

  it('says what a max-drop of 0 means instead of asking for an infinite number of samples', () => {
    const zero: GatesConfig = { perClassRecall: { maxDrop: 0, onMissingClass: 'fail', ...OFF } };
    const verdict = evaluateGates(zero, threeClass([50, 20, 30]), threeClass([50, 20, 30]));
    expect(verdict.notes.map((n) => n.text).join(' ')).not.toMatch(/Infinity|NaN/);
    expect(verdict.notes.map((n) => n.text)).toContain(
      'per-class-recall max-drop is 0: one more misclassified sample in any class fails the gate, so it ' +
        'cannot tell a regression from noise; to tolerate a single sample, allow a drop of at least ' +
        "0.050 (1/20, the smallest class's test samples)",
    );
    // The suggestion is rounded up, so it really tolerates one sample: 1/3000 = 0.000333...
    const tiny = evaluateGates(zero, threeClass([3000, 3000, 3000]), null);
    expect(tiny.notes.map((n) => n.text).some((n) => n.includes('at least 0.0004 (1/3000,'))).toBe(true);
  });
});

describe('evaluateGates without a baseline, significance off', () => {
  const { candidate } = digitsPair();

  it('passes and notes that this run sets the first baseline', () => {
    const verdict = evaluateGates({ ...DEFAULT_GATES, accuracy: { maxDrop: 0.01, ...OFF } }, candidate, null);
    expect(verdict.passed).toBe(true);
    expect(verdict.comparedWithBaseline).toBe(false);
    expect(verdict.notes.map((n) => n.text)).toContain(FIRST_BASELINE_NOTE);
    const perClass = verdict.gates.filter((g) => g.gate === 'per-class-recall');
    expect(perClass).toHaveLength(10);
    expect(perClass.every((g) => g.status === 'skipped' && !g.blocking)).toBe(true);
    expect(verdict.gates.find((g) => g.gate === 'accuracy.max-drop')!.status).toBe('skipped');
  });

  it('still applies accuracy.min, which needs no baseline', () => {
    // 507 of 540 correct = 0.93889.
    const failing = evaluateGates({ ...DEFAULT_GATES, accuracy: { min: 0.95, ...OFF } }, candidate, null);
    expect(failing.passed).toBe(false);
    expect(failing.failures[0]!.message).toBe('accuracy is 93.9%, below the required minimum 95.0%');
    const atMinimum = evaluateGates(
      { ...DEFAULT_GATES, accuracy: { min: 507 / 540, ...OFF } },
      candidate,
      null,
    );
    expect(atMinimum.passed).toBe(true);
  });

  it('applies macro-f1.min without a baseline', () => {
    const macroF1 = candidate.metrics.macroF1!;
    expect(
      evaluateGates({ ...DEFAULT_GATES, macroF1: { min: macroF1 + 0.001, ...OFF } }, candidate, null).passed,
    ).toBe(false);
    expect(
      evaluateGates({ ...DEFAULT_GATES, macroF1: { min: macroF1 - 0.001, ...OFF } }, candidate, null).passed,
    ).toBe(true);
  });

  it('still reports a class without test samples as not evaluable', () => {
    const verdict = evaluateGates(DEFAULT_GATES, threeClass([50, 0, 50]), null);
    const dog = verdict.gates.find((g) => g.subject === 'dog')!;
    expect(dog.status).toBe('not-evaluable');
    expect(verdict.passed).toBe(false);
  });
});
