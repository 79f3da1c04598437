import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/shared/errors.js';
import {
  loadOnnxRuntime,
  loadRuntimePackage,
  pinnedOnnxRuntimeVersion,
} from '../../src/runtime/loadOnnxRuntime.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const packageDir = path.join(repoRoot, 'node_modules', 'onnxruntime-node');
const projectPackage = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

describe('loadOnnxRuntime', () => {
  it('reads the pinned onnxruntime-node version from the project package.json', () => {
    expect(pinnedOnnxRuntimeVersion()).toBe(projectPackage.dependencies['onnxruntime-node']);
  });

  it('loads onnxruntime-node from node_modules with its version and location', async () => {
    const runtime = await loadOnnxRuntime();
    expect(runtime.version).toBe(pinnedOnnxRuntimeVersion());
    expect(runtime.source).toBe(packageDir);
    expect(typeof runtime.ort.InferenceSession.create).toBe('function');
    expect(typeof runtime.ort.Tensor).toBe('function');
  });

  it('accepts an explicit folder holding node_modules, a node_modules folder or the package itself', async () => {
    for (const explicitPath of [repoRoot, path.join(repoRoot, 'node_modules'), packageDir]) {
      const runtime = await loadOnnxRuntime({ explicitPath });
      expect(runtime.source, explicitPath).toBe(packageDir);
      expect(runtime.version).toBe(pinnedOnnxRuntimeVersion());
    }
  });

  it('refuses an explicit folder without onnxruntime-node instead of falling back', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'evalgate-ort-'));
    const error = await loadOnnxRuntime({ explicitPath: empty }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(empty);
    expect((error as InputError).where).toBe('onnxruntime-path');
  });

  it('says where it looked when no resolver finds the runtime', async () => {
    const error = await loadOnnxRuntime({
      resolvers: [
        { name: 'first place', resolve: async () => null },
        { name: 'second place', resolve: async () => null },
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/not found.*first place, second place/);
    expect((error as InputError).hint).toContain(`onnxruntime-node@${pinnedOnnxRuntimeVersion()}`);
  });

  it('explains an install without a native binary for this platform', async () => {
    const fake = mkdtempSync(path.join(tmpdir(), 'evalgate-ort-'));
    mkdirSync(path.join(fake, 'bin', 'napi-v6', 'sunos', 'sparc'), { recursive: true });
    writeFileSync(path.join(fake, 'bin', 'napi-v6', 'sunos', 'sparc', 'onnxruntime_binding.node'), '');
    writeFileSync(
      path.join(fake, 'package.json'),
      JSON.stringify({
        name: 'onnxruntime-node',
        version: '9.9.9',
        main: 'index.js',
        binary: { napi_versions: [6] },
      }),
    );
    const error = await loadRuntimePackage({ packageDir: fake, source: fake }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(
      `no native binary for ${process.platform}/${process.arch}`,
    );
    expect((error as InputError).message).toContain('sunos/sparc');
  });
});
