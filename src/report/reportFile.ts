/**
 * Reading report JSON. It validates every field that comparison, gates and
 * rendering rely on, and fails closed: a damaged or hand-edited baseline whose class list, recalls
 * or identity are wrong must stop the run with a message naming the field (exit 2), never disable
 * a gate silently or crash later.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { REPORT_SCHEMA, type Report } from './types.js';

/** Reads a report; `role` names it in messages ('baseline', 'candidate'). */
export async function readReport(file: string, role: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read the ${role} report: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        where: file,
        hint:
          role === 'baseline'
            ? 'create one with `evalgate run --out <dir>` on the model you ship, or drop --baseline to set the first baseline'
            : undefined,
      },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`the ${role} report is not valid JSON: ${(error as Error).message}`, {
      where: file,
    });
  }
  return validateReport(data, file, role);
}

const REGENERATE =
  'the file may be truncated or hand-edited; regenerate it with `evalgate run` (for a baseline: on the model you ship)';

/** Problems named in one message; the rest are counted. */
const MAX_LISTED_PROBLEMS = 5;

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isRate(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1;
}

/**
 * A field check with the requirement as its message ("must be ..."); the value found is added
 * when the message is made. Built on `z.custom` so every field gets one plain-language message.
 */
function field<T>(test: (value: unknown) => boolean, requirement: string) {
  return z.custom<T>(test, { error: requirement });
}

const text = field<string>((v) => typeof v === 'string', 'must be a string');
const count = field<number>(isCount, 'must be an integer >= 0');
const flag = field<boolean>((v) => typeof v === 'boolean', 'must be true or false');
const rateOrNull = field<number | null>(
  (v) => v === null || isRate(v),
  'must be a number between 0 and 1 or null',
);
/** MCC and Cohen's kappa lie in [-1, 1] (kappa's lower bound is -1 for any confusion matrix). */
const correlationOrNull = field<number | null>(
  (v) => v === null || (typeof v === 'number' && v >= -1 && v <= 1),
  'must be a number between -1 and 1 or null',
);

function object<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object(shape, { error: 'must be an object' });
}

const CLASS_SHAPE = object({
  name: text,
  support: count,
  predicted: count,
  truePositives: count,
  precision: rateOrNull,
  recall: rateOrNull,
  f1: rateOrNull,
  evaluable: flag,
});

/**
 * What readers rely on, except the large arrays (confusionMatrix, samples), which are checked with
 * plain loops below. Only used to check: the parsed copy is discarded and the original returned,
 * so fields not listed here (slices, settings, timing) are carried as they are.
 */
const REPORT_SHAPE = object({
  tool: object({ version: text }),
  createdAt: text,
  model: object({
    source: text,
    sha256: text,
    size: count,
    parameterCount: field<number | null>((v) => v === null || isCount(v), 'must be an integer >= 0 or null'),
  }),
  testSet: object({ digest: text, locked: flag, source: text, size: count }),
  classNames: z.array(text, { error: 'must be an array of class names' }),
  metrics: object({
    samples: count,
    accuracy: rateOrNull,
    topK: z
      .object(
        { k: field<number>((v) => isCount(v) && v >= 1, 'must be an integer >= 1'), accuracy: rateOrNull },
        { error: 'must be null or an object with k and accuracy' },
      )
      .nullable(),
    macroPrecision: rateOrNull,
    macroRecall: rateOrNull,
    macroF1: rateOrNull,
    weightedPrecision: rateOrNull,
    weightedRecall: rateOrNull,
    weightedF1: rateOrNull,
    balancedAccuracy: rateOrNull,
    matthewsCorrelation: correlationOrNull,
    cohenKappa: correlationOrNull,
  }),
  classes: z.array(CLASS_SHAPE, { error: 'must be an array with one entry per class' }),
  environment: object({
    os: text,
    arch: text,
    cpu: text,
    node: text,
    onnxruntime: text,
    executionProvider: text,
  }),
  warnings: z.array(text, { error: 'must be an array of strings' }),
});

/** `classes[3].recall`, `testSet.digest`. */
function fieldPath(pathParts: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of pathParts) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? 'the document' : out;
}

function valueAt(data: unknown, pathParts: ReadonlyArray<PropertyKey>): unknown {
  let value = data;
  for (const part of pathParts) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** The value found, short: `"x"`, `-1`, `null`, `an array`. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 59)}…` : json;
}

function problem(pathParts: ReadonlyArray<PropertyKey>, requirement: string, value: unknown): string {
  return `${fieldPath(pathParts)} ${requirement}, got ${describeValue(value)}`;
}

/**
 * One entry per class name, in the same order, with figures that agree with each other: a class
 * with test samples must be evaluable with a recall (else its gate would be skipped silently),
 * a class without must not be.
 */
function checkClasses(report: Report, problems: string[]): void {
  const { classNames, classes } = report;
  const seen = new Set<string>();
  for (let i = 0; i < classNames.length; i++) {
    if (seen.has(classNames[i]!)) {
      problems.push(`classNames[${i}] repeats the class name ${describeValue(classNames[i])}`);
    }
    seen.add(classNames[i]!);
  }
  if (classes.length !== classNames.length) {
    problems.push(
      `classes must have one entry per entry of classNames (${classNames.length}), got ${classes.length}`,
    );
    return;
  }
  for (let i = 0; i < classes.length; i++) {
    const cls = classes[i]!;
    const where = `classes[${i}]`;
    if (cls.name !== classNames[i]) {
      problems.push(
        `${where}.name must equal classNames[${i}] (${describeValue(classNames[i])}), got ${describeValue(cls.name)}`,
      );
    }
    const hasSamples = cls.support > 0;
    if (cls.evaluable !== hasSamples) {
      problems.push(
        `${where}.evaluable must be ${hasSamples} for a class with support ${cls.support}, got ${cls.evaluable}`,
      );
    }
    if (hasSamples === (cls.recall === null)) {
      problems.push(
        `${where}.recall must be ${hasSamples ? 'a number' : 'null'} for a class with support ${cls.support}, got ${describeValue(cls.recall)}`,
      );
    }
    if (cls.truePositives > cls.support || cls.truePositives > cls.predicted) {
      problems.push(
        `${where}.truePositives must be at most support (${cls.support}) and predicted (${cls.predicted}), got ${cls.truePositives}`,
      );
    }
  }
}

/** C x C counts whose rows sum to each class's support and whose diagonal is its true positives. */
function checkConfusionMatrix(report: Report, problems: string[]): void {
  const matrix: unknown = report.confusionMatrix;
  const n = report.classNames.length;
  if (!Array.isArray(matrix) || matrix.length !== n) {
    problems.push(
      `confusionMatrix must be an array of ${n} rows (one per class), got ${describeValue(matrix)}`,
    );
    return;
  }
  for (let i = 0; i < n; i++) {
    const row: unknown = matrix[i];
    if (!Array.isArray(row) || row.length !== n) {
      problems.push(`confusionMatrix[${i}] must be an array of ${n} counts, got ${describeValue(row)}`);
      return;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const cell: unknown = row[j];
      if (!isCount(cell)) {
        problems.push(`confusionMatrix[${i}][${j}] must be an integer >= 0, got ${describeValue(cell)}`);
        return;
      }
      sum += cell;
    }
    const cls = report.classes[i]!;
    if (sum !== cls.support || row[i] !== cls.truePositives) {
      problems.push(
        `confusionMatrix[${i}] must sum to classes[${i}].support (${cls.support}) with ` +
          `classes[${i}].truePositives (${cls.truePositives}) on the diagonal, got sum ${sum} and ${row[i]}`,
      );
      return;
    }
  }
}

/**
 * Per-sample records, when present: four columns of equal length. Checked with plain loops: a
 * report may hold 50,000 samples or more, and nothing here copies them.
 */
function checkSamples(report: Report, problems: string[]): void {
  const samples: unknown = (report as { samples?: unknown }).samples;
  if (samples === undefined) return;
  if (samples === null || typeof samples !== 'object' || Array.isArray(samples)) {
    problems.push(`samples must be an object of per-sample columns, got ${describeValue(samples)}`);
    return;
  }
  const { ids, labels, predictions, confidences } = samples as Record<string, unknown>;
  const columns = { ids, labels, predictions, confidences };
  for (const [name, column] of Object.entries(columns)) {
    if (!Array.isArray(column)) {
      problems.push(`samples.${name} must be an array, got ${describeValue(column)}`);
      return;
    }
  }
  const n = (ids as unknown[]).length;
  for (const [name, column] of Object.entries(columns)) {
    if ((column as unknown[]).length !== n) {
      problems.push(
        `samples.${name} must have one entry per sample id (${n}), got ${(column as unknown[]).length}`,
      );
      return;
    }
  }
  const classes = report.classNames.length;
  const idColumn = ids as unknown[];
  const labelColumn = labels as unknown[];
  const predictionColumn = predictions as unknown[];
  const confidenceColumn = confidences as unknown[];
  for (let i = 0; i < n; i++) {
    const id = idColumn[i];
    if (typeof id !== 'string') {
      problems.push(`samples.ids[${i}] must be a string, got ${describeValue(id)}`);
      return;
    }
    const label = labelColumn[i];
    if (!isCount(label) || label >= classes) {
      problems.push(
        `samples.labels[${i}] must be a class index from 0 to ${classes - 1}, got ${describeValue(label)}`,
      );
      return;
    }
    const prediction = predictionColumn[i];
    if (!isCount(prediction) || prediction >= classes) {
      problems.push(
        `samples.predictions[${i}] must be a class index from 0 to ${classes - 1}, got ${describeValue(prediction)}`,
      );
      return;
    }
    if (!isRate(confidenceColumn[i])) {
      problems.push(
        `samples.confidences[${i}] must be a number between 0 and 1, got ${describeValue(confidenceColumn[i])}`,
      );
      return;
    }
  }
}
/** Checks the fields that comparison and rendering rely on; anything else is carried as it is. */
export function validateReport(data: unknown, file: string, role: string): Report {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(`the ${role} report is not a JSON object`, { where: file, hint: REGENERATE });
  }
  const schema = (data as { schema?: unknown }).schema;
  if (schema !== REPORT_SCHEMA) {
    throw new InputError(
      `the ${role} report has schema ${JSON.stringify(schema ?? null)}, expected "${REPORT_SCHEMA}"`,
      { where: file, hint: 'pass a report.json written by `evalgate run`' },
    );
  }
  const problems: string[] = [];
  const parsed = REPORT_SHAPE.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(problem(issue.path, issue.message, valueAt(data, issue.path)));
    }
  } else {
    // The shape is right: now the checks that relate fields to each other, and the large arrays.
    const report = data as Report;
    checkClasses(report, problems);
    if (problems.length === 0) checkConfusionMatrix(report, problems);
    checkSamples(report, problems);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_LISTED_PROBLEMS);
    const rest = problems.length - shown.length;
    throw new InputError(
      `the ${role} report is damaged or was edited by hand: ${shown.join('; ')}` +
        (rest > 0 ? `; and ${rest} more ${rest === 1 ? 'problem' : 'problems'}` : ''),
      { where: file, hint: REGENERATE },
    );
  }
  return data as Report;
}
