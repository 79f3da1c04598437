/**
 * The whole resolution of onnxruntime-node, in the order of the conventions ("Shipping the native
 * runtime"), first match wins:
 *
 *   1. `explicitPath` (the `onnxruntime-path` input): when set, the only place looked at;
 *   2. node_modules (development, tests, self-hosted runners with it installed);
 *   3. the runner's tool cache (`onnxruntime-node` or `onnxruntime-node-cuda`, pinned version, arch);
 *   4. @actions/cache (key `onnxruntime-node-<version>-<platform>-<arch>[-cuda]`);
 *   5. `npm install --ignore-scripts` of the pinned version, other platforms' binaries pruned, the
 *      CUDA provider added for device: cuda, then put into 3 and 4 for the next run.
 *
 * Every client is a parameter; what is not given is simply skipped (no tool cache outside a runner,
 * no @actions/cache where its service is missing), except npm, which defaults to the real one.
 */
import os from 'node:os';
import path from 'node:path';
import type { RemoteCache } from '../shared/remoteCache.js';
import {
  type CachedRuntimeContext,
  installResolver,
  remoteCacheResolver,
  toolCacheResolver,
} from './cachedRuntimeResolvers.js';
import { explicitPathResolver, loadOnnxRuntime, nodeModulesResolver } from './loadOnnxRuntime.js';
import { pinnedOnnxRuntimeVersion } from './pinnedVersion.js';
import {
  type RunCommand,
  type RuntimeLog,
  spawnCommand,
  stderrLog,
  type ToolCache,
} from './runtimeClients.js';
import type { ExecutionProvider, LoadedRuntime } from './types.js';

export interface ResolveOnnxRuntimeOptions {
  /** The `onnxruntime-path` input: a folder holding node_modules/onnxruntime-node, or the package itself. */
  explicitPath?: string;
  /** 'cuda' needs the CUDA execution provider next to the binding; default 'cpu'. */
  device?: ExecutionProvider;
  /** The runner's tool cache (`actionsToolCache()` in the action); none: step 3 is skipped. */
  toolCache?: ToolCache;
  /** @actions/cache (`actionsCache()` in the action); none: step 4 is skipped. */
  remoteCache?: RemoteCache;
  /** Runs npm and node; default `spawnCommand`. */
  runCommand?: RunCommand;
  /** Environment for npm and for paths (RUNNER_TEMP): the adapter's (the CLI's or the runner's). */
  env: NodeJS.ProcessEnv;
  /** Notes (restores, installs with their time and size) and warnings; default standard error. */
  log?: RuntimeLog;
  /** false: never install (step 5 is skipped). Default true. */
  install?: boolean;
  /** npm registry for the install; npm's own configuration when absent. */
  registry?: string;
  /** Parent folder of installs and restores; default `$RUNNER_TEMP/evalgate-onnxruntime` (OS temp outside a runner). */
  workDir?: string;
  /** Where node_modules resolution starts (a file URL); this module by default. */
  nodeModulesFrom?: string;
  /** The version to resolve; default the pin in evalgate's package.json. */
  version?: string;
  /** This machine, for the cache keys and the binaries kept; default process.platform / process.arch. */
  platform?: string;
  arch?: string;
  /** The node binary that runs npm and the CUDA install script; default process.execPath. */
  execPath?: string;
  /** Clock in milliseconds for log durations; default performance.now. */
  now?: () => number;
}

/** Finds, loads and returns onnxruntime-node; throws an InputError that says what to do when it cannot. */
export async function resolveOnnxRuntime(options: ResolveOnnxRuntimeOptions): Promise<LoadedRuntime> {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const cuda = options.device === 'cuda';
  if (options.explicitPath !== undefined && options.explicitPath !== '') {
    return loadOnnxRuntime({ resolvers: [explicitPathResolver(options.explicitPath, cuda, platform, arch)] });
  }
  const { env } = options;
  const log = options.log ?? stderrLog;
  const context: CachedRuntimeContext = {
    version: options.version ?? pinnedOnnxRuntimeVersion(),
    target: { platform, arch, cuda },
    toolCache: options.toolCache,
    remoteCache: options.remoteCache,
    runCommand: options.runCommand ?? spawnCommand,
    env,
    log,
    workDir: options.workDir ?? path.join(env.RUNNER_TEMP || os.tmpdir(), 'evalgate-onnxruntime'),
    registry: options.registry,
    execPath: options.execPath ?? process.execPath,
    now: options.now ?? (() => performance.now()),
  };
  return loadOnnxRuntime({
    resolvers: [
      nodeModulesResolver({ fromUrl: options.nodeModulesFrom, cuda, log, platform, arch }),
      toolCacheResolver(context),
      remoteCacheResolver(context),
      ...(options.install === false ? [] : [installResolver(context)]),
    ],
  });
}
