/**
 * The stress suite of a run: the configured perturbations × severities as cells, in report order
 * (the registry's order of perturbations, severities ascending), and the check that the test set
 * is one the perturbations can read.
 */
import type { StressConfig } from '../config/types.js';
import type { TestSet } from '../dataset/types.js';
import { perturbationNamed } from '../modalities/image/perturbations/registry.js';
import type { Perturbation, Severity } from '../modalities/image/perturbations/types.js';
import { InputError, InternalError } from '../shared/errors.js';

/** One perturbation at one severity. */
export interface StressCell {
  perturbation: Perturbation;
  severity: Severity;
}

/** The cells of `stress`, perturbation by perturbation, each at every severity. */
export function stressCells(stress: Pick<StressConfig, 'perturbations' | 'severities'>): StressCell[] {
  const cells: StressCell[] = [];
  for (const name of stress.perturbations) {
    const perturbation = perturbationNamed(name);
    // The config is resolved against the registry: an unknown name here is a bug, not a user error.
    if (!perturbation) throw new InternalError(`stress: no perturbation named '${name}' in the registry`);
    for (const severity of stress.severities) cells.push({ perturbation, severity });
  }
  return cells;
}

/**
 * Refuses a test set the perturbations cannot read, before the model runs: they work on 8-bit
 * images (decoded PNG and JPEG files, uint8 image arrays), not on feature vectors or on float
 * arrays, whose values have no fixed white level to corrupt towards.
 */
export function checkStressableTestSet(testSet: TestSet, where: string): void {
  if (testSet.featureLength !== undefined) {
    throw new InputError(
      `the stress suite perturbs images, and this ${testSet.format} test set holds feature vectors of ${testSet.featureLength} values`,
      {
        code: 'E_CONFIG_INVALID',
        where,
        hint: 'remove stress: from the config for a test set of feature vectors',
      },
    );
  }
  const valueType = testSet.valueType ?? 'uint8';
  if (valueType !== 'uint8') {
    throw new InputError(
      `the stress suite perturbs 8-bit images, and this ${testSet.format} test set holds ${valueType} values`,
      {
        code: 'E_CONFIG_INVALID',
        where,
        hint: 'store the test images as PNG or JPEG files or as a uint8 array, or remove stress: from the config',
      },
    );
  }
}
