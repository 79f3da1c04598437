/**
 * Installs the pinned onnxruntime-node into a folder of its own with npm, keeps only this
 * platform's native code and, for GPU runs, adds the CUDA execution provider.
 *
 * `--ignore-scripts`: onnxruntime-node's postinstall (script/install.js) downloads the CUDA provider
 * from NuGet on every linux/x64 install, GPU or not (install-metadata.js lists 'cuda12' as a default
 * requirement there), hundreds of MB that a CPU run never loads. So scripts are off, and a GPU run
 * calls that same script afterwards with its force flag (CUDA_INSTALL_FLAG, which fetches 'cuda12'),
 * reusing its NuGet lookup, proxy support (global-agent) and file layout instead of copying them.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../shared/errors.js';
import type { RunCommand } from './runtimeClients.js';
import {
  CUDA_INSTALL_FLAG,
  CUDA_PLATFORMS,
  folderSize,
  PREBUILT_PLATFORMS,
  pruneOtherPlatforms,
  RUNTIME_PACKAGE,
  type RuntimeTarget,
  unusableReason,
} from './runtimePlatform.js';

export interface InstallRuntimeOptions {
  /** npm prefix: emptied first; the package lands in `<dir>/node_modules/onnxruntime-node`. */
  dir: string;
  version: string;
  target: RuntimeTarget;
  runCommand: RunCommand;
  env: NodeJS.ProcessEnv;
  /** npm registry URL; npm's own configuration (.npmrc, npm_config_registry) when absent. */
  registry?: string;
  /** The node binary that runs npm's CLI and the package's install script. */
  execPath: string;
  /** Longest each command (npm install, the CUDA download) may run; default COMMAND_TIMEOUT_MS. */
  timeoutMs?: number;
}

/**
 * Longest `npm install` (or the CUDA provider's download) may run: 10 minutes. The install is
 * 18 s here (scripts/prove-runtime-install.mjs, 109 MB from registry.npmjs.org); a registry or proxy that accepts the connection and then stalls
 * would otherwise hold the job until its 6-hour limit, with no message.
 */
export const COMMAND_TIMEOUT_MS = 10 * 60 * 1000;

export interface InstalledRuntime {
  packageDir: string;
  /** Size of the install after pruning, in bytes. */
  bytes: number;
  /** Bytes of other platforms' native code removed. */
  prunedBytes: number;
}

/** The npm command line: npm's CLI script run by `execPath` where it can be found, else `npm` on PATH. */
export function locateNpm(
  execPath: string,
  env: NodeJS.ProcessEnv,
  platform: string = process.platform,
): { command: string; args: string[] } {
  const nodeDir = path.dirname(execPath);
  const candidates = [
    // Set by npm itself when evalgate runs under `npm run` / `npx`.
    env.npm_execpath?.endsWith('npm-cli.js') ? env.npm_execpath : undefined,
    // Node's own distributions: lib/node_modules/npm on Linux and macOS, node_modules/npm on Windows.
    path.join(nodeDir, '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    path.join(nodeDir, 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  const cli = candidates.find((candidate) => candidate !== undefined && existsSync(candidate));
  if (cli !== undefined) return { command: execPath, args: [cli] };
  return { command: platform === 'win32' ? 'npm.cmd' : 'npm', args: [] };
}

/** Refuses, before any download, a platform the pinned version has no binary (or CUDA provider) for. */
function assertInstallable(version: string, target: RuntimeTarget): void {
  const platform = `${target.platform}/${target.arch}`;
  if (!PREBUILT_PLATFORMS.includes(platform)) {
    throw new InputError(
      `${RUNTIME_PACKAGE} ${version} has no prebuilt binary for ${platform}, so evalgate cannot install it here`,
      {
        code: 'E_RUNTIME_UNAVAILABLE',
        where: 'onnxruntime-path',
        hint: `run on ${PREBUILT_PLATFORMS.join(', ')}, or build ${RUNTIME_PACKAGE} ${version} for ${platform} and set the onnxruntime-path input to the folder that holds node_modules/${RUNTIME_PACKAGE}`,
      },
    );
  }
  if (target.cuda && !CUDA_PLATFORMS.includes(platform)) {
    throw new InputError(
      `device: cuda needs the onnxruntime CUDA provider, which ${RUNTIME_PACKAGE} ${version} offers for ${CUDA_PLATFORMS.join(', ')} only, not ${platform}`,
      {
        code: 'E_RUNTIME_UNAVAILABLE',
        where: 'device',
        hint: `use device: cpu here, or run on a ${CUDA_PLATFORMS.join(' or ')} runner, or set onnxruntime-path to a CUDA-enabled build for ${platform}`,
      },
    );
  }
}

export async function installOnnxRuntime(options: InstallRuntimeOptions): Promise<InstalledRuntime> {
  const { dir, version, target, runCommand, env, execPath } = options;
  assertInstallable(version, target);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });

  const npm = locateNpm(execPath, env, target.platform);
  const spec = `${RUNTIME_PACKAGE}@${version}`;
  const args = [
    ...npm.args,
    'install',
    '--prefix',
    dir,
    '--ignore-scripts',
    '--no-save',
    '--no-audit',
    '--no-fund',
    '--no-update-notifier',
    // npm retries a failed request twice by default too; said here so a user config cannot set 0.
    '--fetch-retries=2',
    ...(options.registry ? ['--registry', options.registry] : []),
    spec,
  ];
  const timeoutMs = options.timeoutMs ?? COMMAND_TIMEOUT_MS;
  const offline = `install it yourself (\`npm install --prefix <dir> ${spec}\`) and set the onnxruntime-path input to <dir>`;
  const installed = await run({
    runCommand,
    command: npm.command,
    args,
    spawn: { cwd: dir, env },
    what: `npm install ${spec}`,
    help: {
      hint: `check that the runner can reach the npm registry (\`npm config get registry\`; behind a proxy set HTTPS_PROXY), or ${offline}`,
      missing: `npm was not found (looked next to ${execPath} and for '${npm.command}' on PATH)`,
      timedOut: `the npm registry did not deliver it in time: check the runner's access to it (\`npm config get registry\`; behind a proxy set HTTPS_PROXY), or, offline, ${offline}`,
    },
    timeoutMs,
  });
  const packageDir = path.join(dir, 'node_modules', RUNTIME_PACKAGE);
  if (!existsSync(path.join(packageDir, 'package.json'))) {
    throw new InputError(`npm install ${spec} finished but left no ${RUNTIME_PACKAGE} package in ${dir}`, {
      code: 'E_RUNTIME_UNAVAILABLE',
      where: 'onnxruntime-path',
      hint: `npm said: ${lastLines(installed.stdout + installed.stderr)}`,
    });
  }
  const prunedBytes = pruneOtherPlatforms(packageDir, target.platform, target.arch);

  if (target.cuda) {
    await run({
      runCommand,
      command: execPath,
      args: [path.join(packageDir, 'script', 'install.js'), CUDA_INSTALL_FLAG],
      spawn: { cwd: packageDir, env: withoutInstallOverrides(env) },
      what: `${RUNTIME_PACKAGE}'s install script (${CUDA_INSTALL_FLAG})`,
      help: {
        hint: `the CUDA provider comes from NuGet (api.nuget.org, package Microsoft.ML.OnnxRuntime.Gpu.Linux ${version}): check the runner's access to it (behind a proxy set GLOBAL_AGENT_HTTPS_PROXY), or install onnxruntime-node yourself with ONNXRUNTIME_NODE_INSTALL=1 in the environment and set onnxruntime-path`,
        missing: `node (${execPath}) could not be started`,
        timedOut: `NuGet (api.nuget.org) did not deliver the CUDA provider in time: check the runner's access to it (behind a proxy set GLOBAL_AGENT_HTTPS_PROXY), or, offline, install onnxruntime-node yourself with ONNXRUNTIME_NODE_INSTALL=1 in the environment and set onnxruntime-path to it`,
      },
      timeoutMs,
    });
  }
  const reason = unusableReason(packageDir, version, target);
  if (reason !== null) {
    throw new InputError(`the freshly installed ${spec} is not usable: ${reason}`, {
      code: 'E_RUNTIME_UNAVAILABLE',
      where: target.cuda ? 'device' : 'onnxruntime-path',
      hint: `set onnxruntime-path to a working install of ${spec}`,
    });
  }
  return { packageDir, bytes: folderSize(dir), prunedBytes };
}

/**
 * The environment without the variables that override the install script's command-line flag
 * (install-utils.js reads them first): `onnxruntime-node-install=skip` in a project's .npmrc reaches
 * scripts run under `npm run` as npm_config_onnxruntime_node_install and would skip the download.
 */
function withoutInstallOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of Object.keys(copy)) {
    if (/^(ONNXRUNTIME_NODE_INSTALL(_CUDA)?|npm_config_onnxruntime_node_install(_cuda)?)$/i.test(name)) {
      delete copy[name];
    }
  }
  return copy;
}

/**
 * Runs a command and turns a failure to start, a non-zero exit or running past `timeoutMs` (the
 * command is killed) into an InputError that says what to do.
 */
interface CommandRun {
  runCommand: RunCommand;
  command: string;
  args: string[];
  spawn: { cwd: string; env: NodeJS.ProcessEnv };
  /** The command as messages name it. */
  what: string;
  /** What to do when it fails, when it cannot start, and when it runs out of time. */
  help: { hint: string; missing: string; timedOut: string };
  timeoutMs: number;
}

async function run(commandRun: CommandRun): Promise<{ stdout: string; stderr: string }> {
  const { runCommand, command, args, spawn: options, what, help, timeoutMs } = commandRun;
  const abort = new AbortController();
  const timedOut = () =>
    new InputError(`${what} did not finish within ${describeDuration(timeoutMs)} and was stopped`, {
      code: 'E_RUNTIME_UNAVAILABLE',
      where: 'onnxruntime-path',
      hint: help.timedOut,
    });
  let timer: NodeJS.Timeout | undefined;
  // Rejects at the deadline even if a runner ignores the signal, so the run can never hang here.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(timedOut());
    }, timeoutMs);
  });
  let result: Awaited<ReturnType<RunCommand>>;
  try {
    result = await Promise.race([runCommand(command, args, { ...options, signal: abort.signal }), deadline]);
  } catch (error) {
    if (abort.signal.aborted) throw error instanceof InputError ? error : timedOut();
    throw new InputError(`${what} could not run: ${help.missing}: ${(error as Error).message}`, {
      code: 'E_RUNTIME_UNAVAILABLE',
      where: 'onnxruntime-path',
      hint: help.hint,
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
  if (result.code !== 0) {
    throw new InputError(
      `${what} failed (exit ${result.code ?? 'by signal'}): ${lastLines(result.stderr || result.stdout)}`,
      { code: 'E_RUNTIME_UNAVAILABLE', where: 'onnxruntime-path', hint: help.hint },
    );
  }
  return result;
}

/** "10 minutes", "90 seconds", "50 ms": the deadline as people read it. */
function describeDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000} seconds`;
  return `${ms} ms`;
}

/** The end of a command's output, where npm puts its error, on one line. */
function lastLines(text: string, count = 6): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.length === 0 ? '(no output)' : lines.slice(-count).join(' | ');
}
