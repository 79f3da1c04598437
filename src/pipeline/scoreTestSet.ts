/**
 * Scoring: runs the model over every batch and feeds the outputs to the evaluation state. The state
 * does the pure work (src/evaluation); this loop owns what needs the runtime and the test set:
 * inference, its timing, naming the samples of non-finite outputs or of outputs that contradict
 * model.outputs, and the warning for probabilities declared as logits.
 */
import type { Batch, TestSet } from '../dataset/types.js';
import { create, mergeInto, update } from '../evaluation/evalState.js';
import type { EvalState } from '../evaluation/types.js';
import { NonFiniteOutputError } from '../runtime/modelSession.js';
import { outputKindError } from '../runtime/outputKindError.js';
import { convertOutputs, rowSumTolerance } from '../runtime/outputProbabilities.js';
import type { ModelSession, OutputKind } from '../runtime/types.js';
import { InputError, InternalError } from '../shared/errors.js';
import { countOf } from '../shared/plural.js';

export interface ScoreTestSetOptions {
  batches: AsyncIterable<Batch>;
  session: ModelSession;
  testSet: TestSet;
  classNames: string[];
  topK: number;
  /** Batch size of the run (the evaluation state sums calibration terms in blocks of it). */
  batchSize: number;
  outputKind: OutputKind;
  /** Warnings for the report; scoring adds to it. */
  warnings: string[];
  /** Clock in milliseconds. */
  now: () => number;
  /** Called after each batch with samples done and total. */
  onProgress?: (done: number, total: number) => void;
}

export interface ScoredTestSet {
  state: EvalState;
  /** Seconds spent in the model's run calls. */
  inferenceSeconds: number;
}

/**
 * Scores every batch into an evaluation state. Batches go into a partial state, which is merged into
 * the running total in place (mergeInto: the reducers that combine shards) once it holds as many
 * samples as the total. The total doubles at each merge, so there are about log2(samples / batch)
 * merges and every record is copied a bounded number of times.
 */
export async function scoreTestSet(options: ScoreTestSetOptions): Promise<ScoredTestSet> {
  const { testSet, session, classNames, outputKind, now } = options;
  const numClasses = classNames.length;
  const total = testSet.samples.length;
  const sliceColumns = testSet.sliceColumns;
  const spec = { classNames, topK: options.topK, samples: total, sliceColumns, sumBlock: options.batchSize };
  const state = create(spec);
  let partial = create(spec);
  let inferenceMs = 0;
  let done = 0;
  let probabilityWarningGiven = false;
  const tolerance = rowSumTolerance(session.output.type);
  for await (const batch of options.batches) {
    const labels = Int32Array.from(batch.indices, (i) => testSet.samples[i].label);
    const inferenceStart = now();
    let raw: Float32Array;
    try {
      raw = await session.runRaw(batch.data, batch.size, batch.sampleShape);
    } catch (error) {
      if (error instanceof NonFiniteOutputError) throw nameNonFiniteSamples(error, batch.indices, testSet);
      throw error;
    }
    inferenceMs += now() - inferenceStart;
    // One pass converts the scores and checks them against model.outputs (exit 2 when they
    // contradict it, naming the samples).
    const converted = convertOutputs(raw, batch.size, numClasses, outputKind, tolerance);
    if (converted.mismatch) {
      throw outputKindError(converted.mismatch, {
        outputName: session.output.name,
        sampleId: (row) => testSet.samples[batch.indices[row]].id,
      });
    }
    // Softmax over probabilities keeps the argmax but flattens the confidences: worth a warning.
    if (!probabilityWarningGiven && converted.looksLikeProbabilities) {
      probabilityWarningGiven = true;
      options.warnings.push(
        `The output '${session.output.name}' looks like probabilities (rows in [0, 1] summing to 1) but model.outputs is 'logits'; set model.outputs: probabilities so that confidences are right.`,
      );
    }
    update(partial, {
      probabilities: converted.probabilities,
      size: batch.size,
      labels,
      indices: batch.indices,
      slices: sliceColumns.length > 0 ? batch.indices.map((i) => testSet.samples[i].slices) : undefined,
      inputs: batch.range,
    });
    if (partial.metrics.count >= state.metrics.count) {
      mergeInto(state, partial);
      partial = create(spec);
    }
    done += batch.size;
    options.onProgress?.(done, total);
  }
  if (done !== total) {
    throw new InternalError(`evaluated ${done} of ${total} samples; some samples were not scored`);
  }
  return { state: mergeInto(state, partial), inferenceSeconds: inferenceMs / 1000 };
}

function nameNonFiniteSamples(error: NonFiniteOutputError, indices: number[], testSet: TestSet): InputError {
  const ids = error.rows.map((row) => testSet.samples[indices[row]].id);
  const shown = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ` and ${ids.length - 10} more` : '');
  return new InputError(
    `the model produced NaN or infinite outputs for ${ids.length} of ${countOf(indices.length, 'sample')} in one batch ` +
      `(${shown}); evaluation stopped at the first such batch`,
    {
      code: 'E_MODEL_OUTPUTS',
      where: 'model',
      hint: 'check the preprocessing (scale, mean, std) against what the model was trained with, and the model export',
    },
  );
}
