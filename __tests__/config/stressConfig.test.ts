/** `stress:` in evalgate.yml: the default suite, the object form, and the refusal of unknown names. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { IMAGE_PERTURBATIONS } from '../../src/modalities/image/perturbations/registry.js';
import { ExitCode, InputError } from '../../src/shared/errors.js';

const minimal = `version: 1
model: { path: models/model.onnx }
classes: [cat, dog]
test-set: { path: data/test }
`;

function load(extra: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-stress-config-'));
  const file = path.join(dir, 'evalgate.yml');
  writeFileSync(file, minimal + extra);
  return loadConfig(file, { cwd: dir });
}

function loadError(extra: string): InputError {
  try {
    load(extra);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('the config was accepted');
}

const ALL = IMAGE_PERTURBATIONS.map((p) => p.name);

describe('stress config', () => {
  it('is absent without a stress key: no stress run', () => {
    expect(load('').stress).toBeUndefined();
  });

  it("resolves 'stress: default' to every perturbation at severities 1 to 5 on every sample, seeded by the run seed", () => {
    const config = load('seed: 7\nstress: default\n');
    expect(config.stress).toEqual({
      perturbations: ALL,
      severities: [1, 2, 3, 4, 5],
      samples: 'all',
      seed: 7,
      where: expect.stringMatching(/evalgate\.yml:6$/),
    });
    expect(config.stress!.perturbations).toHaveLength(21);
  });

  it('takes the object form: names in registry order once each, severities sorted once each, a sample budget', () => {
    const config = load(
      'stress:\n  perturbations: [brightness, gaussian_noise, brightness]\n  severities: [3, 1, 3]\n  samples: 100\n',
    );
    expect(config.stress).toMatchObject({
      perturbations: ['gaussian_noise', 'brightness'],
      severities: [1, 3],
      samples: 100,
      seed: 0,
    });
  });

  it("defaults the object form's fields: all perturbations, all severities, all samples; stress.seed wins over seed", () => {
    const config = load('seed: 3\nstress: { seed: 11 }\n');
    expect(config.stress).toMatchObject({
      perturbations: ALL,
      severities: [1, 2, 3, 4, 5],
      samples: 'all',
      seed: 11,
    });
    expect(load('stress: { perturbations: all }\n').stress!.perturbations).toEqual(ALL);
  });

  it('refuses an unknown perturbation naming stress.perturbations, with the nearest name and the valid ones', () => {
    const error = loadError('stress:\n  perturbations: [gaussian_noise, gausian_blur]\n');
    expect(error.exitCode).toBe(ExitCode.badInput);
    expect(error.code).toBe('E_CONFIG_INVALID');
    expect(error.message).toContain("'stress.perturbations' names an unknown perturbation 'gausian_blur'");
    expect(error.message).toContain("did you mean 'gaussian_blur'?");
    expect(error.where).toMatch(/evalgate\.yml:6$/);
    for (const name of ALL) expect(error.hint).toContain(name);
  });

  it('offers no suggestion for a name far from every perturbation', () => {
    const error = loadError('stress: { perturbations: [sepia] }\n');
    expect(error.message).not.toContain('did you mean');
    expect(error.hint).toContain('valid perturbations are: gaussian_noise,');
  });

  it('refuses severities outside 1 to 5 and a sample budget that is not a positive whole number', () => {
    expect(loadError('stress: { severities: [0, 6] }\n').message).toContain("'stress.severities.0'");
    expect(loadError('stress: { samples: 0 }\n').message).toContain("'stress.samples'");
    expect(loadError('stress: { samples: some }\n').message).toContain("'stress.samples'");
  });

  it("suggests the right key for a misspelt one under stress, and explains a word that is not 'default'", () => {
    const misspelt = loadError('stress: { severity: [1] }\n');
    expect(misspelt.message).toContain("unknown key 'stress.severity'; did you mean 'stress.severities'?");
    expect(misspelt.hint).toBe("valid keys under 'stress' are: perturbations, severities, samples, seed");
    const word = loadError('stress: defualt\n');
    expect(word.message).toContain("'stress': The stress suite: 'default', or");
  });
});
