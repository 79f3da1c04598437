/**
 * The one schema of the report document (`evalgate.report/v1`). It validates reports when they
 * are read (src/report/reportFile.ts), every report type is inferred from it (src/report/types.ts
 * re-exports them), and it yields `schema/evalgate.report.schema.json` (`npm run schema`), as
 * src/config/schema.ts does for the config.
 *
 * What is checked, and how, is part of the contract:
 * - Fields that comparison, gates and rendering rely on are checked leaf by leaf with one
 *   plain-language requirement each ("must be an integer >= 0"); the value found is added when the
 *   message is made.
 * - Relations between fields (class table vs class names, confusion matrix vs class table,
 *   intervals vs their counts, calibration and cost vs their states) and the large per-sample
 *   columns are checked by the root refinement (`reportConsistency`), once every leaf is right. The
 *   large arrays are walked with plain loops: a report may hold 50,000 samples or more, and
 *   nothing is copied. Their shapes are still declared here (`checkedBelow`), so that their types
 *   and JSON Schema come from this file.
 * - Fields no reader relies on (slices, timing, most settings, tensor metadata) are declared for
 *   their types and JSON Schema but not enforced (`carried`): reports written by earlier v1
 *   versions may lack some of them, and refusing such a baseline would break comparisons that do
 *   not read them. They are carried as written.
 *
 * Metric shapes (ClassMetrics, Metrics, CalibrationReport, CostSummary) are the metrics stage's
 * output contract and stay declared in src/metrics/types.ts: metrics sits below report in the
 * layers and cannot import this file, and a zod schema there would make the metrics stage own the
 * rules for reading old reports. Instead each shape here is asserted, at compile time, to be the
 * same type as the metrics (or runtime, dataset, stats) declaration it mirrors (`Same` below), so
 * the two cannot drift: changing a field on one side without the other fails `tsc`.
 */
import { z } from 'zod';
import type { ModelDescription } from '../artifacts/modelIdentity.js';
import type { TestSetFormat } from '../dataset/types.js';
import type {
  CalibrationReport,
  CalibrationStateJSON,
  ClassMetrics,
  CostSummary,
  Metrics,
} from '../metrics/types.js';
import type { ExecutionProvider, OutputKind, TensorInfo } from '../runtime/types.js';
import type { Interval } from '../stats/types.js';
import { reportConsistency } from './reportConsistency.js';
import { isCount, isRate } from '../shared/valueChecks.js';

export const REPORT_SCHEMA = 'evalgate.report/v1';

// ---------------------------------------------------------------------------------------------
// Leaves: one requirement each, and the JSON Schema they stand for.

type JsonSchemaFragment = Record<string, unknown>;

/**
 * A field with one plain-language requirement ("must be ..."). Built on `z.custom` so that every
 * failure of a field gives exactly that one message (zod's own checks would add one issue per
 * failed check); `json` is what the field is in the JSON Schema.
 */
function field<T>(test: (value: unknown) => boolean, requirement: string, json: JsonSchemaFragment) {
  return z.custom<T>(test, { error: requirement }).meta(json);
}

function isInterval(value: unknown): value is Interval {
  if (value === null || typeof value !== 'object') return false;
  const { low, high } = value as Record<string, unknown>;
  return isRate(low) && isRate(high) && low <= high;
}

const text = field<string>((v) => typeof v === 'string', 'must be a string', { type: 'string' });
const count = field<number>(isCount, 'must be an integer >= 0', { type: 'integer', minimum: 0 });
const flag = field<boolean>((v) => typeof v === 'boolean', 'must be true or false', {
  type: 'boolean',
});
const rateOrNull = field<number | null>(
  (v) => v === null || isRate(v),
  'must be a number between 0 and 1 or null',
  { type: ['number', 'null'], minimum: 0, maximum: 1 },
);
/** MCC and Cohen's kappa lie in [-1, 1] (kappa's lower bound is -1 for any confusion matrix). */
const correlationOrNull = field<number | null>(
  (v) => v === null || (typeof v === 'number' && v >= -1 && v <= 1),
  'must be a number between -1 and 1 or null',
  { type: ['number', 'null'], minimum: -1, maximum: 1 },
);
const INTERVAL_JSON = {
  type: 'object',
  properties: {
    low: { type: 'number', minimum: 0, maximum: 1 },
    high: { type: 'number', minimum: 0, maximum: 1 },
  },
  required: ['low', 'high'],
};
/** A Wilson interval: optional (older reports have none), else null or bounds 0 <= low <= high <= 1. */
const intervalField = field<Interval | null>(
  (v) => v === null || isInterval(v),
  'must be null or an interval {low, high} with 0 <= low <= high <= 1',
  { anyOf: [INTERVAL_JSON, { type: 'null' }] },
).optional();

function object<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object(shape, { error: 'must be an object' });
}

/**
 * Declared schemas that `checkedBelow` and `carried` stand for: the JSON Schema is made from
 * them (see `reportJsonSchema`).
 */
const DECLARED = new WeakMap<z.ZodType, z.ZodType>();

/**
 * A part the builder always writes but that some earlier v1 reports lack: checked when present,
 * typed as present (its readers guard against its absence, as `settings?.seed` in compare/gates).
 */
function presentSinceV1<S extends z.ZodType>(schema: S) {
  return schema.optional().transform((value) => value as z.output<S>);
}

/**
 * A part whose type and JSON Schema are `schema`'s, accepted as it is by the field pass (even when
 * absent, as zod's objects would otherwise refuse a missing key) and checked by the root refinement
 * (`reportConsistency`) against the rest of the report, with plain loops over its large arrays.
 */
function checkedBelow<S extends z.ZodType>(schema: S) {
  const part = z.custom<z.output<S>>(() => true);
  DECLARED.set(part, schema);
  return presentSinceV1(part);
}

/** A part no reader relies on: typed and documented by `schema`, carried as written (see the module comment). */
function carried<S extends z.ZodType>(schema: S) {
  return checkedBelow(schema);
}

// ---------------------------------------------------------------------------------------------
// Contracts of lower stages, mirrored (see `Same` at the end of the file).

const intervalSchema = z.object({ low: z.number(), high: z.number() });

const tensorInfoSchema = z.object({
  name: z.string(),
  isTensor: z.boolean(),
  /** ONNX element type ('float32', 'float16', 'int64', ...); null for non-tensor values. */
  type: z.string().nullable(),
  /** Dimensions; symbolic or unknown dimensions are strings (e.g. 'batch'). */
  shape: z.array(z.union([z.number(), z.string()])),
});

const outputKindSchema = z.enum(['logits', 'probabilities', 'log-probabilities']);
const executionProviderSchema = z.enum(['cpu', 'cuda']);
const testSetFormatSchema = z.enum(['image-folder', 'manifest', 'arrays']);

// ---------------------------------------------------------------------------------------------
// Metrics.

export const classMetricsSchema = object({
  name: text,
  /** Test samples of this class (TP + FN). */
  support: count,
  /** Samples predicted as this class (TP + FP). */
  predicted: count,
  truePositives: count,
  precision: rateOrNull,
  recall: rateOrNull,
  f1: rateOrNull,
  evaluable: flag,
  /** Wilson interval of the recall; absent in reports written before intervals. */
  recallInterval: intervalField,
  precisionInterval: intervalField,
});

/** Headline figures (no per-class table, no matrix: those are top-level in the report). */
export const headlineMetricsSchema = object({
  samples: count,
  accuracy: rateOrNull,
  accuracyInterval: intervalField,
  topK: z
    .object(
      {
        k: field<number>((v) => isCount(v) && v >= 1, 'must be an integer >= 1', {
          type: 'integer',
          minimum: 1,
        }),
        accuracy: rateOrNull,
      },
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
});

/** rows = true class, columns = predicted class, class-list order. */
const countMatrixSchema = z.array(z.array(z.int().min(0)));

const calibrationSumsSchema = z.object({
  count: z.array(z.number()),
  confidenceSum: z.array(z.number()),
  correct: z.array(z.number()),
});

/** The mergeable calibration state as stored (checked by the metrics stage's calibrationStateProblem). */
export const calibrationStateSchema = z.object({
  numClasses: z.int().min(1),
  count: z.int().min(0),
  bins: calibrationSumsSchema,
  grid: calibrationSumsSchema.extend({ id: z.string() }),
  brierSum: z.number(),
  nllSum: z.number(),
});

/** The report's `calibration`: figures recomputed from `state` by the metrics code when read. */
export const calibrationReportSchema = z.object({
  ece: z.number().nullable(),
  mce: z.number().nullable(),
  adaptiveEce: z.number().nullable(),
  brier: z.number().nullable(),
  nll: z.number().nullable(),
  state: calibrationStateSchema,
});

/** Expected misclassification cost; its sums are recomputed by the metrics code when read. */
export const costSummarySchema = z.object({
  unit: z.string().optional(),
  matrix: z.array(z.array(z.number())),
  expected: z.number().nullable(),
  interval: intervalSchema.nullable(),
  sum: z.number(),
  sumOfSquares: z.number(),
  samples: z.int().min(0),
});

// ---------------------------------------------------------------------------------------------
// The report's own parts.

export const modelIdentitySchema = object({
  /** Where it came from: a path relative to the config, or the URL. */
  source: text,
  sha256: text,
  /** Bytes of the .onnx file plus its external-data files. */
  size: count,
  /** Elements of all initializers; null when the file could not be parsed. */
  parameterCount: field<number | null>((v) => v === null || isCount(v), 'must be an integer >= 0 or null', {
    type: ['integer', 'null'],
    minimum: 0,
  }),
  /** External-data files the weights live in (sha256 is of the .onnx file alone). */
  externalData: carried(z.array(z.object({ path: z.string(), sha256: z.string(), size: z.int().min(0) }))),
  inputs: carried(z.array(tensorInfoSchema)),
  outputs: carried(z.array(tensorInfoSchema)),
  /** The input fed and the output read. */
  input: carried(z.string()),
  output: carried(z.string()),
  outputKind: carried(outputKindSchema),
});

export const testSetIdentitySchema = object({
  /** `sha256:<hex>` root digest over the sorted lock entries; equal digests = the same data. */
  digest: text,
  /** false when the config says `lock: none`: the data was hashed but not checked against a lock. */
  locked: flag,
  format: carried(testSetFormatSchema),
  source: text,
  /** Number of samples. */
  size: count,
  /** Class name -> samples. */
  support: carried(z.record(z.string(), z.int().min(0))),
});

/** Metrics per value of each manifest slice column. */
export const sliceReportSchema = z.object({
  column: z.string(),
  value: z.string(),
  samples: z.int().min(0),
  metrics: headlineMetricsSchema,
  classes: z.array(classMetricsSchema),
});

/**
 * One stress cell: the stressed samples under one perturbation at one severity, evaluated by the
 * same EvalState code as the clean run (docs/stress.md).
 */
export const stressCellSchema = z.object({
  /** Perturbation name as in src/modalities/image/perturbations/registry.ts ('gaussian_noise'). */
  perturbation: z.string(),
  family: z.string(),
  severity: z.int().min(1).max(5),
  /** The parameters the severity meant for this test set's image size (perturbation.parameters()). */
  parameters: z.record(z.string(), z.unknown()),
  samples: z.int().min(0),
  /**
   * Stressed samples whose 8-bit pixels the perturbation left exactly as they were (a blur too
   * small for the image, say): when it is every sample, the cell's figures are the clean ones.
   */
  unchanged: z.int().min(0),
  metrics: headlineMetricsSchema,
  classes: z.array(classMetricsSchema),
  /** Predicted class of each stressed sample, aligned with `stress.sampleIndices`. */
  predictions: z.array(z.int().min(0)),
});

/** The stress section: which samples were stressed, how they were seeded, and every cell. */
export const stressReportSchema = z.object({
  /** The run seed; each image's draws are seeded from (seed, sample id, perturbation, severity). */
  seed: z.int(),
  /** 'all' samples, or a seeded subset stratified by class (`stress.samples`). */
  subset: z.enum(['all', 'stratified']),
  /** Indices into `samples.ids` of the stressed samples, ascending. */
  sampleIndices: z.array(z.int().min(0)),
  cells: z.array(stressCellSchema),
});

export const environmentSchema = object({
  os: text,
  arch: text,
  cpu: text,
  cpuCount: carried(z.int().min(0)),
  node: text,
  onnxruntime: text,
  /** Checked as a string: a report from a later evalgate may name a provider this one lacks. */
  executionProvider: field<ExecutionProvider>((v) => typeof v === 'string', 'must be a string', {
    type: 'string',
  }),
});

export const runSettingsSchema = object({
  batchSize: carried(z.int().min(1)),
  /** Worker threads that decoded the test set (0: decoded on the main thread). */
  decodeWorkers: carried(z.int().min(0)),
  /** onnxruntime's intra-op threads, or null for its default. */
  intraOpThreads: carried(z.int().min(1).nullable()),
  seed: carried(z.int()),
  topK: carried(z.int().min(0)),
  /** Level of every interval in the report (`statistics.confidence`); absent in older reports. */
  confidence: field<number>(
    (v) => typeof v === 'number' && v > 0 && v < 1,
    'must be a number between 0 and 1 (exclusive)',
    { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
  ).optional(),
  preprocess: carried(z.record(z.string(), z.unknown())),
});

/**
 * The range of the input values over the whole test set: as decoded (`rawMin`/`rawMax`, after
 * colour conversion and before scale, mean and std) and as fed to the model (`min`/`max`), with the
 * raw values' type and whether the scale was configured or the type's default (docs/report.md).
 */
export const inputRangeSchema = z.object({
  /** 'uint8' for PNG/JPEG images; the NumPy dtype of an array test set's x. */
  valueType: z.string(),
  /** `config`: preprocess.scale was set; `default`: the scale of `valueType` (docs/config.md). */
  scaleSource: z.enum(['config', 'default']),
  rawMin: z.number(),
  rawMax: z.number(),
  min: z.number(),
  max: z.number(),
});

/** Compact per-sample records, columnar, for sample-by-sample comparison by a later run. */
export const sampleRecordsSchema = z.object({
  ids: z.array(z.string()),
  /** Class indices. */
  labels: z.array(z.int().min(0)),
  predictions: z.array(z.int().min(0)),
  /** Probability of the predicted class, rounded to 6 decimals to keep reports small. */
  confidences: z.array(z.number().min(0).max(1)),
  /**
   * Each sample's value of every slice column (the manifest's extra columns), aligned with `ids`:
   * column -> one value per sample ('' where the manifest left it empty). Lets a later run test a
   * slice sample by sample. Absent in reports written before it, and for test sets without slices.
   */
  slices: z.record(z.string(), z.array(z.string())).optional(),
});

/** The report's fields; `reportSchema` adds the checks that relate them. */
const reportShape = object({
  schema: z.literal(REPORT_SCHEMA, { error: `must be "${REPORT_SCHEMA}"` }),
  tool: object({ name: carried(z.literal('evalgate')), version: text }),
  /** ISO 8601 time the evaluation finished. */
  createdAt: text,
  task: carried(z.literal('image-classification')),
  model: modelIdentitySchema,
  testSet: testSetIdentitySchema,
  /** Class names in model-output order. */
  classNames: z.array(text, { error: 'must be an array of class names' }),
  metrics: headlineMetricsSchema,
  classes: z.array(classMetricsSchema, { error: 'must be an array with one entry per class' }),
  /** rows = true class, columns = predicted class. */
  confusionMatrix: checkedBelow(countMatrixSchema),
  slices: carried(z.array(sliceReportSchema)),
  /** Present when the run had a stress suite (`stress:` in evalgate.yml). */
  stress: stressReportSchema.optional(),
  /**
   * Calibration of the top-1 confidence (ECE, MCE, adaptive ECE, Brier, NLL) with the mergeable
   * state it was computed from. Absent in reports written before evalgate computed it.
   */
  calibration: checkedBelow(calibrationReportSchema).optional(),
  /** Expected misclassification cost; present only when `costs.matrix` is configured. */
  cost: checkedBelow(costSummarySchema).optional(),
  environment: environmentSchema,
  settings: presentSinceV1(runSettingsSchema),
  /** The input values' range; absent in reports written before evalgate recorded it. */
  inputRange: carried(inputRangeSchema).optional(),
  samples: checkedBelow(sampleRecordsSchema),
  timing: carried(
    z.object({
      totalSeconds: z.number(),
      inferenceSeconds: z.number(),
      samplesPerSecond: z.number(),
    }),
  ),
  /** Things a reader should know (unlocked test set, probability-looking logits, ...). */
  warnings: z.array(text, { error: 'must be an array of strings' }),
});

export type Report = z.output<typeof reportShape>;

/** The report schema: its fields, then (once every field is right) their consistency. */
export const reportSchema = reportShape.superRefine(reportConsistency);

// ---------------------------------------------------------------------------------------------
// Inferred types (re-exported by src/report/types.ts).

export type ModelIdentity = z.output<typeof modelIdentitySchema>;
export type TestSetIdentity = z.output<typeof testSetIdentitySchema>;
export type SliceReport = z.output<typeof sliceReportSchema>;
export type StressCellReport = z.output<typeof stressCellSchema>;
export type StressReport = z.output<typeof stressReportSchema>;
export type Environment = z.output<typeof environmentSchema>;
export type RunSettings = z.output<typeof runSettingsSchema>;
export type SampleRecords = z.output<typeof sampleRecordsSchema>;
export type InputRange = z.output<typeof inputRangeSchema>;
/** The report's headline figures: the metrics stage's `Metrics` without the table and matrix. */
export type HeadlineMetrics = z.output<typeof headlineMetricsSchema>;

/** The report's JSON Schema (draft 2020-12), as `npm run schema` writes it. */
export function reportJsonSchema(): Record<string, unknown> {
  const options: Parameters<typeof z.toJSONSchema>[1] = {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const declared = DECLARED.get(ctx.zodSchema as unknown as z.ZodType);
      if (declared === undefined) return;
      const { $schema: _, ...json } = z.toJSONSchema(declared, options);
      Object.assign(ctx.jsonSchema, json);
    },
  };
  return {
    ...z.toJSONSchema(reportSchema, options),
    title: 'evalgate report',
    description: `A report written by evalgate (${REPORT_SCHEMA}): one run's result, and the baseline format.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Drift guards: each mirrored shape must be exactly the type its owner declares.

/** True when X and Y are the same type (not merely assignable either way). */
type Equals<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
/** Flattens intersections and mapped types so that `Equals` compares members, not spellings. */
type Flat<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]: Flat<T[K]> } : T;
type Same<X, Y> = Equals<Flat<X>, Flat<Y>>;
type Assert<T extends true> = T;

export type ReportContractGuards = [
  Assert<Same<z.output<typeof classMetricsSchema>, ClassMetrics>>,
  Assert<Same<HeadlineMetrics, Omit<Metrics, 'classes' | 'confusionMatrix'>>>,
  Assert<Same<Report['classes'], Metrics['classes']>>,
  Assert<Same<Report['confusionMatrix'], Metrics['confusionMatrix']>>,
  Assert<Same<z.output<typeof calibrationStateSchema>, CalibrationStateJSON>>,
  Assert<Same<z.output<typeof calibrationReportSchema>, CalibrationReport>>,
  Assert<Same<z.output<typeof costSummarySchema>, CostSummary>>,
  Assert<Same<z.output<typeof intervalSchema>, Interval>>,
  Assert<Same<z.output<typeof tensorInfoSchema>, TensorInfo>>,
  Assert<Same<z.output<typeof outputKindSchema>, OutputKind>>,
  Assert<Same<z.output<typeof executionProviderSchema>, ExecutionProvider>>,
  Assert<Same<z.output<typeof testSetFormatSchema>, TestSetFormat>>,
  Assert<Same<ModelIdentity, ModelDescription>>,
];
