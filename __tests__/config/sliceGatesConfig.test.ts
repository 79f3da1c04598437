/** gates.slices in evalgate.yml: parsed into per-column accuracy and per-class-recall gates, strictly. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { InputError } from '../../src/shared/errors.js';

const minimal = `version: 1
model: { path: models/model.onnx }
classes: [cat, dog]
test-set: { path: data/test, manifest: manifest.csv }
`;

function load(extra: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-slice-config-'));
  const file = path.join(dir, 'evalgate.yml');
  writeFileSync(file, minimal + extra);
  return loadConfig(file, { cwd: dir });
}

describe('gates.slices', () => {
  it('resolves each column to the whole-set gate shapes, with their evidence defaults', () => {
    const config = load(`gates:
  slices:
    light:
      accuracy: { min: 0.85, max-drop: 0.03 }
      per-class-recall: { max-drop: 0.05, on-unproven: fail, alpha: 0.1 }
    camera:
      accuracy: { max-drop: 0.02, significance: off }
`);
    expect(config.gates.slices).toEqual({
      light: {
        accuracy: { min: 0.85, maxDrop: 0.03, significance: true, onUnproven: 'warn', alpha: undefined },
        perClassRecall: { maxDrop: 0.05, significance: true, onUnproven: 'fail', alpha: 0.1 },
      },
      camera: {
        accuracy: {
          min: undefined,
          maxDrop: 0.02,
          significance: false,
          onUnproven: 'warn',
          alpha: undefined,
        },
      },
    });
  });

  it('leaves the slice gates off when gates.slices is absent', () => {
    expect(load('').gates.slices).toBeUndefined();
  });

  it('refuses an unknown key inside a slice gate, naming its path', () => {
    let error: unknown;
    try {
      load(`gates:
  slices:
    light:
      per-class-recal: { max-drop: 0.05 }
`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain('gates.slices.light');
    expect((error as InputError).exitCode).toBe(2);
  });

  it('requires max-drop on a slice per-class-recall gate', () => {
    expect(() =>
      load(`gates:
  slices:
    light:
      per-class-recall: { on-unproven: fail }
`),
    ).toThrow(InputError);
  });
});
