/**
 * The error for scores that contradict `model.outputs` (convertOutputs finds them): what was
 * declared, the first offending samples with their figures, and the setting the scores fit.
 */
import { InputError } from '../shared/errors.js';
import type { OutputKindMismatch } from './outputProbabilities.js';

export interface OutputKindErrorContext {
  /** The model output that was read. */
  outputName: string;
  /** The sample id of a batch-local row (a test-set id such as `cat/001.png`). */
  sampleId(row: number): string;
}

/** An InputError (exit 2, E_MODEL_OUTPUTS, where `model.outputs`) describing `mismatch`. */
export function outputKindError(mismatch: OutputKindMismatch, context: OutputKindErrorContext): InputError {
  const { declared, rows, size, tolerance } = mismatch;
  const probabilities = declared === 'probabilities';
  const problem = probabilities
    ? `scores outside [0, 1] or rows that do not sum to 1 (within ${tolerance})`
    : `scores above 0 or rows whose exponentials do not sum to 1 (within ${tolerance})`;
  const sumName = probabilities ? 'sum' : 'sum of exp';
  const shown = mismatch.first.map(
    (f) =>
      `${context.sampleId(f.row)} (min ${figure(f.min)}, max ${figure(f.max)}, ${sumName} ${figure(f.sum, 6)})`,
  );
  const more = rows.length > shown.length ? ` and ${rows.length - shown.length} more` : '';
  return new InputError(
    // `where` names model.outputs (the adapters print it before the message), so the message does not.
    `set to '${declared}', but the output '${context.outputName}' does not hold ${declared}: ` +
      `${rows.length} of the ${size} samples in the first batch that does not fit have ${problem}: ` +
      `${shown.join(', ')}${more}; evaluation stopped there`,
    { code: 'E_MODEL_OUTPUTS', where: 'model.outputs', hint: settingThatFits(mismatch) },
  );
}

function settingThatFits(mismatch: OutputKindMismatch): string {
  switch (mismatch.fits) {
    case 'probabilities':
      return 'the rows look like probabilities (scores in [0, 1], rows summing to 1): set model.outputs: probabilities';
    case 'log-probabilities':
      return 'the rows look like log-probabilities (scores <= 0 whose exponentials sum to 1): set model.outputs: log-probabilities';
    case 'logits':
      return mismatch.unitInterval
        ? 'every score lies in [0, 1] but the rows do not sum to 1: independent (sigmoid) scores are no distribution over the classes; ' +
            'export the model with a softmax output (model.outputs: probabilities), or read its logits (model.outputs: logits)'
        : 'the rows look like logits (unnormalised scores): set model.outputs: logits';
  }
}

/** A score for the message: `digits` significant digits, without trailing zeros. */
function figure(value: number, digits = 4): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(digits))) : String(value);
}
