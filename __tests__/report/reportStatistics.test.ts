import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/shared/errors.js';
import { validateReport } from '../../src/report/reportFile.js';
import { digitsPair, makeReport, matrixFrom } from '../__fixtures__/reports.js';
import { DIGITS_COSTS as COSTS, plainDigitsReport, withStatistics } from '../helpers/statisticsFixture.js';

const FILE = '.evalgate/baseline.json';

const plain = plainDigitsReport;

function rejection(data: unknown): string {
  try {
    validateReport(data, FILE, 'baseline');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toBe(FILE);
    return (error as InputError).message;
  }
  throw new Error('validateReport accepted the report');
}

describe('validateReport with intervals, calibration and cost', () => {
  it('accepts them as evalgate writes them, and reports without them (older v1)', () => {
    const data = plain();
    expect(validateReport(data, FILE, 'baseline').calibration?.state.count).toBe(540);
    expect(data.cost.expected).toBeGreaterThan(0);
    const old = plain();
    delete old.calibration;
    delete old.cost;
    delete old.metrics.accuracyInterval;
    delete old.settings.confidence;
    for (const cls of old.classes) {
      delete cls.recallInterval;
      delete cls.precisionInterval;
    }
    expect(validateReport(old, FILE, 'baseline').calibration).toBeUndefined();
  });

  it('accepts a class without samples whose intervals are null', () => {
    const report = makeReport({ classNames: ['cat', 'dog', 'truck'], matrix: matrixFrom([50, 50, 0], []) });
    const data = JSON.parse(JSON.stringify(withStatistics(report)));
    expect(data.classes[2].recallInterval).toBeNull();
    expect(validateReport(data, FILE, 'baseline').classes[2]!.precisionInterval).toBeNull();
  });

  it('refuses intervals that do not belong to their proportion', () => {
    const data = plain();
    data.metrics.accuracyInterval = { low: 0.2, high: 0.3 };
    expect(rejection(data)).toContain('metrics.accuracyInterval must be an interval containing');
    const swapped = plain();
    swapped.classes[3].recallInterval = { low: 0.99, high: 0.9 };
    expect(rejection(swapped)).toContain(
      'classes[3].recallInterval must be null or an interval {low, high} with 0 <= low <= high <= 1',
    );
    const missing = plain();
    missing.classes[3].precisionInterval = null;
    expect(rejection(missing)).toContain('classes[3].precisionInterval must be an interval containing');
    const absent = JSON.parse(
      JSON.stringify(
        withStatistics(
          makeReport({ classNames: ['cat', 'dog', 'truck'], matrix: matrixFrom([50, 50, 0], []) }),
        ),
      ),
    );
    absent.classes[2].recallInterval = { low: 0, high: 1 };
    expect(rejection(absent)).toContain(
      'classes[2].recallInterval must be null when there is nothing to measure',
    );
  });

  it('refuses a confidence level outside (0, 1)', () => {
    const data = plain();
    data.settings.confidence = 95;
    expect(rejection(data)).toContain(
      'settings.confidence must be a number between 0 and 1 (exclusive), got 95',
    );
  });

  it('refuses a hand-edited ECE, which the ECE gate reads', () => {
    const data = plain();
    data.calibration.ece = 0.001;
    expect(rejection(data)).toMatch(/calibration\.ece must be [0-9.e-]+ as its state gives, got 0\.001/);
    const gone = plain();
    gone.calibration.brier = null;
    expect(rejection(gone)).toContain('calibration.brier must be');
  });

  it('refuses a calibration state that is damaged or belongs to other data', () => {
    const bins = plain();
    bins.calibration.state.bins.count.pop();
    expect(rejection(bins)).toContain('calibration.state.bins.count must be an array of 15 numbers');
    const count = plain();
    count.calibration.state.count = 539;
    expect(rejection(count)).toContain('calibration.state.bins.count must total count (539)');
    const other = plain();
    other.calibration.state.numClasses = 9;
    expect(rejection(other)).toContain('calibration.state.numClasses must equal the number of classes (10)');
    const none = plain();
    none.calibration.state = 'x';
    expect(rejection(none)).toContain('calibration.state must be an object');
    const wrongData = JSON.parse(
      JSON.stringify(withStatistics(digitsPair().candidate, { costs: COSTS })),
    ).calibration;
    const mixed = plain();
    mixed.calibration = wrongData;
    expect(rejection(mixed)).toContain(
      'calibration.state.bins.correct must total the correct predictions of the confusion matrix (528), got 507',
    );
  });

  it('refuses a cost summary that disagrees with its matrix and the confusion matrix', () => {
    const expected = plain();
    expected.cost.expected = 0;
    expect(rejection(expected)).toContain('cost.expected must be');
    const sum = plain();
    sum.cost.sum += 1;
    expect(rejection(sum)).toContain('cost.sum must be');
    const matrix = plain();
    matrix.cost.matrix.pop();
    expect(rejection(matrix)).toContain('cost.matrix must be 10x10 finite numbers');
    const interval = plain();
    interval.cost.interval = { low: 5, high: 6 };
    expect(rejection(interval)).toContain('cost.interval must be null or an interval {low, high} containing');
    const samples = plain();
    samples.cost.samples = 10;
    expect(rejection(samples)).toContain('cost.samples must equal metrics.samples (540), got 10');
  });
});
