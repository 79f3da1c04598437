/**
 * The one schema for `evalgate.yml`. It validates configs, drives the "did you mean" suggestions
 * for misspelt keys, and yields `schema/evalgate.schema.json` for editor completion
 * (`npm run schema`). zod was chosen because one declaration gives validation, the TypeScript
 * type and the JSON Schema (z.toJSONSchema) without a second source of truth.
 */
import { z } from 'zod';
import { DEFAULT_EVIDENCE, DEFAULT_PER_CLASS_RECALL, DEFAULT_STATISTICS } from './defaults.js';

const sha256Hex = z
  .string()
  .regex(/^(sha256:)?[0-9a-fA-F]{64}$/, 'must be a sha256 digest: 64 hexadecimal characters');

const positiveInt = z.number().int().positive();

/** Largest batch-size accepted (config and --batch-size alike). */
export const MAX_BATCH_SIZE = 65536;
const size2d = z
  .union([positiveInt, z.tuple([positiveInt, positiveInt])])
  .describe('Pixels: one number for a square, or [height, width].');
const perChannel = z
  .union([z.number(), z.array(z.number()).min(1).max(4)])
  .describe('One value for every channel, or one per channel.');
const fraction = z.number().min(0).max(1);

export const modelSchema = z
  .strictObject({
    path: z.string().min(1).optional().describe('ONNX file, relative to this config file.'),
    url: z.string().min(1).optional().describe('https URL of the ONNX file; requires sha256.'),
    sha256: sha256Hex.optional().describe('Expected sha256 of the file at url (or path, to pin it).'),
    input: z.string().min(1).optional().describe('Model input to feed, when the model has several.'),
    output: z.string().min(1).optional().describe('Model output to read, when the model has several.'),
    outputs: z
      .enum(['logits', 'probabilities', 'log-probabilities'])
      .default('logits')
      .describe('What the output holds: softmax is applied to logits, exp to log-probabilities.'),
  })
  .describe('The model under evaluation.');

export const testSetSchema = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .optional()
      .describe('Folder (or .npz file) of the test set, relative to this file.'),
    url: z.string().min(1).optional().describe('https URL of a .zip or .npz test set; requires sha256.'),
    sha256: sha256Hex.optional().describe('Expected sha256 of the file at url.'),
    manifest: z
      .string()
      .min(1)
      .optional()
      .describe(
        'CSV or JSONL with path,label (+ slice columns) inside the test set, relative to this file (a bare name found only in the test-set folder is read there).',
      ),
    lock: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Lock file (default: evalgate.lock.json in the test-set folder, <name>.evalgate.lock.json beside an .npz), or 'none' to run unlocked.",
      ),
  })
  .describe('The locked test set.');

export const preprocessSchema = z
  .strictObject({
    resize: size2d.optional(),
    'center-crop': size2d.optional(),
    color: z.enum(['gray', 'rgb', 'bgr']).default('rgb'),
    scale: z
      .number()
      .positive()
      .optional()
      .describe(
        'Multiplies the raw values before mean and std. Default by data type: 1/255 for 8-bit images (PNG, JPEG, uint8 arrays), 1/65535 for uint16, 1/127 for int8, 1/32767 for int16; 1 (as they are) for float and bool arrays; 32/64-bit integer arrays need it set.',
      ),
    mean: perChannel.default(0),
    std: perChannel.default(1),
    layout: z.enum(['NCHW', 'NHWC', 'flat']).default('NCHW'),
  })
  .describe('How images become model input: resize, crop, colour, scale, normalise, layout.');

/** Evidence settings shared by the gates that compare with a baseline (docs/statistics.md, "How verdicts are reached"). */
const evidenceOptions = {
  significance: z
    .enum(['on', 'off'])
    .default(DEFAULT_EVIDENCE.significance)
    .describe(
      'on: a drop beyond the tolerance fails only when it is statistically significant; off: plain threshold.',
    ),
  alpha: z
    .number()
    .gt(0)
    .lt(1)
    .optional()
    .describe('Significance level of this gate (default statistics.alpha).'),
  'on-unproven': z
    .enum(['warn', 'fail'])
    .default(DEFAULT_EVIDENCE.onUnproven)
    .describe('A drop beyond the tolerance without enough evidence: warn (default) or fail the run.'),
};

const boundGate = (what: string) =>
  z.strictObject({
    min: fraction.optional().describe(`Lowest ${what} allowed.`),
    'max-drop': fraction.optional().describe(`Largest drop of ${what} from the baseline allowed (absolute).`),
    ...evidenceOptions,
  });

/**
 * The gates of one slice column (`gates.slices.<column>`), applied to every value of the column:
 * the whole-set accuracy and per-class-recall shapes, each with its own evidence settings.
 */
const sliceGatesSchema = z
  .strictObject({
    accuracy: boundGate('accuracy in each slice').optional(),
    'per-class-recall': z
      .strictObject({
        'max-drop': fraction.describe(
          'No class recall within a slice may drop by more than this (absolute).',
        ),
        ...evidenceOptions,
      })
      .optional(),
  })
  .describe('Gates applied to every value of this slice column (a manifest column).');

const severity = z.number().int().min(1).max(5);

/** Keys of `gates.stress` that are not perturbation names. */
export const STRESS_GATE_KEYS = ['mean-accuracy', 'per-class-recall', 'flip-rate'] as const;

/**
 * `gates.stress`: the three named gates, and any other key a perturbation name (checked against
 * the perturbation registry when the config is read, and against the run's stress section when the
 * gates are applied).
 */
const stressGatesSchema = z
  .object({
    'mean-accuracy': z
      .strictObject({
        'max-drop': fraction.describe(
          'Largest drop of mean corruption accuracy (noise, blur, weather, digital cells) from the baseline allowed (absolute).',
        ),
        ...evidenceOptions,
      })
      .optional(),
    'per-class-recall': z
      .strictObject({
        'max-drop': fraction.describe(
          "No class recall under a stressed cell may drop below the baseline's same cell by more than this (absolute).",
        ),
        severity: severity.optional().describe('Only cells at or below this severity (default: every cell).'),
        ...evidenceOptions,
      })
      .optional(),
    'flip-rate': z
      .strictObject({
        max: fraction.describe(
          'Largest flip rate allowed per cell: the share of stressed samples whose prediction differs from the clean one.',
        ),
        ...evidenceOptions,
      })
      .optional(),
  })
  .catchall(
    z
      .strictObject({
        severity: severity.describe('The severity (1 to 5) the minimum applies at.'),
        'min-accuracy': fraction.describe(
          'Lowest accuracy allowed under this perturbation at that severity.',
        ),
        ...evidenceOptions,
      })
      .describe('gates.stress.<perturbation>: a minimum accuracy at one severity.'),
  )
  .describe(
    'Robustness gates on the stress suite: <perturbation>: { severity, min-accuracy }, mean-accuracy, per-class-recall, flip-rate.',
  );

export const gatesSchema = z
  .strictObject({
    'per-class-recall': z
      .strictObject({
        'max-drop': fraction
          .default(DEFAULT_PER_CLASS_RECALL.maxDrop)
          .describe('No class recall may drop by more than this (absolute).'),
        'on-missing-class': z
          .enum(['fail', 'warn'])
          .default(DEFAULT_PER_CLASS_RECALL.onMissingClass)
          .describe('A class without test samples cannot be checked: fail the run (default) or warn.'),
        ...evidenceOptions,
      })
      .default({
        'max-drop': DEFAULT_PER_CLASS_RECALL.maxDrop,
        'on-missing-class': DEFAULT_PER_CLASS_RECALL.onMissingClass,
        significance: DEFAULT_EVIDENCE.significance,
        'on-unproven': DEFAULT_EVIDENCE.onUnproven,
      }),
    accuracy: boundGate('accuracy').optional(),
    'macro-f1': boundGate('macro F1').optional(),
    ece: z
      .strictObject({
        max: fraction.optional().describe('Largest expected calibration error allowed (15 bins).'),
        'max-increase': fraction.optional().describe('Largest increase of ECE over the baseline allowed.'),
        ...evidenceOptions,
      })
      .optional(),
    cost: z
      .strictObject({
        max: z
          .number()
          .min(0)
          .optional()
          .describe('Largest expected cost per sample allowed (needs costs.matrix).'),
        'max-increase': z
          .number()
          .min(0)
          .optional()
          .describe('Largest increase of the expected cost per sample over the baseline allowed.'),
        ...evidenceOptions,
      })
      .optional(),
    slices: z
      .record(z.string().min(1), sliceGatesSchema)
      .optional()
      .describe(
        'Gates per slice column of the manifest: slice column -> accuracy and per-class-recall limits, applied to each of its values.',
      ),
    stress: stressGatesSchema.optional(),
  })
  .describe('Thresholds, set before evaluation. Drops are absolute (0.02 = two points).');

export const statisticsSchema = z
  .strictObject({
    confidence: z
      .number()
      .gt(0)
      .lt(1)
      .default(DEFAULT_STATISTICS.confidence)
      .describe('Level of every reported interval.'),
    alpha: z
      .number()
      .gt(0)
      .lt(1)
      .default(DEFAULT_STATISTICS.alpha)
      .describe('Default significance level of the gates.'),
    correction: z
      .enum(['holm', 'benjamini-hochberg', 'none'])
      .default(DEFAULT_STATISTICS.correction)
      .describe(
        'Multiple-comparison correction across classes for the per-class gate, and across every slice × class test of the slice gates (one family).',
      ),
    power: z
      .number()
      .min(0.5)
      .lt(1)
      .default(DEFAULT_STATISTICS.power)
      .describe('Power used for "smallest detectable drop" warnings (0.5 to below 1; usually 0.8 or 0.9).'),
    'min-class-samples': z
      .number()
      .int()
      .min(0)
      .default(DEFAULT_STATISTICS.minClassSamples)
      .describe('Classes with fewer test samples are flagged as too small to judge.'),
  })
  .describe('How intervals and tests are computed.');

export const costsSchema = z
  .strictObject({
    matrix: z
      .array(z.array(z.number().min(0)).min(1))
      .min(1)
      .describe('Cost of each outcome: rows = true class, columns = predicted class, in class-list order.'),
    unit: z.string().min(1).max(20).optional().describe('Unit shown with costs, e.g. USD.'),
  })
  .describe('Optional cost matrix: the expected cost per sample is reported and can be gated.');

/**
 * `stress:` (docs/stress.md, "Config"): the default suite by name, or which perturbations, at
 * which severities, on how many samples. The perturbation names are checked against the registry
 * when the config is resolved (loadConfig.ts), so that a misspelt one gets a suggestion.
 */
export const stressSchema = z
  .union([
    z
      .literal('default')
      .describe('The default suite: every perturbation at severities 1 to 5, on every sample.'),
    z.strictObject({
      perturbations: z
        .union([z.literal('all'), z.array(z.string().min(1)).min(1)])
        .describe("Perturbation names (docs/stress.md lists them), or 'all'.")
        .default('all'),
      severities: z
        .array(z.number().int().min(1).max(5))
        .min(1)
        .default([1, 2, 3, 4, 5])
        .describe('Severities from 1 (mild) to 5 (severe); default all five.'),
      samples: z
        .union([z.literal('all'), positiveInt])
        .describe(
          "'all' test samples, or this many in a seeded subset stratified by class (proportional, at least one per class when possible).",
        )
        .default('all'),
      seed: z
        .number()
        .int()
        .min(0)
        .optional()
        .describe("Seed of the perturbations' draws and of the subset (default: the run's seed)."),
    }),
  ])
  .describe(
    "The stress suite: 'default', or { perturbations, severities, samples, seed }. Each perturbation × severity is evaluated like the clean run.",
  );

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).describe('Config format version.'),
    task: z.literal('image-classification').default('image-classification'),
    model: modelSchema,
    classes: z.array(z.string().min(1)).min(1).optional().describe('Class names in model-output order.'),
    'classes-file': z.string().min(1).optional().describe('Text file with one class name per line.'),
    'test-set': testSetSchema,
    preprocess: preprocessSchema.default({
      color: 'rgb',
      mean: 0,
      std: 1,
      layout: 'NCHW',
    }),
    baseline: z
      .strictObject({
        report: z.string().min(1).optional().describe('Baseline report JSON.'),
        model: z
          .string()
          .min(1)
          .optional()
          .describe("The baseline model (the base branch's), evaluated side by side in the same run."),
      })
      .optional(),
    // Absent sections are their schemas' own defaults, written once (in each schema's fields).
    gates: gatesSchema.default(gatesSchema.parse({})),
    statistics: statisticsSchema.default(statisticsSchema.parse({})),
    costs: costsSchema.optional(),
    'batch-size': positiveInt.max(MAX_BATCH_SIZE).default(32),
    'top-k': positiveInt
      .optional()
      .describe('k for top-k accuracy; default 5 when there are at least 5 classes.'),
    seed: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        'Seed of the Monte Carlo randomization tests and bootstrap intervals behind the macro-F1, ECE and cost gates; recorded in the report.',
      ),
    device: z.enum(['cpu', 'cuda']).default('cpu').describe('onnxruntime execution provider.'),
    stress: stressSchema.optional(),
  })
  .describe('evalgate configuration (evalgate.yml).');

export type RawConfig = z.output<typeof configSchema>;

/** JSON Schema for editors (written to schema/evalgate.schema.json). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'evalgate.yml',
  };
}
