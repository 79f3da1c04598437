/**
 * The stress suite's perturbation as a decode-worker transform: a worker started with
 * STRESS_TRANSFORMS decodes a stress cell's images, perturbs them (perturbDecoded, the same code as
 * on the main thread, seeded by (seed, sample id, perturbation, severity)) and preprocesses them,
 * while the main thread runs the model. The spec is plain data because it crosses the thread
 * boundary; the perturbation is looked up by name in the worker.
 */
import type { DecodedTransforms, TransformRequest } from '../dataset/decodeWorker.js';
import type { DecodedImage } from '../dataset/types.js';
import { perturbationNamed } from '../modalities/image/perturbations/registry.js';
import type { Severity } from '../modalities/image/perturbations/types.js';
import { InternalError } from '../shared/errors.js';
import { DECODED_CACHE_BYTES, perturbDecoded } from './stressedTestSet.js';

export const STRESS_TRANSFORM = 'stress';

/** What a worker needs to perturb a cell's images. */
export interface StressTransformSpec {
  perturbation: string;
  severity: Severity;
  seed: number;
}

export function stressTransform(image: DecodedImage, sampleId: string, spec: unknown): DecodedImage {
  const { perturbation: name, severity, seed } = spec as StressTransformSpec;
  const perturbation = perturbationNamed(name);
  if (!perturbation)
    throw new InternalError(`a decode worker was asked for the unknown perturbation '${name}'`);
  return perturbDecoded(image, { perturbation, severity }, seed, sampleId);
}

/** The transforms the entries start their decode workers with. */
export const STRESS_TRANSFORMS: DecodedTransforms = { [STRESS_TRANSFORM]: stressTransform };

/** The decode pool's request for one cell, over `workers` workers: they share the decoded-image budget. */
export function stressTransformRequest(spec: StressTransformSpec, workers: number): TransformRequest {
  return { kind: STRESS_TRANSFORM, spec, cacheBytes: Math.floor(DECODED_CACHE_BYTES / Math.max(1, workers)) };
}
