/**
 * `stress:` in evalgate.yml, resolved: the perturbation names checked against the registry (a
 * misspelt one gets the nearest name), the severities sorted, the seed defaulted to the run's.
 * docs/stress.md, "Config", is the reference.
 */
import { IMAGE_PERTURBATIONS } from '../modalities/image/perturbations/registry.js';
import { SEVERITIES, type Severity } from '../modalities/image/perturbations/types.js';
import { InputError } from '../shared/errors.js';
import { nearest } from '../shared/nearestName.js';
import type { RawConfig } from './schema.js';
import type { StressConfig } from './types.js';

/**
 * The default suite (`stress: default`): every perturbation of the registry at all five
 * severities, on every test sample, as ImageNet-C evaluates (corruption error sums over severities
 * 1 to 5). docs/stress.md, "Config", has its cost on the bundled example.
 */
export const DEFAULT_STRESS_SEVERITIES: readonly Severity[] = SEVERITIES;

/** `stress` as the schema parsed it. */
export type RawStress = NonNullable<RawConfig['stress']>;

/**
 * Resolves `stress`. `runSeed` is the config's `seed`; `where(keyPath)` names the `file:line` of a
 * key, for messages.
 */
export function resolveStress(
  raw: RawStress,
  runSeed: number,
  where: (keyPath: string[]) => string,
): StressConfig {
  const at = where(['stress']);
  if (raw === 'default') {
    return {
      perturbations: IMAGE_PERTURBATIONS.map((p) => p.name),
      severities: [...DEFAULT_STRESS_SEVERITIES],
      samples: 'all',
      seed: runSeed,
      where: at,
    };
  }
  const perturbations =
    raw.perturbations === 'all'
      ? IMAGE_PERTURBATIONS.map((p) => p.name)
      : knownPerturbations(raw.perturbations, where);
  const severities = [...new Set(raw.severities)].sort((a, b) => a - b) as Severity[];
  return { perturbations, severities, samples: raw.samples, seed: raw.seed ?? runSeed, where: at };
}

/** The named perturbations in the registry's order, each once; an unknown name is refused. */
function knownPerturbations(names: string[], where: (keyPath: string[]) => string): string[] {
  const valid = IMAGE_PERTURBATIONS.map((p) => p.name);
  names.forEach((name, i) => {
    if (valid.includes(name)) return;
    const suggestion = nearest(name, valid);
    throw new InputError(
      `'stress.perturbations' names an unknown perturbation '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
      {
        code: 'E_CONFIG_INVALID',
        where: where(['stress', 'perturbations', String(i)]),
        hint: `valid perturbations are: ${valid.join(', ')} (docs/stress.md), or perturbations: all`,
      },
    );
  });
  const wanted = new Set(names);
  return valid.filter((name) => wanted.has(name));
}
