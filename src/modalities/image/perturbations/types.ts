/**
 * The contract every image perturbation of the stress suite keeps (issue 10; parameters and
 * sources in ../shared/design/reference.md sections 1 and 3, docs/stress.md).
 *
 * A perturbation reads a FloatImage (values in [0, 1], the decoded image before normalisation),
 * returns a new one of the same size and channel count, clipped to [0, 1], and never changes its
 * input. Every random draw comes from the generator it is given, which the caller seeds per
 * (run seed, sample id, perturbation, severity) (perturbationRandom in ./seed.ts): the same seed gives
 * the same bytes, and a baseline and a candidate see the very same corrupted images.
 */
import type { Random } from '../../../stats/random.js';

/** Row-major, channels interleaved (HWC), float32 in [0, 1]; 1 channel (gray) or 3 (RGB). */
export interface FloatImage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Float32Array;
}

export type Severity = 1 | 2 | 3 | 4 | 5;

export const SEVERITIES: readonly Severity[] = [1, 2, 3, 4, 5];

/** ImageNet-C's grouping, plus the geometric and occlusion stresses. */
export type PerturbationFamily = 'noise' | 'blur' | 'weather' | 'digital' | 'geometry' | 'occlusion';

/** A parameter value as the docs and the report show it. */
export type ParameterValue = number | readonly number[] | string;

export interface Perturbation {
  /** Snake case as in ImageNet-C ('gaussian_noise', 'jpeg_compression', 'rotate', 'cutout'). */
  name: string;
  family: PerturbationFamily;
  /** One line for the docs and the comment: what it does to a picture. */
  summary: string;
  /**
   * What severity `severity` means for an image of this size, after the choice between the
   * CIFAR-10-C and ImageNet-C tables and the scaling of pixel lengths (./parameterSets.ts).
   */
  parameters(severity: Severity, size: { width: number; height: number }): Record<string, ParameterValue>;
  /** A new image: `image` perturbed at `severity`, every draw from `random`. */
  apply(image: FloatImage, severity: Severity, random: Random): FloatImage;
  /** How a colour perturbation treats a gray image, when that differs from its colour behaviour. */
  grayBehaviour?: string;
}
