/**
 * Each step of the onnxruntime-node resolution with real folders: node_modules, the runner tool
 * cache (the real @actions/tool-cache on a temporary RUNNER_TOOL_CACHE), @actions/cache (a folder
 * with its semantics), and the real `npm install` against a registry served on 127.0.0.1. Every
 * runtime found is loaded and runs a real model.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/shared/errors.js';
import { actionsToolCache } from '../../src/action/actionsToolCache.js';
import { runtimeCacheKey, runtimeToolName } from '../../src/runtime/cachedRuntimeResolvers.js';
import { openModelSession } from '../../src/runtime/modelSession.js';
import { pinnedOnnxRuntimeVersion } from '../../src/runtime/pinnedVersion.js';
import { type ResolveOnnxRuntimeOptions, resolveOnnxRuntime } from '../../src/runtime/resolveOnnxRuntime.js';
import {
  type CommandResult,
  type RunCommand,
  type RuntimeLog,
  spawnCommand,
  type ToolCache,
} from '../../src/runtime/runtimeClients.js';
import { CUDA_PROVIDER_FILES } from '../../src/runtime/runtimePlatform.js';
import type { LoadedRuntime } from '../../src/runtime/types.js';
import { directoryRemoteCache } from '../__fixtures__/directoryRemoteCache.js';
import {
  installedRuntime,
  OTHER_PLATFORM_FOLDERS,
  startLocalNpmRegistry,
  trimmedRuntimePrefix,
} from '../helpers/localNpmRegistry.js';

const version = pinnedOnnxRuntimeVersion();
const cpu = { platform: process.platform, arch: process.arch, cuda: false };
const modelsDir = path.join(import.meta.dirname, '../__fixtures__/models');
const reference = JSON.parse(readFileSync(path.join(modelsDir, 'reference-samples.json'), 'utf8')) as {
  samples: Array<{ input: number[]; probabilities: number[] }>;
  numClasses: number;
};

let root: string;
/** An npm prefix as an install leaves it (this platform's binaries only). */
let prefix: string;
/** node_modules resolution from here finds nothing, so the later steps are reached. */
let nowhere: string;

beforeAll(() => {
  // @actions/tool-cache logs every step with core.debug, as `::debug::` lines on stdout for the runner.
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) =>
    String(chunk).startsWith('::debug::') ? true : write(chunk, ...rest)) as typeof process.stdout.write);
  root = mkdtempSync(path.join(os.tmpdir(), 'evalgate-resolve-'));
  prefix = trimmedRuntimePrefix(path.join(root, 'prefix'));
  mkdirSync(path.join(root, 'nowhere'));
  nowhere = pathToFileURL(path.join(root, 'nowhere', 'module.js')).href;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

const tmp = (name: string) => mkdtempSync(path.join(root, `${name}-`));

/** The real @actions/tool-cache on a fresh RUNNER_TOOL_CACHE folder. */
function freshToolCache(): { toolCache: ToolCache; dir: string } {
  const dir = tmp('toolcache');
  vi.stubEnv('RUNNER_TOOL_CACHE', dir);
  return { toolCache: actionsToolCache()!, dir };
}

/** Records every command; runs it for real unless `fake` answers it. */
function commandRecorder(fake?: (command: string, args: string[]) => Promise<CommandResult> | undefined) {
  const calls: string[][] = [];
  const run: RunCommand = (command, args, options) => {
    calls.push([command, ...args]);
    return fake?.(command, args) ?? spawnCommand(command, args, options);
  };
  return { calls, run };
}

function recordingLog(): RuntimeLog & { infos: string[]; warnings: string[] } {
  const infos: string[] = [];
  const warnings: string[] = [];
  return { infos, warnings, info: (m) => infos.push(m), warning: (m) => warnings.push(m) };
}

/** Runs the digits probabilities model on the reference samples and checks torch's outputs. */
async function expectRunsModel(runtime: LoadedRuntime): Promise<void> {
  const session = await openModelSession(runtime.ort, {
    modelPath: path.join(modelsDir, 'digits-probs.onnx'),
    outputKind: 'probabilities',
    numClasses: reference.numClasses,
    executionProvider: 'cpu',
  });
  try {
    const n = reference.samples.length;
    const input = Float32Array.from(reference.samples.flatMap((s) => s.input));
    const out = await session.run(input, n, [1, 8, 8]);
    const expected = reference.samples.flatMap((s) => s.probabilities);
    let worst = 0;
    for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - expected[i]));
    expect(worst).toBeLessThan(1e-4);
  } finally {
    await session.close();
  }
}

/** The platform/arch folders left under bin/napi-v6 of a package. */
function nativeFolders(packageDir: string): string[] {
  const bin = path.join(packageDir, 'bin', 'napi-v6');
  return readdirSync(bin).flatMap((os) => readdirSync(path.join(bin, os)).map((arch) => `${os}/${arch}`));
}

// The environment is the adapter's parameter; these tests pass their own process's.
const inNowhere = (options: Partial<ResolveOnnxRuntimeOptions>): ResolveOnnxRuntimeOptions => ({
  env: process.env,
  nodeModulesFrom: nowhere,
  log: recordingLog(),
  ...options,
});

describe('resolveOnnxRuntime: local places', () => {
  it('uses node_modules first, touching no cache and running no command', async () => {
    const remoteCache = directoryRemoteCache(tmp('remote'));
    const commands = commandRecorder();
    const runtime = await resolveOnnxRuntime({
      env: process.env,
      toolCache: freshToolCache().toolCache,
      remoteCache,
      runCommand: commands.run,
    });
    expect(runtime).toMatchObject({ via: 'node_modules', source: installedRuntime, version });
    expect(commands.calls).toEqual([]);
    expect(remoteCache.calls).toEqual([]);
  });

  it('with onnxruntime-path, looks nowhere else even though node_modules has a copy', async () => {
    const empty = tmp('empty');
    const error = await resolveOnnxRuntime({ env: process.env, explicitPath: empty }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toBe('onnxruntime-path');
    expect((error as InputError).message).toContain(empty);
  });

  it('device cuda: refuses an onnxruntime-path copy without the CUDA provider, naming the missing files', async () => {
    const error = await resolveOnnxRuntime({ env: process.env, explicitPath: prefix, device: 'cuda' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toBe('onnxruntime-path');
    expect((error as InputError).message).toContain(CUDA_PROVIDER_FILES[0]);
    expect((error as InputError).hint).toContain('install.js --onnxruntime-node-install`');
  });

  it('device cuda: passes over a node_modules copy without the CUDA provider and says so', async () => {
    const log = recordingLog();
    const error = await resolveOnnxRuntime({ env: process.env, device: 'cuda', install: false, log }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(
      /not found \(looked in: node_modules, runner tool cache, @actions\/cache\)/,
    );
    expect(log.infos.join('\n')).toContain('has no CUDA provider');
  });
});

describe('resolveOnnxRuntime: the runner tool cache', () => {
  it('loads the pinned version from the tool cache without installing anything', async () => {
    const { toolCache, dir } = freshToolCache();
    await toolCache.cacheDir(prefix, 'onnxruntime-node', version, process.arch);
    const commands = commandRecorder();
    const remoteCache = directoryRemoteCache(tmp('remote'));
    const runtime = await resolveOnnxRuntime(inNowhere({ toolCache, remoteCache, runCommand: commands.run }));
    expect(runtime.via).toBe('tool-cache');
    expect(runtime.source).toBe(
      path.join(dir, 'onnxruntime-node', version, process.arch, 'node_modules', 'onnxruntime-node'),
    );
    expect(commands.calls).toEqual([]);
    expect(remoteCache.calls).toEqual([]);
    await expectRunsModel(runtime);
  });

  it('passes over a tool cache copy of another version, with a warning', async () => {
    const { toolCache } = freshToolCache();
    const stale = path.join(tmp('stale'), 'node_modules', 'onnxruntime-node');
    mkdirSync(stale, { recursive: true });
    writeFileSync(
      path.join(stale, 'package.json'),
      JSON.stringify({ name: 'onnxruntime-node', version: '0.0.1' }),
    );
    await toolCache.cacheDir(path.dirname(path.dirname(stale)), 'onnxruntime-node', version, process.arch);
    const log = recordingLog();
    const error = await resolveOnnxRuntime(inNowhere({ toolCache, install: false, log })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatch(new RegExp(`tool cache .*it is version 0\\.0\\.1, not ${version}`));
  });
});

describe('resolveOnnxRuntime: @actions/cache', () => {
  it('restores the runtime, puts it into the tool cache, and installs nothing', async () => {
    const workDir = tmp('work');
    const staging = path.join(workDir, runtimeCacheKey(version, cpu));
    const remoteCache = directoryRemoteCache(tmp('remote'));
    // What an earlier job saved: the install folder, under its key.
    trimmedRuntimePrefix(staging);
    await remoteCache.save([staging], `onnxruntime-node-${version}-${process.platform}-${process.arch}`);
    rmSync(staging, { recursive: true });

    const { toolCache, dir } = freshToolCache();
    const commands = commandRecorder();
    const runtime = await resolveOnnxRuntime(
      inNowhere({ toolCache, remoteCache, workDir, runCommand: commands.run }),
    );
    expect(runtime.via).toBe('actions-cache');
    expect(runtime.source.startsWith(dir)).toBe(true);
    expect(toolCache.find('onnxruntime-node', version, process.arch)).not.toBe('');
    expect(commands.calls).toEqual([]);
    await expectRunsModel(runtime);
  });

  it('passes over a restore that fails or holds no usable runtime, with warnings', async () => {
    const log = recordingLog();
    const failing = directoryRemoteCache(tmp('remote'));
    failing.restore = async () => {
      throw new Error('cache service unavailable');
    };
    const error = await resolveOnnxRuntime(
      inNowhere({ remoteCache: failing, workDir: tmp('work'), install: false, log }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(log.warnings).toEqual([
      `could not restore onnxruntime-node from the Actions cache (${runtimeCacheKey(version, cpu)}): cache service unavailable`,
    ]);

    const workDir = tmp('work');
    const staging = path.join(workDir, runtimeCacheKey(version, cpu));
    mkdirSync(staging);
    writeFileSync(path.join(staging, 'junk'), '');
    const junk = directoryRemoteCache(tmp('remote'));
    await junk.save([staging], runtimeCacheKey(version, cpu));
    const log2 = recordingLog();
    await expect(
      resolveOnnxRuntime(inNowhere({ remoteCache: junk, workDir, install: false, log: log2 })),
    ).rejects.toThrow(InputError);
    expect(log2.warnings[0]).toMatch(/ignoring the onnxruntime-node restored from the Actions cache/);
    expect(existsSync(staging)).toBe(false);
  });
});

describe('resolveOnnxRuntime: installing the pinned version', () => {
  // The real `npm install` against a registry on 127.0.0.1 serving a 45 MB onnxruntime-node: a few
  // seconds, most of them packing and unpacking the tarball.
  it('installs with npm, prunes other platforms, caches in both caches; the next runs install nothing', async () => {
    const registry = await startLocalNpmRegistry(tmp('registry'));
    try {
      const workDir = tmp('work');
      const remoteCache = directoryRemoteCache(tmp('remote'));
      const commands = commandRecorder();
      const env = { ...process.env, npm_config_cache: tmp('npm-cache') };
      const common = { remoteCache, workDir, runCommand: commands.run, env, registry: registry.url };

      const first = freshToolCache();
      const log = recordingLog();
      const installed = await resolveOnnxRuntime(inNowhere({ ...common, toolCache: first.toolCache, log }));
      expect(installed.via).toBe('npm-install');
      expect(commands.calls).toHaveLength(1);
      expect(commands.calls[0]).toEqual(
        expect.arrayContaining(['install', '--ignore-scripts', '--no-save', `onnxruntime-node@${version}`]),
      );
      expect(registry.requests).toContain(`/onnxruntime-node/-/onnxruntime-node-${version}.tgz`);
      // Only this machine's native folder is left: the other platforms' ones were pruned.
      expect(nativeFolders(installed.source)).toEqual([`${process.platform}/${process.arch}`]);
      expect(OTHER_PLATFORM_FOLDERS).not.toContain(`${process.platform}/${process.arch}`);
      expect(installed.source.startsWith(first.dir)).toBe(true);
      expect(remoteCache.keys()).toEqual([`onnxruntime-node-${version}-${process.platform}-${process.arch}`]);
      expect(log.infos.join('\n')).toMatch(/installed in [\d.]+ s, [\d.]+ MB after removing [\d.]+ MB/);
      expect(log.warnings).toEqual([]);
      await expectRunsModel(installed);

      const requestsAfterInstall = registry.requests.length;
      const again = await resolveOnnxRuntime(inNowhere({ ...common, toolCache: first.toolCache }));
      expect(again.via).toBe('tool-cache');

      // A new runner: empty tool cache, the same Actions cache.
      const second = freshToolCache();
      const restored = await resolveOnnxRuntime(inNowhere({ ...common, toolCache: second.toolCache }));
      expect(restored.via).toBe('actions-cache');
      expect(restored.source.startsWith(second.dir)).toBe(true);
      await expectRunsModel(restored);

      expect(commands.calls).toHaveLength(1);
      expect(registry.requests.length).toBe(requestsAfterInstall);
    } finally {
      await registry.close();
    }
  });

  it('refuses, before any download, a platform without a prebuilt binary, naming it and onnxruntime-path', async () => {
    const commands = commandRecorder();
    const error = await resolveOnnxRuntime(
      inNowhere({ platform: 'freebsd', arch: 'x64', workDir: tmp('work'), runCommand: commands.run }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain('no prebuilt binary for freebsd/x64');
    expect((error as InputError).where).toBe('onnxruntime-path');
    expect((error as InputError).hint).toContain('onnxruntime-path');
    expect(commands.calls).toEqual([]);
  });

  it('refuses device cuda where onnxruntime-node offers no CUDA provider', async () => {
    const commands = commandRecorder();
    const error = await resolveOnnxRuntime(
      inNowhere({
        platform: 'darwin',
        arch: 'arm64',
        device: 'cuda',
        workDir: tmp('work'),
        runCommand: commands.run,
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain('linux/x64 only, not darwin/arm64');
    expect((error as InputError).where).toBe('device');
    expect(commands.calls).toEqual([]);
  });

  it('says what npm said, and what to do, when npm fails', async () => {
    const commands = commandRecorder(async () => ({
      code: 1,
      stdout: '',
      stderr: 'npm error code E404\nnpm error 404 Not Found - GET https://registry.example/onnxruntime-node',
    }));
    const error = await resolveOnnxRuntime(
      inNowhere({ workDir: tmp('work'), runCommand: commands.run }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(
      /npm install onnxruntime-node@.* failed \(exit 1\): .*E404/,
    );
    expect((error as InputError).hint).toContain('onnxruntime-path');
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    "device cuda: adds the CUDA provider with onnxruntime-node's own install script and caches that build apart",
    async () => {
      const scriptEnvs: NodeJS.ProcessEnv[] = [];
      const fakeInstall: RunCommand = async (command, args, options) => {
        const prefixAt = args.indexOf('--prefix');
        if (prefixAt >= 0) {
          trimmedRuntimePrefix(args[prefixAt + 1]);
          return { code: 0, stdout: '', stderr: '' };
        }
        // onnxruntime-node's script/install.js, run in the package with the CUDA 12 flag: it
        // downloads the provider from NuGet. Here it only drops the files where the script puts them.
        expect(command).toBe(process.execPath);
        expect(args).toEqual([path.join(options.cwd!, 'script', 'install.js'), '--onnxruntime-node-install']);
        scriptEnvs.push(options.env);
        const binding = path.join(options.cwd!, 'bin', 'napi-v6', 'linux', 'x64');
        for (const file of CUDA_PROVIDER_FILES) writeFileSync(path.join(binding, file), '');
        return { code: 0, stdout: '', stderr: '' };
      };
      const { toolCache } = freshToolCache();
      const remoteCache = directoryRemoteCache(tmp('remote'));
      const runtime = await resolveOnnxRuntime(
        inNowhere({
          device: 'cuda',
          toolCache,
          remoteCache,
          workDir: tmp('work'),
          runCommand: fakeInstall,
          // A project's `.npmrc: onnxruntime-node-install=skip` seen through `npm run` must not skip it.
          env: { ...process.env, npm_config_onnxruntime_node_install: 'skip' },
        }),
      );
      expect(runtime.via).toBe('npm-install');
      expect(scriptEnvs).toHaveLength(1);
      expect(scriptEnvs[0].npm_config_onnxruntime_node_install).toBeUndefined();
      const cudaTarget = { ...cpu, cuda: true };
      expect(runtimeToolName(cudaTarget)).toBe('onnxruntime-node-cuda');
      expect(toolCache.find('onnxruntime-node-cuda', version, 'x64')).not.toBe('');
      expect(toolCache.find('onnxruntime-node', version, 'x64')).toBe('');
      expect(remoteCache.keys()).toEqual([`onnxruntime-node-${version}-linux-x64-cuda`]);
    },
  );

  it('loads the install even when saving to the Actions cache fails, with a warning', async () => {
    const fakeNpm: RunCommand = async (_command, args) => {
      trimmedRuntimePrefix(args[args.indexOf('--prefix') + 1]);
      return { code: 0, stdout: '', stderr: '' };
    };
    const remoteCache = directoryRemoteCache(tmp('remote'));
    remoteCache.save = async () => {
      throw new Error('quota exceeded');
    };
    const log = recordingLog();
    const runtime = await resolveOnnxRuntime(
      inNowhere({ remoteCache, workDir: tmp('work'), runCommand: fakeNpm, log }),
    );
    expect(runtime.via).toBe('npm-install');
    expect(log.warnings).toEqual([
      `could not save onnxruntime-node to the Actions cache (${runtimeCacheKey(version, cpu)}): quota exceeded`,
    ]);
    await expectRunsModel(runtime);
  });
});
