/**
 * The preprocessing a model gets: the configured options plus the channel count, read from the
 * model's input shape, with the layout checked against it (a model's channels are 1 or 3), and the
 * scale: `preprocess.scale` when set, else the default for the test set's value type.
 */
import type { ModelSession } from '../runtime/types.js';
import { describeShape } from '../runtime/tensorShapes.js';
import { InputError } from '../shared/errors.js';
import { countOf } from '../shared/plural.js';
import type { ConfiguredPreprocess, PreprocessOptions, TestSet, ValueType } from './types.js';

/**
 * The default `preprocess.scale` for raw values of `type`, or null when the type says nothing of
 * the range (32- and 64-bit integers: counts, ids or pixels widened by NumPy, so the config must
 * say). Integer types map their largest value to 1, as torchvision's `convert_image_dtype` and
 * `ToDtype(scale=True)` do: uint8 / 255 (PNG and JPEG images decode to uint8), uint16 / 65535,
 * int8 / 127 and int16 / 32767 (negative values then reach about -1). Floats and bools are taken
 * as they are: float data is usually scaled already (numpy `x / 255`), and bools are 0 and 1.
 */
export function defaultScale(type: ValueType): number | null {
  switch (type) {
    case 'uint8':
      return 1 / 255;
    case 'uint16':
      return 1 / 65535;
    case 'int8':
      return 1 / 127;
    case 'int16':
      return 1 / 32767;
    case 'bool':
    case 'float16':
    case 'float32':
    case 'float64':
      return 1;
    default:
      return null;
  }
}

/** `preprocess.scale`, or the default for the test set's values (an InputError when there is none). */
export function resolveScale(configured: number | null, testSet: Pick<TestSet, 'valueType'>): number {
  if (configured !== null) return configured;
  const type = testSet.valueType ?? 'uint8';
  const scale = defaultScale(type);
  if (scale === null) {
    throw new InputError(
      `the test set's x array holds ${type} values, whose range evalgate cannot tell from the type, and preprocess.scale is not set`,
      {
        code: 'E_CONFIG_INVALID',
        where: 'preprocess.scale',
        hint: 'set preprocess.scale: 0.00392156862745098 (1/255) for 0..255 pixel values, or 1 to feed the values as they are; or save x as uint8 or float32',
      },
    );
  }
  return scale;
}

export function resolvePreprocess(
  configuredOptions: ConfiguredPreprocess,
  session: Pick<ModelSession, 'sampleShape' | 'input'>,
  testSet: Pick<TestSet, 'featureLength' | 'valueType'>,
): PreprocessOptions {
  const configured = { ...configuredOptions, scale: resolveScale(configuredOptions.scale, testSet) };
  const layout = configured.layout;
  const shape = session.sampleShape;
  // As the model declares it: a fixed batch shows its size ([1,1,8,8]), a dynamic one N.
  const modelShape = describeShape(session.input.shape);
  const colorChannels = configured.color === 'gray' ? 1 : 3;
  if (testSet.featureLength !== undefined || layout === 'flat') {
    // Flat inputs carry no channel axis: the colour mode decides how many values a pixel gives.
    return { ...configured, channels: colorChannels };
  }
  if (shape.length !== 3) {
    throw new InputError(
      `the model input '${session.input.name}' is ${modelShape}, which is not an image layout, but preprocess.layout is ${layout}`,
      { code: 'E_MODEL_INVALID', where: 'preprocess.layout', hint: 'use layout: flat for [N, D] inputs' },
    );
  }
  const [first, , last] = shape;
  const modelChannels = layout === 'NCHW' ? first : last;
  const otherLayout = layout === 'NCHW' ? 'NHWC' : 'NCHW';
  const otherChannels = layout === 'NCHW' ? last : first;
  // Channel counts a model takes are 1 (gray) or 3 (colour); anything else at the channel axis of
  // the configured layout, with 1 or 3 at the other end, is almost surely the other layout.
  if (modelChannels > 0 && !isChannelCount(modelChannels) && isChannelCount(otherChannels)) {
    throw new InputError(
      `the model input '${session.input.name}' is ${modelShape}, which reads as ${otherLayout} (${countOf(otherChannels, 'channel')}), ` +
        `but preprocess.layout is ${layout}, which would make ${modelChannels} channels`,
      { code: 'E_MODEL_INVALID', where: 'preprocess.layout', hint: `set preprocess.layout: ${otherLayout}` },
    );
  }
  return { ...configured, channels: modelChannels > 0 ? modelChannels : colorChannels };
}

function isChannelCount(n: number): boolean {
  return n === 1 || n === 3;
}
