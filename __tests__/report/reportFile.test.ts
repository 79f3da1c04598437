import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/shared/errors.js';
import { readReport, validateReport } from '../../src/report/reportFile.js';
import type { Report } from '../../src/report/types.js';
import { DIGITS, digitsPair, makeReport, matrixFrom } from '../__fixtures__/reports.js';

const FILE = '.evalgate/baseline.json';

/** The digits baseline as it comes out of JSON.parse, for editing. */
// biome-ignore lint/suspicious/noExplicitAny: the tests damage parsed JSON field by field, as a hand edit would
function plain(): Record<string, any> {
  return JSON.parse(JSON.stringify(digitsPair().baseline));
}

/** The InputError `validateReport` throws for `data`. */
function rejection(data: unknown, role = 'baseline'): InputError {
  try {
    validateReport(data, FILE, role);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const inputError = error as InputError;
    expect(inputError.exitCode).toBe(2);
    expect(inputError.where).toBe(FILE);
    return inputError;
  }
  throw new Error('validateReport accepted the report');
}

describe('validateReport accepts', () => {
  it('a report as evalgate writes it, returning the same object (nothing copied or dropped)', () => {
    const data = plain();
    const report = validateReport(data, FILE, 'baseline');
    expect(report).toBe(data);
    expect(report.slices).toBe(data.slices);
    expect(report.samples.ids).toBe(data.samples.ids);
  });

  it('the committed example baseline', () => {
    const data = JSON.parse(readFileSync('examples/digits/baseline.json', 'utf8'));
    expect(validateReport(data, FILE, 'baseline').classNames).toEqual(DIGITS);
  });

  it('a class without test samples (not evaluable, recall null) and a report without samples', () => {
    const data = JSON.parse(
      JSON.stringify(
        makeReport({ classNames: ['cat', 'dog', 'truck'], matrix: matrixFrom([50, 50, 0], []) }),
      ),
    );
    expect(validateReport(data, FILE, 'baseline').classes[2]!.evaluable).toBe(false);
    delete data.samples;
    expect(validateReport(data, FILE, 'baseline').samples).toBeUndefined();
  });

  it('a 50,000-sample report without copying its per-sample arrays', () => {
    const big = makeReport({
      classNames: DIGITS,
      matrix: matrixFrom(
        DIGITS.map(() => 5000),
        [[[1, 7]]],
      ),
    });
    const data = JSON.parse(JSON.stringify(big)) as Report;
    expect(data.samples.ids).toHaveLength(50_000);
    const report = validateReport(data, FILE, 'candidate');
    expect(report.samples.labels).toBe(data.samples.labels);
    expect(report.confusionMatrix).toBe(data.confusionMatrix);
  });
});

describe('validateReport fails closed, naming the file and the field', () => {
  it('on an empty class table, which would otherwise skip every per-class gate', () => {
    const data = plain();
    data.classes = [];
    expect(rejection(data).message).toBe(
      'the baseline report is damaged or was edited by hand: classes must have one entry per entry of classNames (10), got 0',
    );
  });

  it('on renamed or reordered class entries', () => {
    const data = plain();
    data.classes[8].name = 'eight';
    expect(rejection(data).message).toContain('classes[8].name must equal classNames[8] ("8"), got "eight"');
    const swapped = plain();
    [swapped.classes[1], swapped.classes[2]] = [swapped.classes[2], swapped.classes[1]];
    expect(rejection(swapped).message).toContain('classes[1].name must equal classNames[1] ("1"), got "2"');
  });

  it('on a recall that is not a number in [0, 1] or null', () => {
    const data = plain();
    data.classes[3].recall = 'x';
    expect(rejection(data).message).toContain(
      'classes[3].recall must be a number between 0 and 1 or null, got "x"',
    );
    const above = plain();
    above.classes[3].recall = 1.5;
    expect(rejection(above).message).toContain(
      'classes[3].recall must be a number between 0 and 1 or null, got 1.5',
    );
  });

  it('on a class with test samples but no recall or marked not evaluable, which would skip its gate', () => {
    const data = plain();
    data.classes[8].recall = null;
    expect(rejection(data).message).toContain(
      'classes[8].recall must be a number for a class with support 54, got null',
    );
    const hidden = plain();
    hidden.classes[8].evaluable = false;
    expect(rejection(hidden).message).toContain(
      'classes[8].evaluable must be true for a class with support 54, got false',
    );
  });

  it('on missing identity and environment, which used to crash the renderer', () => {
    const data = plain();
    delete data.environment;
    delete data.model;
    const message = rejection(data).message;
    expect(message).toContain('model must be an object, got nothing (the field is missing)');
    expect(message).toContain('environment must be an object, got nothing (the field is missing)');
    const version = plain();
    delete version.tool.version;
    expect(rejection(version).message).toContain('tool.version must be a string, got nothing');
  });

  it('on wrongly typed identity fields', () => {
    const data = plain();
    data.model.size = '<img src=x>';
    data.model.sha256 = 42;
    data.testSet.locked = 'yes';
    data.testSet.size = -1;
    data.environment.onnxruntime = 1.3;
    const message = rejection(data).message;
    expect(message).toContain('model.sha256 must be a string, got 42');
    expect(message).toContain('model.size must be an integer >= 0, got "<img src=x>"');
    expect(message).toContain('testSet.locked must be true or false, got "yes"');
    expect(message).toContain('testSet.size must be an integer >= 0, got -1');
    expect(message).toContain('environment.onnxruntime must be a string, got 1.3');
  });

  it('on class names that are not strings, or repeated', () => {
    const data = plain();
    data.classNames[2] = 2;
    expect(rejection(data).message).toContain('classNames[2] must be a string, got 2');
    const twice = plain();
    twice.classNames[9] = '8';
    twice.classes[9].name = '8';
    expect(rejection(twice).message).toContain('classNames[9] repeats the class name "8"');
  });

  it('on headline metrics that are not numbers or null', () => {
    const data = plain();
    data.metrics.accuracy = '97%';
    data.metrics.cohenKappa = 3;
    data.metrics.topK = { k: 'five', accuracy: 1 };
    const message = rejection(data).message;
    expect(message).toContain('metrics.accuracy must be a number between 0 and 1 or null, got "97%"');
    expect(message).toContain('metrics.topK.k must be an integer >= 1, got "five"');
    expect(message).toContain('metrics.cohenKappa must be a number between -1 and 1 or null, got 3');
  });

  it('on a confusion matrix that is not C x C counts agreeing with the class table', () => {
    const short = plain();
    short.confusionMatrix.pop();
    expect(rejection(short).message).toContain(
      'confusionMatrix must be an array of 10 rows (one per class), got an array of 9',
    );
    const negative = plain();
    negative.confusionMatrix[2][5] = -1;
    expect(rejection(negative).message).toContain('confusionMatrix[2][5] must be an integer >= 0, got -1');
    const edited = plain();
    edited.confusionMatrix[8][8] = 54;
    expect(rejection(edited).message).toContain('confusionMatrix[8] must sum to classes[8].support (54)');
  });

  it('on per-sample records of unequal length or with bad entries', () => {
    const data = plain();
    data.samples.predictions.pop();
    expect(rejection(data).message).toContain(
      'samples.predictions must have one entry per sample id (540), got 539',
    );
    const label = plain();
    label.samples.labels[7] = 1.5;
    expect(rejection(label).message).toContain(
      'samples.labels[7] must be a class index from 0 to 9, got 1.5',
    );
    const id = plain();
    id.samples.ids[3] = null;
    expect(rejection(id).message).toContain('samples.ids[3] must be a string, got null');
  });

  it('on a document that is not a report, before looking at fields', () => {
    expect(rejection([]).message).toBe('the baseline report is not a JSON object');
    expect(rejection({ schema: 'other/v1' }).message).toContain('has schema "other/v1"');
  });

  it('names a few problems and counts the rest', () => {
    const data = plain();
    for (const cls of data.classes) cls.f1 = 'high';
    const message = rejection(data).message;
    expect(message).toContain('classes[4].f1 must be');
    expect(message).not.toContain('classes[5].f1');
    expect(message).toMatch(/; and 5 more problems$/);
  });
});

describe('readReport', () => {
  it('applies the same validation to candidate reports, naming the file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'evalgate-report-'));
    const file = path.join(dir, 'candidate.json');
    const data = plain();
    data.classes[0].recall = 'x';
    writeFileSync(file, JSON.stringify(data));
    await expect(readReport(file, 'candidate')).rejects.toMatchObject({
      exitCode: 2,
      where: file,
      message: expect.stringContaining(
        'the candidate report is damaged or was edited by hand: classes[0].recall',
      ),
    });
    writeFileSync(file, JSON.stringify(plain()));
    expect((await readReport(file, 'candidate')).classNames).toEqual(DIGITS);
  });
});
