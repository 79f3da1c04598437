/**
 * Warnings for input value ranges that cannot be right (docs/config.md, "Test-set formats: data
 * types and value ranges"): the range the whole test set reached the model with, measured while
 * batching, says what a config cannot: that values already in [0, 1] were scaled by 1/255 again,
 * that 8-bit pixels sit in a 16-bit array, that float pixels of 0..255 were fed as they are, or that
 * every input was one constant. Each warning names `preprocess` and says what to set.
 */
import type { ValueRange, ValueType } from './types.js';

const ONE_255 = 1 / 255;

export interface InputRangeContext {
  /** The range over every sample (raw and fed). */
  range: ValueRange;
  /** The scale applied. */
  scale: number;
  /** Whether `preprocess.scale` was set in the config (false: the default for `valueType`). */
  scaleConfigured: boolean;
  /** The raw values' type (absent: decoded images, uint8). */
  valueType?: ValueType;
  /** Set for feature-vector test sets ([N, D] arrays): no pixel semantics. */
  featureLength?: number;
}

/** The warnings the range calls for, in the report's words; none for a plausible range. */
export function inputRangeWarnings(context: InputRangeContext): string[] {
  const { range, scale, scaleConfigured } = context;
  const type = context.valueType ?? 'uint8';
  const { rawMin, rawMax } = range;
  const warnings: string[] = [];
  const raw = `raw values from ${figure(rawMin)} to ${figure(rawMax)}`;
  const fed = `the model saw values from ${figure(range.min)} to ${figure(range.max)}`;
  const scaleText = scaleConfigured
    ? `preprocess.scale is ${scale}${nameOf(scale)}`
    : `preprocess.scale is not set, so it is ${scale}${nameOf(scale)}, the default for ${type} data`;

  if (range.min === range.max) {
    const rawConstant = rawMin === rawMax ? ` (every raw value is ${figure(rawMin)})` : ` (${raw})`;
    warnings.push(
      `preprocess: every value fed to the model was ${figure(range.min)}${rawConstant}: the model saw a constant input, ` +
        'so its figures say nothing about the test set; check preprocess.scale, mean and std, and the test set.',
    );
    return warnings;
  }
  // 8-bit pixels in a 16-bit array: scaled by the 16-bit default they are all below 1/255 too, but
  // the specific warning says more than "scaled twice".
  const narrowInWide =
    !scaleConfigured && (type === 'uint16' || type === 'int16') && rawMin >= 0 && rawMax > 1 && rawMax <= 255;
  const magnitude = Math.max(Math.abs(rawMin), Math.abs(rawMax));
  if (!narrowInWide && scale < 1 && magnitude * scale <= ONE_255 * (1 + 1e-6)) {
    const inUnit = rawMin >= 0 && rawMax <= 1;
    warnings.push(
      inUnit
        ? `preprocess: the test set's values are already in [0, 1] (${raw}), but ${scaleText}: ` +
            `every value was at most 1/255 after scaling (${fed}); remove preprocess.scale or set it to 1.`
        : `preprocess: every value was at most 1/255 after scaling (${raw}; ${scaleText}; ${fed}): ` +
            'the values look scaled twice; set preprocess.scale to what the model was trained with.',
    );
  }
  if (narrowInWide) {
    warnings.push(
      `preprocess: the ${type} values all lie in 0..255 (${raw}), and ${scaleText}: 8-bit pixels in a 16-bit array? ` +
        `If so, set preprocess.scale: ${ONE_255} (1/255) or save x as uint8.`,
    );
  }
  const isFloat = type === 'float16' || type === 'float32' || type === 'float64';
  if (
    !scaleConfigured &&
    isFloat &&
    context.featureLength === undefined &&
    rawMin >= 0 &&
    rawMax > 1 &&
    rawMax <= 255
  ) {
    warnings.push(
      `preprocess: the test set's float values run from ${figure(rawMin)} to ${figure(rawMax)}, and float data is fed as it is ` +
        `when preprocess.scale is not set: if these are 0..255 pixel values and the model was trained on [0, 1], ` +
        `set preprocess.scale: ${ONE_255} (1/255); if the model takes 0..255, set preprocess.scale: 1 to say so.`,
    );
  }
  return warnings;
}

function nameOf(scale: number): string {
  if (scale === ONE_255) return ' (1/255)';
  if (scale === 1 / 65535) return ' (1/65535)';
  if (scale === 1 / 127) return ' (1/127)';
  if (scale === 1 / 32767) return ' (1/32767)';
  return '';
}

/** A value for a message: 4 significant digits, without trailing zeros. */
function figure(value: number): string {
  return String(Number(value.toPrecision(4)));
}
