/**
 * What onnxruntime-node ships for which platform, and the checks and pruning of an installed copy.
 *
 * The npm package carries prebuilt native code for every platform it supports (288 MB for 1.30.0),
 * in `bin/napi-v<N>/<platform>/<arch>/`; only one of those folders is ever loaded on a machine, so
 * an install keeps ours and drops the rest (45 MB left on linux/x64) before it is cached.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export const RUNTIME_PACKAGE = 'onnxruntime-node';

/**
 * platform/arch pairs with a prebuilt binary in onnxruntime-node 1.30.0 (its bin/napi-v6 folder;
 * darwin/x64 was dropped upstream). Checked before an install, so that an unsupported runner gets a
 * message instead of a 100 MB download; a test compares it with the copy in node_modules, so a
 * version bump that changes the list fails there.
 */
export const PREBUILT_PLATFORMS: readonly string[] = [
  'darwin/arm64',
  'linux/arm64',
  'linux/x64',
  'win32/arm64',
  'win32/x64',
];

/**
 * platform/arch pairs for which onnxruntime-node's install script can fetch the CUDA execution
 * provider (script/install-metadata.js: `requirements`, the 'cuda12' manifest exists for linux/x64 only).
 */
export const CUDA_PLATFORMS: readonly string[] = ['linux/x64'];

/**
 * Files the CUDA provider adds next to the binding (install-metadata.js, manifest 'linux/x64:cuda12');
 * onnxruntime loads them from the binding's folder when a session asks for the 'cuda' provider.
 */
export const CUDA_PROVIDER_FILES: readonly string[] = [
  'libonnxruntime_providers_cuda.so',
  'libonnxruntime_providers_shared.so',
];

/**
 * The flag that makes onnxruntime-node's install script fetch the CUDA provider even when scripts
 * would skip it: the bare flag means "force the platform's default requirements", which on
 * linux/x64 are exactly ['cuda12'] (install-metadata.js). Not `=cuda12`, its documented form: in
 * 1.30.0, install-utils.js parseInstallFlag validates an explicit value and then falls out of its
 * switch, returning undefined, so that form silently means "no flag" (a test pins this down).
 */
export const CUDA_INSTALL_FLAG = '--onnxruntime-node-install';

export interface RuntimeTarget {
  /** process.platform of the machine the runtime is for. */
  platform: string;
  /** process.arch of that machine. */
  arch: string;
  /** Whether the CUDA execution provider is needed (device: cuda). */
  cuda: boolean;
}

interface RuntimeManifest {
  name?: string;
  version?: string;
  main?: string;
  binary?: { napi_versions?: number[] };
}

/** The package's package.json, or null when `dir` holds no onnxruntime-node package. */
export function readRuntimeManifest(dir: string): RuntimeManifest | null {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return null;
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as RuntimeManifest;
    return manifest.name === RUNTIME_PACKAGE ? manifest : null;
  } catch {
    return null;
  }
}

/** The folder of the native binding for `platform/arch` inside a package. */
export function bindingDir(
  packageDir: string,
  manifest: RuntimeManifest,
  platform: string,
  arch: string,
): string {
  const napi = manifest.binary?.napi_versions?.[0] ?? 6;
  return path.join(packageDir, 'bin', `napi-v${napi}`, platform, arch);
}

/** The CUDA provider files missing from a package's binding folder (empty when it has them all). */
export function missingCudaProviderFiles(packageDir: string, platform: string, arch: string): string[] {
  const manifest = readRuntimeManifest(packageDir);
  if (manifest === null) return [...CUDA_PROVIDER_FILES];
  const dir = bindingDir(packageDir, manifest, platform, arch);
  return CUDA_PROVIDER_FILES.filter((file) => !existsSync(path.join(dir, file)));
}

/**
 * Why an installed copy is not usable for `target` at `version`, or null when it is: the package is
 * there, at that version, with a binding for the platform, and the CUDA provider when asked for.
 * Cached copies are checked with this before they are trusted.
 */
export function unusableReason(packageDir: string, version: string, target: RuntimeTarget): string | null {
  const manifest = readRuntimeManifest(packageDir);
  if (manifest === null) return `no ${RUNTIME_PACKAGE} package in ${packageDir}`;
  if (manifest.version !== version) return `it is version ${manifest.version ?? 'unknown'}, not ${version}`;
  const dir = bindingDir(packageDir, manifest, target.platform, target.arch);
  if (!existsSync(path.join(dir, 'onnxruntime_binding.node'))) {
    return `it has no native binding for ${target.platform}/${target.arch}`;
  }
  if (target.cuda) {
    const missing = missingCudaProviderFiles(packageDir, target.platform, target.arch);
    if (missing.length > 0) return `it has no CUDA provider (missing ${missing.join(', ')})`;
  }
  return null;
}

/**
 * Deletes every other platform's and architecture's native folder under `bin/napi-v*`; returns the
 * bytes freed. Only whole `<platform>` or `<platform>/<arch>` folders go, so the loader finds ours
 * exactly where it was.
 */
export function pruneOtherPlatforms(packageDir: string, platform: string, arch: string): number {
  const binRoot = path.join(packageDir, 'bin');
  if (!existsSync(binRoot)) return 0;
  let freed = 0;
  const remove = (dir: string) => {
    freed += folderSize(dir);
    rmSync(dir, { recursive: true, force: true });
  };
  for (const napi of readdirSync(binRoot)) {
    const napiDir = path.join(binRoot, napi);
    if (!napi.startsWith('napi-v') || !statSync(napiDir).isDirectory()) continue;
    for (const os of readdirSync(napiDir)) {
      const osDir = path.join(napiDir, os);
      if (!statSync(osDir).isDirectory()) continue;
      if (os !== platform) {
        remove(osDir);
        continue;
      }
      for (const cpu of readdirSync(osDir)) {
        const cpuDir = path.join(osDir, cpu);
        if (cpu !== arch && statSync(cpuDir).isDirectory()) remove(cpuDir);
      }
    }
  }
  return freed;
}

/** Total size of the files under `dir`, in bytes (symbolic links are not followed). */
export function folderSize(dir: string): number {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) total += statSync(full).size;
    }
  }
  return total;
}

/** Bytes as megabytes with one decimal, for log lines. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
