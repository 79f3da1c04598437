import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportProblems, validateReport } from '../../src/report/reportFile.js';
import { formatReportProblems } from '../../src/report/reportProblems.js';
import { reportJsonSchema, reportSchema } from '../../src/report/schema.js';
import { plainDigitsReport } from '../helpers/statisticsFixture.js';

const FILE = '.evalgate/baseline.json';

const plain = plainDigitsReport;

describe('the report schema', () => {
  it('accepts reports as evalgate writes them, and the committed example baseline', () => {
    expect(reportSchema.safeParse(plain()).success).toBe(true);
    const example = JSON.parse(readFileSync('examples/digits/baseline.json', 'utf8'));
    expect(reportProblems(example)).toEqual([]);
  });

  it('carries parts no reader relies on, even when an earlier v1 report lacks them', () => {
    const data = plain();
    delete data.slices;
    delete data.timing;
    delete data.settings.decodeWorkers;
    delete data.model.inputs;
    delete data.environment.cpuCount;
    expect(validateReport(data, FILE, 'baseline')).toBe(data);
  });

  it('names every top-level field of a written report in its JSON Schema', () => {
    const schema = reportJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    // inputRange is written since issue 9 (the input values' range); the committed baseline may predate it.
    // stress is written only by a run with a stress suite (`stress:` in evalgate.yml).
    const written = new Set([...Object.keys(plain()), 'inputRange', 'stress']);
    expect(Object.keys(schema.properties).sort()).toEqual([...written].sort());
    expect(schema.required).toEqual(expect.arrayContaining(['schema', 'classNames', 'classes', 'metrics']));
    // Parts checked by the consistency pass are documented by their declared shapes, not as `{}`.
    expect(schema.properties.samples).toMatchObject({
      type: 'object',
      properties: { ids: { type: 'array', items: { type: 'string' } } },
    });
  });

  it('is committed up to date as schema/evalgate.report.schema.json (regenerate with npm run schema)', () => {
    const committed = JSON.parse(readFileSync('schema/evalgate.report.schema.json', 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(reportJsonSchema())));
  });
});

describe('report problems are data, worded once', () => {
  it('a field of the wrong type: its path, requirement and the value found', () => {
    const data = plain();
    data.classes[3].recall = 'x';
    const problems = reportProblems(data);
    expect(problems).toEqual([
      {
        code: 'invalid-field',
        path: ['classes', 3, 'recall'],
        requirement: 'must be a number between 0 and 1 or null',
        value: 'x',
      },
    ]);
    expect(formatReportProblems(problems)).toBe(
      'classes[3].recall must be a number between 0 and 1 or null, got "x"',
    );
  });

  it('a figure the metrics code computes differently from the stored one', () => {
    const sum = plain();
    sum.cost.sum += 1;
    expect(reportProblems(sum)).toEqual([
      expect.objectContaining({ code: 'derived-figure', path: ['cost', 'sum'], value: sum.cost.sum }),
    ]);
    const precision = plain();
    const cls = precision.classes[8];
    cls.precision = 0.5;
    expect(formatReportProblems(reportProblems(precision))).toBe(
      `classes[8].precision must equal ${cls.truePositives}/${cls.predicted} = ${cls.truePositives / cls.predicted} (the counts beside it), got 0.5`,
    );
  });

  it('a damaged calibration state, at the path inside the state', () => {
    const data = plain();
    data.calibration.state.bins.count.pop();
    const [problem] = reportProblems(data);
    expect(problem).toMatchObject({ code: 'calibration', path: ['calibration', 'state', 'bins', 'count'] });
    expect(formatReportProblems([problem!])).toContain(
      'calibration.state.bins.count must be an array of 15 numbers, got an array of 14',
    );
  });

  it('a predicted count that is not its confusion-matrix column', () => {
    const data = plain();
    data.classes[2].predicted += 1;
    data.classes[2].precision = data.classes[2].truePositives / data.classes[2].predicted;
    expect(rejectionMessage(data)).toContain(
      `classes[2].predicted must equal the sum of confusionMatrix column 2 (${data.classes[2].predicted - 1}), got ${data.classes[2].predicted}`,
    );
  });

  it('a sample count that is not the confusion matrix total, which every rate divides by', () => {
    const data = plain();
    const total = data.metrics.samples;
    data.metrics.samples = total + 1;
    expect(reportProblems(data)).toContainEqual({
      code: 'confusion-matrix',
      path: ['metrics', 'samples'],
      requirement: `must equal the confusion matrix total (${total})`,
      value: total + 1,
    });
  });
});

function rejectionMessage(data: unknown): string {
  try {
    validateReport(data, FILE, 'baseline');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('validateReport accepted the report');
}
