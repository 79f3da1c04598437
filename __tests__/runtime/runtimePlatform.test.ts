import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateNpm } from '../../src/runtime/installOnnxRuntime.js';
import {
  CUDA_INSTALL_FLAG,
  CUDA_PLATFORMS,
  CUDA_PROVIDER_FILES,
  PREBUILT_PLATFORMS,
  pruneOtherPlatforms,
  unusableReason,
} from '../../src/runtime/runtimePlatform.js';
import { installedRuntime } from '../helpers/localNpmRegistry.js';

const require = createRequire(import.meta.url);
const scriptDir = path.join(installedRuntime, 'script');

/** A fake package with a binding for each platform/arch given. */
function fakePackage(version: string, platforms: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-fake-ort-'));
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'onnxruntime-node', version, binary: { napi_versions: [6] } }),
  );
  for (const platform of platforms) {
    const binding = path.join(dir, 'bin', 'napi-v6', ...platform.split('/'));
    mkdirSync(binding, { recursive: true });
    writeFileSync(path.join(binding, 'onnxruntime_binding.node'), Buffer.alloc(1000));
  }
  return dir;
}

describe("what onnxruntime-node ships (checked against the copy in node_modules, so a version bump can't drift)", () => {
  it('lists exactly the platforms with a prebuilt binding', () => {
    const manifest = require(path.join(installedRuntime, 'package.json')) as {
      binary: { napi_versions: number[] };
    };
    const bin = path.join(installedRuntime, 'bin', `napi-v${manifest.binary.napi_versions[0]}`);
    const found = readdirSync(bin)
      .flatMap((platform) => readdirSync(path.join(bin, platform)).map((arch) => `${platform}/${arch}`))
      .filter((folder) => existsSync(path.join(bin, folder, 'onnxruntime_binding.node')))
      .sort();
    expect([...PREBUILT_PLATFORMS]).toEqual(found);
  });

  it('names the CUDA platforms and provider files the install script uses', () => {
    const metadata = require(path.join(scriptDir, 'install-metadata.js')) as {
      requirements: Record<string, string[]>;
      manifests: Record<string, Record<string, unknown>>;
    };
    const cudaPlatforms = Object.keys(metadata.requirements).filter((p) =>
      metadata.requirements[p].includes('cuda12'),
    );
    expect([...CUDA_PLATFORMS]).toEqual(cudaPlatforms);
    const files = Object.keys(metadata.manifests['linux/x64:cuda12']).map((f) => path.basename(f));
    for (const file of CUDA_PROVIDER_FILES) expect(files).toContain(file);
  });

  /** What onnxruntime-node's install script makes of its command line (install-utils.js parseInstallFlag). */
  const parseInstallFlag = (flag: string) => {
    const env = { ...process.env };
    for (const name of Object.keys(env)) if (/onnxruntime_node_install/i.test(name)) delete env[name];
    const utils = JSON.stringify(path.join(scriptDir, 'install-utils.js'));
    const code = `console.log(JSON.stringify(require(${utils}).parseInstallFlag() ?? null))`;
    return JSON.parse(execFileSync(process.execPath, ['-e', code, '--', flag], { encoding: 'utf8', env }));
  };

  it("passes the flag that makes onnxruntime-node's install script force its CUDA 12 download", () => {
    // true = force the platform's default requirements, which are exactly cuda12 on the CUDA platforms.
    expect(parseInstallFlag(CUDA_INSTALL_FLAG)).toBe(true);
    const metadata = require(path.join(scriptDir, 'install-metadata.js')) as {
      requirements: Record<string, string[]>;
    };
    for (const platform of CUDA_PLATFORMS) expect(metadata.requirements[platform]).toEqual(['cuda12']);
  });

  it('avoids the documented =cuda12 form, which this version parses as no flag at all', () => {
    // When this starts to return 'cuda12', onnxruntime-node fixed its parser; either flag then works.
    expect(parseInstallFlag('--onnxruntime-node-install=cuda12')).toBeNull();
  });
});

describe('pruneOtherPlatforms', () => {
  it("keeps only this platform's and architecture's native folder and counts the bytes freed", () => {
    const dir = fakePackage('1.0.0', ['linux/x64', 'linux/arm64', 'darwin/arm64', 'win32/x64']);
    writeFileSync(path.join(dir, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime.so.1'), Buffer.alloc(500));
    expect(pruneOtherPlatforms(dir, 'linux', 'x64')).toBe(3000);
    const bin = path.join(dir, 'bin', 'napi-v6');
    expect(existsSync(path.join(bin, 'linux', 'x64', 'onnxruntime_binding.node'))).toBe(true);
    expect(existsSync(path.join(bin, 'linux', 'x64', 'libonnxruntime.so.1'))).toBe(true);
    for (const gone of ['linux/arm64', 'darwin', 'win32'])
      expect(existsSync(path.join(bin, gone))).toBe(false);
  });
});

describe('unusableReason', () => {
  const cpu = { platform: 'linux', arch: 'x64', cuda: false };
  it('accepts a package at the version with a binding for the platform', () => {
    expect(unusableReason(fakePackage('1.2.3', ['linux/x64']), '1.2.3', cpu)).toBeNull();
  });
  it('says what is wrong: no package, another version, no binding, no CUDA provider', () => {
    expect(unusableReason(os.tmpdir(), '1.2.3', cpu)).toMatch(/no onnxruntime-node package/);
    expect(unusableReason(fakePackage('1.2.2', ['linux/x64']), '1.2.3', cpu)).toBe(
      'it is version 1.2.2, not 1.2.3',
    );
    expect(unusableReason(fakePackage('1.2.3', ['darwin/arm64']), '1.2.3', cpu)).toBe(
      'it has no native binding for linux/x64',
    );
    expect(unusableReason(fakePackage('1.2.3', ['linux/x64']), '1.2.3', { ...cpu, cuda: true })).toMatch(
      /no CUDA provider \(missing libonnxruntime_providers_cuda\.so, libonnxruntime_providers_shared\.so\)/,
    );
  });
});

describe('locateNpm', () => {
  const touch = (file: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '');
    return file;
  };

  it("runs npm's CLI script with the running node, in Node's Linux/macOS and Windows layouts", () => {
    const unix = mkdtempSync(path.join(os.tmpdir(), 'evalgate-node-'));
    const unixCli = touch(path.join(unix, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'));
    const unixNode = path.join(unix, 'bin', 'node');
    expect(locateNpm(unixNode, {}, 'linux')).toEqual({
      command: unixNode,
      args: [path.join(unix, 'bin', '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js')],
    });
    expect(existsSync(unixCli)).toBe(true);

    const windows = mkdtempSync(path.join(os.tmpdir(), 'evalgate-node-'));
    const windowsCli = touch(path.join(windows, 'node_modules', 'npm', 'bin', 'npm-cli.js'));
    const windowsNode = path.join(windows, 'node.exe');
    expect(locateNpm(windowsNode, {}, 'win32')).toEqual({ command: windowsNode, args: [windowsCli] });
  });

  it('prefers the npm that started evalgate (npm_execpath) when there is one', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-node-'));
    const cli = touch(path.join(dir, 'npm', 'bin', 'npm-cli.js'));
    expect(locateNpm('/nonexistent/bin/node', { npm_execpath: cli }, 'linux')).toEqual({
      command: '/nonexistent/bin/node',
      args: [cli],
    });
  });

  it('falls back to npm on PATH when no CLI script is found', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'evalgate-node-'));
    const node = path.join(empty, 'bin', 'node');
    expect(locateNpm(node, {}, 'linux')).toEqual({ command: 'npm', args: [] });
    expect(locateNpm(node, {}, 'win32')).toEqual({ command: 'npm.cmd', args: [] });
  });
});
