/**
 * The outside world the runtime resolver talks to, as parameters (conventions: "Clients are
 * parameters"): the runner's tool cache, a command runner for npm and node, and a log. The action
 * adapter passes real ones (`actionsToolCache()`, `spawnCommand`, core.info/core.warning); tests
 * pass their own, or wrap the real ones to count calls.
 */
import { spawn } from 'node:child_process';

/**
 * The runner's tool cache (the folder in RUNNER_TOOL_CACHE, shared by the jobs of one machine),
 * shaped like @actions/tool-cache's `find` and `cacheDir`.
 */
export interface ToolCache {
  /** The cached folder of `tool` at exactly `version` for `arch`, or '' when there is none. */
  find(tool: string, version: string, arch: string): string;
  /** Copies `sourceDir` into the cache as `tool` `version` `arch`; returns the cached folder. */
  cacheDir(sourceDir: string, tool: string, version: string, arch: string): Promise<string>;
}

export interface CommandResult {
  /** Exit code; null when the process was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program without a shell. Rejects only when it cannot be started (ENOENT...) or when
 * `signal` aborts it (the program is then killed).
 */
export type RunCommand = (
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; signal?: AbortSignal },
) => Promise<CommandResult>;

/** Where the resolver says what it did (a 60 s install should not be silent) and what went wrong on the side. */
export interface RuntimeLog {
  info(message: string): void;
  warning(message: string): void;
}

/** Output kept from a command, per stream (bytes): npm's error is at the end, and its progress can be long. */
const MAX_OUTPUT_CHARS = 64 * 1024;

/** The real RunCommand: child_process.spawn, output collected (the tail of each stream is kept). */
export const spawnCommand: RunCommand = (command, args, options) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      signal: options.signal,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-MAX_OUTPUT_CHARS);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-MAX_OUTPUT_CHARS);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

/** The default log: standard error, so that it never mixes with a command's own output. */
export const stderrLog: RuntimeLog = {
  info: (message) => process.stderr.write(`evalgate: ${message}\n`),
  warning: (message) => process.stderr.write(`evalgate: warning: ${message}\n`),
};
