/**
 * The preprocessing a model gets: the configured options plus the channel count, read from the
 * model's input shape, with the layout checked against it (a model's channels are 1 or 3).
 */
import type { ModelSession } from '../runtime/types.js';
import { InputError } from '../shared/errors.js';
import type { PreprocessOptions, TestSet } from './types.js';

export function resolvePreprocess(
  configured: Omit<PreprocessOptions, 'channels'>,
  session: Pick<ModelSession, 'sampleShape' | 'input'>,
  testSet: Pick<TestSet, 'featureLength'>,
): PreprocessOptions {
  const layout = configured.layout;
  const shape = session.sampleShape;
  const modelShape = `[N, ${shape.map((d) => (d < 0 ? '?' : d)).join(', ')}]`;
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
      `the model input '${session.input.name}' is ${modelShape}, which reads as ${otherLayout} (${otherChannels} channel(s)), ` +
        `but preprocess.layout is ${layout}, which would make ${modelChannels} channels`,
      { code: 'E_MODEL_INVALID', where: 'preprocess.layout', hint: `set preprocess.layout: ${otherLayout}` },
    );
  }
  return { ...configured, channels: modelChannels > 0 ? modelChannels : colorChannels };
}

function isChannelCount(n: number): boolean {
  return n === 1 || n === 3;
}
