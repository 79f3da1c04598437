/** Every image perturbation of the stress suite, by name, in the order the docs and the comment list them. */
import { BLUR_PERTURBATIONS } from './blur.js';
import { DIGITAL_PERTURBATIONS } from './digital.js';
import { ELASTIC_PERTURBATIONS } from './elastic.js';
import { GEOMETRY_PERTURBATIONS } from './geometry.js';
import { NOISE_PERTURBATIONS } from './noise.js';
import { OCCLUSION_PERTURBATIONS } from './occlusion.js';
import type { Perturbation } from './types.js';
import { WEATHER_PERTURBATIONS } from './weather.js';

export const IMAGE_PERTURBATIONS: readonly Perturbation[] = [
  ...NOISE_PERTURBATIONS,
  ...BLUR_PERTURBATIONS,
  ...WEATHER_PERTURBATIONS,
  ...DIGITAL_PERTURBATIONS,
  ...ELASTIC_PERTURBATIONS,
  ...GEOMETRY_PERTURBATIONS,
  ...OCCLUSION_PERTURBATIONS,
];

export function perturbationNamed(name: string): Perturbation | undefined {
  return IMAGE_PERTURBATIONS.find((p) => p.name === name);
}
