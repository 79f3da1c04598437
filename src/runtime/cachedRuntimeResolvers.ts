/**
 * The three places after node_modules where onnxruntime-node is looked for, in order: the runner's
 * tool cache, @actions/cache, and an npm install of the pinned version. What one of them finds or
 * makes is passed on to the places before it (an install is put in the tool cache and saved to
 * @actions/cache; a restore is put in the tool cache), so the next run stops earlier.
 *
 * A cached copy is checked (version, this platform's binding, the CUDA provider when asked for)
 * before it is trusted; a bad one is passed over with a warning. Putting something into a cache is
 * never essential: a failure there is a warning and the runtime is loaded from where it was made.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { RemoteCache } from '../shared/remoteCache.js';
import { errorMessage } from '../shared/errors.js';
import { installOnnxRuntime } from './installOnnxRuntime.js';
import type { RuntimeCandidate, RuntimeResolver } from './loadOnnxRuntime.js';
import type { RunCommand, RuntimeLog, ToolCache } from './runtimeClients.js';
import { megabytes, RUNTIME_PACKAGE, type RuntimeTarget, unusableReason } from './runtimePlatform.js';

/** Everything the cache and install resolvers share. */
export interface CachedRuntimeContext {
  version: string;
  target: RuntimeTarget;
  toolCache?: ToolCache;
  remoteCache?: RemoteCache;
  runCommand: RunCommand;
  env: NodeJS.ProcessEnv;
  log: RuntimeLog;
  /**
   * Parent of the folder that installs and @actions/cache restores land in. The folder's path is
   * part of an @actions/cache entry's identity, so it must be the same in every run (default:
   * `$RUNNER_TEMP/evalgate-onnxruntime`, the OS temp folder outside a runner).
   */
  workDir: string;
  registry?: string;
  execPath: string;
  /** Clock in milliseconds, for the durations in log lines. */
  now: () => number;
}

/** The runner tool cache's tool name: the CUDA build is a tool of its own, so both can sit side by side. */
export function runtimeToolName(target: RuntimeTarget): string {
  return target.cuda ? `${RUNTIME_PACKAGE}-cuda` : RUNTIME_PACKAGE;
}

/** The @actions/cache key of an installed runtime, e.g. `onnxruntime-node-1.30.0-linux-x64-cuda`. */
export function runtimeCacheKey(version: string, target: RuntimeTarget): string {
  return `${RUNTIME_PACKAGE}-${version}-${target.platform}-${target.arch}${target.cuda ? '-cuda' : ''}`;
}

/** The npm prefix that installs and restores use (its path must not change between runs). */
function runtimeStagingDir(context: CachedRuntimeContext): string {
  return path.join(context.workDir, runtimeCacheKey(context.version, context.target));
}

function packageDirIn(prefix: string): string {
  return path.join(prefix, 'node_modules', RUNTIME_PACKAGE);
}

export function toolCacheResolver(context: CachedRuntimeContext): RuntimeResolver {
  return {
    name: 'runner tool cache',
    async resolve() {
      const { toolCache, version, target, log } = context;
      if (toolCache === undefined) return null;
      const found = toolCache.find(runtimeToolName(target), version, target.arch);
      if (found === '') return null;
      const packageDir = packageDirIn(found);
      const reason = unusableReason(packageDir, version, target);
      if (reason !== null) {
        log.warning(`ignoring the ${RUNTIME_PACKAGE} in the runner tool cache (${found}): ${reason}`);
        return null;
      }
      return { packageDir, source: packageDir, via: 'tool-cache' };
    },
  };
}

export function remoteCacheResolver(context: CachedRuntimeContext): RuntimeResolver {
  return {
    name: '@actions/cache',
    async resolve() {
      const { remoteCache, version, target, log, now } = context;
      if (remoteCache === undefined) return null;
      const key = runtimeCacheKey(version, target);
      const staging = runtimeStagingDir(context);
      const started = now();
      await rm(staging, { recursive: true, force: true });
      let restored: string | undefined;
      try {
        restored = await remoteCache.restore([staging], key);
      } catch (error) {
        log.warning(
          `could not restore ${RUNTIME_PACKAGE} from the Actions cache (${key}): ${errorMessage(error)}`,
        );
        return null;
      }
      if (restored === undefined) return null;
      const packageDir = packageDirIn(staging);
      const reason = unusableReason(packageDir, version, target);
      if (reason !== null) {
        log.warning(`ignoring the ${RUNTIME_PACKAGE} restored from the Actions cache (${key}): ${reason}`);
        await rm(staging, { recursive: true, force: true });
        return null;
      }
      log.info(
        `${RUNTIME_PACKAGE} ${version}: restored from the Actions cache (${key}) in ${seconds(now() - started)}`,
      );
      return promoteToToolCache(context, staging, 'actions-cache');
    },
  };
}

export function installResolver(context: CachedRuntimeContext): RuntimeResolver {
  return {
    name: `npm install ${RUNTIME_PACKAGE}@${context.version}`,
    async resolve() {
      const { remoteCache, version, target, log, now } = context;
      const staging = runtimeStagingDir(context);
      const started = now();
      log.info(
        `${RUNTIME_PACKAGE} ${version}: not cached; installing it with npm for ${target.platform}/${target.arch}${target.cuda ? ' with the CUDA provider' : ''}`,
      );
      const installed = await installOnnxRuntime({
        dir: staging,
        version,
        target,
        runCommand: context.runCommand,
        env: context.env,
        registry: context.registry,
        execPath: context.execPath,
      });
      log.info(
        `${RUNTIME_PACKAGE} ${version}: installed in ${seconds(now() - started)}, ${megabytes(installed.bytes)} ` +
          `after removing ${megabytes(installed.prunedBytes)} of other platforms' binaries`,
      );
      if (remoteCache !== undefined) {
        const key = runtimeCacheKey(version, target);
        try {
          await remoteCache.save([staging], key);
        } catch (error) {
          log.warning(
            `could not save ${RUNTIME_PACKAGE} to the Actions cache (${key}): ${errorMessage(error)}`,
          );
        }
      }
      return promoteToToolCache(context, staging, 'npm-install');
    },
  };
}

/**
 * Copies a runtime made in `staging` into the runner tool cache and returns the copy there; the
 * staging copy itself when there is no tool cache or the copy fails.
 */
async function promoteToToolCache(
  context: CachedRuntimeContext,
  staging: string,
  via: 'actions-cache' | 'npm-install',
): Promise<RuntimeCandidate> {
  const { toolCache, version, target, log } = context;
  const here: RuntimeCandidate = { packageDir: packageDirIn(staging), source: packageDirIn(staging), via };
  if (toolCache === undefined) return here;
  try {
    const cached = packageDirIn(
      await toolCache.cacheDir(staging, runtimeToolName(target), version, target.arch),
    );
    return { packageDir: cached, source: cached, via };
  } catch (error) {
    log.warning(`could not put ${RUNTIME_PACKAGE} into the runner tool cache: ${errorMessage(error)}`);
    return here;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
