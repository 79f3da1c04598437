/**
 * Runs the stress suite after the clean evaluation: for each cell (perturbation × severity) the
 * stressed samples are scored into an evaluation state of their own by the clean run's scoring
 * (the pipeline passes it in as `score`: the same batching, preprocessing, model session and
 * EvalState code), and computed into the report's stress cell. docs/stress.md is the reference.
 */
import type { StressConfig } from '../config/types.js';
import type { TestSet } from '../dataset/types.js';
import type { EvalResult } from '../evaluation/types.js';
import type { ParameterValue } from '../modalities/image/perturbations/types.js';
import type { StressCellReport, StressReport } from '../report/types.js';
import { InputError } from '../shared/errors.js';
import { cleanDecoder, stressedTestSet } from './stressedTestSet.js';
import type { StressTransformSpec } from './stressTransform.js';
import { stressSubset } from './stressSubset.js';
import { type StressCell, stressCells } from './suite.js';

/**
 * One cell as the scorer gets it: `testSet` decodes and perturbs on the calling thread; a scorer
 * with decode workers perturbs `subset` there instead, by `spec`, and reports unchanged images.
 */
export interface StressPass {
  testSet: TestSet;
  /** Test-set positions of the cell's samples (sample k of `testSet` is subset[k]). */
  subset: readonly number[];
  spec: StressTransformSpec;
  /** For a scorer that perturbs elsewhere: how many images of a batch the perturbation left as they were. */
  onUnchanged: (count: number) => void;
}

export interface RunStressInput {
  stress: StressConfig;
  /** The run's (verified) test set. */
  testSet: TestSet;
  numClasses: number;
  /** Scores a cell exactly as the clean run scores its own test set, and computes the state. */
  score: (pass: StressPass) => Promise<EvalResult>;
}

export async function runStress(input: RunStressInput): Promise<StressReport> {
  const { stress, testSet } = input;
  const labels = testSet.samples.map((s) => s.label);
  const { subset, indices } = stressSubset(labels, input.numClasses, stress.samples, stress.seed);
  // The parameters a severity means depend on the image size (docs/stress.md, "Tiny images"): the
  // report shows them for the first stressed image (every image is perturbed at its own size).
  const decodeClean = cleanDecoder(testSet, indices);
  const first = decodeClean(0);
  const size = { width: first.width, height: first.height };
  const cells: StressCellReport[] = [];
  for (const cell of stressCells(stress)) {
    const unchangedHere = new Set<number>();
    let unchangedElsewhere = 0;
    const pass: StressPass = {
      testSet: stressedTestSet(testSet, indices, cell, stress.seed, {
        decodeClean,
        onUnchanged: (k) => unchangedHere.add(k),
      }),
      subset: indices,
      spec: { perturbation: cell.perturbation.name, severity: cell.severity, seed: stress.seed },
      onUnchanged: (count) => {
        unchangedElsewhere += count;
      },
    };
    const result = await scoreCell(input, pass, cell);
    cells.push({
      perturbation: cell.perturbation.name,
      family: cell.perturbation.family,
      severity: cell.severity,
      parameters: plainParameters(cell.perturbation.parameters(cell.severity, size)),
      samples: indices.length,
      unchanged: unchangedHere.size + unchangedElsewhere,
      metrics: result.metrics,
      classes: result.classes,
      predictions: Array.from(result.records.predictions),
    });
  }
  return { seed: stress.seed, subset, sampleIndices: indices, cells };
}

/** Scores one cell; a bad-input error (NaN outputs on a stressed image) says which cell it was. */
async function scoreCell(input: RunStressInput, pass: StressPass, cell: StressCell): Promise<EvalResult> {
  try {
    return await input.score(pass);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(
      `under stress (${cell.perturbation.name} at severity ${cell.severity}): ${error.message}`,
      { code: error.code, where: error.where, hint: error.hint, cause: error },
    );
  }
}

/** Parameters as plain JSON values (a readonly list becomes an array the report can hold). */
function plainParameters(parameters: Record<string, ParameterValue>): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters))
    plain[key] = Array.isArray(value) ? [...value] : value;
  return plain;
}
