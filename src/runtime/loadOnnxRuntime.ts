/**
 * Finds and loads onnxruntime-node at run time.
 *
 * The ncc bundle in dist/ leaves onnxruntime-node out (its native code is ~45 MB per platform), so
 * the runtime is resolved at run time from an ordered list of places, first match wins (conventions,
 * "Shipping the native runtime"). This module holds the loading and the two local places: an
 * explicit folder (the `onnxruntime-path` input) and the project's node_modules. The full chain,
 * with the runner's tool cache, @actions/cache and an install of the pinned version after them, is
 * `resolveOnnxRuntime` (resolveOnnxRuntime.ts).
 *
 * The module is loaded with a dynamic `import()` of a computed file URL; the `webpackIgnore`
 * comment keeps the bundler from trying to resolve it at build time.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorMessage, InputError } from '../shared/errors.js';
import { pinnedOnnxRuntimeVersion } from './pinnedVersion.js';
import type { RuntimeLog } from './runtimeClients.js';
import {
  CUDA_INSTALL_FLAG,
  missingCudaProviderFiles,
  RUNTIME_PACKAGE,
  readRuntimeManifest,
} from './runtimePlatform.js';
import type { LoadedRuntime, OrtModule, RuntimeOrigin } from './types.js';

export { pinnedOnnxRuntimeVersion } from './pinnedVersion.js';

/** A folder holding the onnxruntime-node package, and where it came from (for messages and the report). */
export interface RuntimeCandidate {
  packageDir: string;
  source: string;
  /** Which resolver found it. */
  via?: RuntimeOrigin;
}

/** One place to look for onnxruntime-node; null when it is not there. */
export interface RuntimeResolver {
  name: string;
  resolve(): Promise<RuntimeCandidate | null>;
}

export interface LoadOnnxRuntimeOptions {
  /** A folder containing node_modules/onnxruntime-node, a node_modules folder, or the package folder itself. */
  explicitPath?: string;
  /** Replaces the local resolvers (resolveOnnxRuntime passes its full chain; tests pass their own). */
  resolvers?: RuntimeResolver[];
}

export async function loadOnnxRuntime(options: LoadOnnxRuntimeOptions = {}): Promise<LoadedRuntime> {
  const resolvers = options.resolvers ?? defaultRuntimeResolvers(options.explicitPath);
  for (const resolver of resolvers) {
    const candidate = await resolver.resolve();
    if (candidate !== null) return loadRuntimePackage(candidate);
  }
  throw new InputError(
    `${RUNTIME_PACKAGE} was not found (looked in: ${resolvers.map((r) => r.name).join(', ')})`,
    {
      code: 'E_RUNTIME_UNAVAILABLE',
      where: 'onnxruntime-path',
      hint: `install it with \`npm install ${RUNTIME_PACKAGE}@${safePinnedVersion()}\`, or set onnxruntime-path to a folder that contains node_modules/${RUNTIME_PACKAGE}`,
    },
  );
}

/** The local resolvers: an explicit path, when given, is the only one; else node_modules. */
export function defaultRuntimeResolvers(explicitPath?: string): RuntimeResolver[] {
  if (explicitPath !== undefined && explicitPath !== '') return [explicitPathResolver(explicitPath)];
  return [nodeModulesResolver()];
}

/**
 * The `onnxruntime-path` folder. A path that holds no runtime is an error, never a silent fallback;
 * so is one without the CUDA provider when `cuda` asks for it (`platform`/`arch`: this machine's).
 */
export function explicitPathResolver(
  explicitPath: string,
  cuda = false,
  platform: string = process.platform,
  arch: string = process.arch,
): RuntimeResolver {
  return {
    name: `onnxruntime-path ${explicitPath}`,
    async resolve() {
      const root = path.resolve(explicitPath);
      const candidates = [
        root,
        path.join(root, RUNTIME_PACKAGE),
        path.join(root, 'node_modules', RUNTIME_PACKAGE),
      ];
      const found = candidates.find(isRuntimePackageDir);
      if (found === undefined) {
        throw new InputError(`no ${RUNTIME_PACKAGE} package found in '${explicitPath}'`, {
          code: 'E_RUNTIME_UNAVAILABLE',
          where: 'onnxruntime-path',
          hint: `point it at a folder that contains node_modules/${RUNTIME_PACKAGE} (for example one made by \`npm install --prefix <dir> ${RUNTIME_PACKAGE}@${safePinnedVersion()}\`) or at the package folder itself`,
        });
      }
      const missing = cuda ? missingCudaProviderFiles(found, platform, arch) : [];
      if (missing.length > 0) {
        throw new InputError(
          `device is cuda, but the ${RUNTIME_PACKAGE} in '${explicitPath}' has no CUDA provider (missing ${missing.join(', ')})`,
          {
            code: 'E_RUNTIME_UNAVAILABLE',
            where: 'onnxruntime-path',
            hint: `add it with \`node ${path.join(found, 'script', 'install.js')} ${CUDA_INSTALL_FLAG}\` (or install it with the environment variable ONNXRUNTIME_NODE_INSTALL=1), or use device: cpu`,
          },
        );
      }
      return { packageDir: found, source: found, via: 'onnxruntime-path' };
    },
  };
}

/**
 * node_modules, resolved the way Node resolves a dependency of the module at `fromUrl` (this one by
 * default). A copy without the CUDA provider is passed over when `cuda` asks for it, so that the
 * later resolvers can supply one.
 */
export interface NodeModulesResolverOptions {
  /** Where node_modules resolution starts (a file URL); this module by default. */
  fromUrl?: string;
  /** Only a package with the CUDA provider will do. */
  cuda?: boolean;
  log?: RuntimeLog;
  /** This machine; default process.platform / process.arch. */
  platform?: string;
  arch?: string;
}

export function nodeModulesResolver(options: NodeModulesResolverOptions = {}): RuntimeResolver {
  const {
    fromUrl = import.meta.url,
    cuda = false,
    log,
    platform = process.platform,
    arch = process.arch,
  } = options;
  return {
    name: 'node_modules',
    async resolve() {
      let packageDir: string;
      try {
        packageDir = path.dirname(createRequire(fromUrl).resolve(`${RUNTIME_PACKAGE}/package.json`));
      } catch {
        return null;
      }
      const missing = cuda ? missingCudaProviderFiles(packageDir, platform, arch) : [];
      if (missing.length > 0) {
        log?.info(`${packageDir} has no CUDA provider (missing ${missing.join(', ')}); looking further`);
        return null;
      }
      return { packageDir, source: packageDir, via: 'node_modules' };
    },
  };
}

function isRuntimePackageDir(dir: string): boolean {
  return readRuntimeManifest(dir) !== null;
}

/** Checks that the package has a native binary for this platform, then imports it. */
export async function loadRuntimePackage(candidate: RuntimeCandidate): Promise<LoadedRuntime> {
  const { packageDir, source, via } = candidate;
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    version?: string;
    main?: string;
    binary?: { napi_versions?: number[] };
  };
  const version = manifest.version ?? 'unknown';
  const napi = manifest.binary?.napi_versions?.[0] ?? 6;
  const binDir = path.join(packageDir, 'bin', `napi-v${napi}`);
  const platform = `${process.platform}/${process.arch}`;
  if (!existsSync(path.join(binDir, process.platform, process.arch, 'onnxruntime_binding.node'))) {
    const available = listPrebuiltPlatforms(binDir);
    throw new InputError(
      `${RUNTIME_PACKAGE} ${version} in '${packageDir}' has no native binary for ${platform}` +
        (available.length > 0 ? ` (it has: ${available.join(', ')})` : ''),
      {
        code: 'E_RUNTIME_UNAVAILABLE',
        where: 'onnxruntime-path',
        hint: `onnxruntime-node ships prebuilt binaries for Linux, macOS and Windows on x64 and arm64; run on one of those, or set onnxruntime-path to a build of ${RUNTIME_PACKAGE} for ${platform}`,
      },
    );
  }
  const entry = path.join(packageDir, manifest.main ?? 'index.js');
  let namespace: { default?: unknown };
  try {
    namespace = (await import(/* webpackIgnore: true */ pathToFileURL(entry).href)) as { default?: unknown };
  } catch (error) {
    throw new InputError(
      `could not load ${RUNTIME_PACKAGE} ${version} from '${packageDir}': ${errorMessage(error)}`,
      {
        code: 'E_RUNTIME_UNAVAILABLE',
        where: 'onnxruntime-path',
        hint: `reinstall it (\`npm ci\`, or \`npm install ${RUNTIME_PACKAGE}@${safePinnedVersion()}\`); the native library must match this OS and CPU`,
        cause: error,
      },
    );
  }
  // A CommonJS package: its exports object is the namespace's default.
  const ort = (namespace.default ?? namespace) as OrtModule;
  if (typeof ort?.InferenceSession?.create !== 'function') {
    throw new InputError(`'${packageDir}' does not export an onnxruntime InferenceSession`, {
      code: 'E_RUNTIME_UNAVAILABLE',
      where: 'onnxruntime-path',
      hint: `point onnxruntime-path at an installed ${RUNTIME_PACKAGE} package`,
    });
  }
  return { ort, version, source, ...(via ? { via } : {}) };
}

function listPrebuiltPlatforms(binDir: string): string[] {
  const found: string[] = [];
  if (!existsSync(binDir)) return found;
  for (const os of readdirSync(binDir)) {
    const osDir = path.join(binDir, os);
    if (!statSync(osDir).isDirectory()) continue;
    for (const arch of readdirSync(osDir)) {
      if (existsSync(path.join(osDir, arch, 'onnxruntime_binding.node'))) found.push(`${os}/${arch}`);
    }
  }
  return found.sort();
}

/** For hints: the pinned version, or words pointing at package.json if it cannot be read. */
function safePinnedVersion(): string {
  try {
    return pinnedOnnxRuntimeVersion();
  } catch {
    return 'the version in package.json';
  }
}
