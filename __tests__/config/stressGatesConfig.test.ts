/**
 * gates.stress in evalgate.yml: perturbation minimums, mean-accuracy, per-class-recall and
 * flip-rate gates resolved with their evidence defaults; a key that is neither a stress gate nor a
 * perturbation is refused with a suggestion, and the values are checked by the schema.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { configJsonSchema } from '../../src/config/schema.js';
import { InputError } from '../../src/shared/errors.js';

const minimal = `version: 1
model: { path: models/model.onnx }
classes: [cat, dog]
test-set: { path: data/test }
`;

function load(extra: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-stress-gates-'));
  const file = path.join(dir, 'evalgate.yml');
  writeFileSync(file, minimal + extra);
  return loadConfig(file, { cwd: dir });
}

function refusal(extra: string): InputError {
  try {
    load(extra);
  } catch (error) {
    return error as InputError;
  }
  throw new Error('not refused');
}

describe('gates.stress', () => {
  it('resolves every stress gate, perturbations in config order, with the evidence defaults', () => {
    const config = load(`gates:
  stress:
    gaussian_noise: { severity: 3, min-accuracy: 0.9 }
    fog: { severity: 1, min-accuracy: 0.8, on-unproven: fail }
    mean-accuracy: { max-drop: 0.02 }
    per-class-recall: { max-drop: 0.05, severity: 3, alpha: 0.1 }
    flip-rate: { max: 0.1, significance: off }
`);
    expect(config.gates.stress).toEqual({
      perturbations: {
        gaussian_noise: {
          severity: 3,
          minAccuracy: 0.9,
          significance: true,
          onUnproven: 'warn',
          alpha: undefined,
        },
        fog: { severity: 1, minAccuracy: 0.8, significance: true, onUnproven: 'fail', alpha: undefined },
      },
      meanAccuracy: { maxDrop: 0.02, significance: true, onUnproven: 'warn', alpha: undefined },
      perClassRecall: { maxDrop: 0.05, severity: 3, significance: true, onUnproven: 'warn', alpha: 0.1 },
      flipRate: { max: 0.1, significance: false, onUnproven: 'warn', alpha: undefined },
    });
    expect(Object.keys(config.gates.stress!.perturbations)).toEqual(['gaussian_noise', 'fog']);
  });

  it('is absent unless configured', () => {
    expect(load('').gates.stress).toBeUndefined();
  });

  it('a misspelt gate name is refused with a suggestion, not read as a perturbation', () => {
    const error = refusal(`gates:
  stress:
    mean-acuracy: { max-drop: 0.02 }
`);
    expect(error).toBeInstanceOf(InputError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(
      /^unknown key 'gates\.stress\.mean-acuracy'.*did you mean 'gates\.stress\.mean-accuracy'\?/,
    );
    expect(error.where).toMatch(/evalgate\.yml:7$/);
  });

  it('a misspelt perturbation is refused with a suggestion', () => {
    const error = refusal(`gates:
  stress:
    gausian_noise: { severity: 3, min-accuracy: 0.9 }
`);
    expect(error.message).toMatch(/did you mean 'gates\.stress\.gaussian_noise'\?/);
  });

  it('a severity outside 1 to 5, or a perturbation gate without its minimum, is refused by the schema', () => {
    expect(
      refusal(`gates:
  stress:
    fog: { severity: 6, min-accuracy: 0.9 }
`).message,
    ).toMatch(/gates\.stress\.fog\.severity/);
    expect(
      refusal(`gates:
  stress:
    fog: { severity: 2 }
`).message,
    ).toMatch(/'gates\.stress\.fog\.min-accuracy' is required/);
    expect(
      refusal(`gates:
  stress:
    flip-rate: { max: 0.1, ceiling: 0.2 }
`).message,
    ).toMatch(/unknown key 'gates\.stress\.flip-rate\.ceiling'/);
  });

  it('the JSON schema for editors describes gates.stress', () => {
    const text = JSON.stringify(configJsonSchema());
    expect(text).toContain('mean-accuracy');
    expect(text).toContain('flip-rate');
    expect(text).toContain('min-accuracy');
  });
});
