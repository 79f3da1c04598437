// installOnnxRuntime's deadline: a registry that accepts the connection and then stalls must end
// the run with a message naming the offline alternative (onnxruntime-path), not hold the job for
// hours. The real install against a registry is in resolveOnnxRuntime.test.ts.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/shared/errors.js';
import {
  COMMAND_TIMEOUT_MS,
  type InstallRuntimeOptions,
  installOnnxRuntime,
} from '../../src/runtime/installOnnxRuntime.js';
import { type RunCommand, spawnCommand } from '../../src/runtime/runtimeClients.js';

const target = { platform: 'linux', arch: 'x64', cuda: false };

function scratch(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'evalgate-install-'));
}

/** installOnnxRuntime of 1.30.0 for linux/x64 into a fresh folder, commands run by `runCommand`. */
function install(runCommand: RunCommand, options: Partial<InstallRuntimeOptions> = {}) {
  return installOnnxRuntime({
    dir: path.join(scratch(), 'ort'),
    version: '1.30.0',
    target,
    runCommand,
    env: {},
    execPath: process.execPath,
    ...options,
  });
}

/** A script that writes its pid to `pidFile` and then waits for a long time, like a stalled npm. */
function hangingScript(dir: string, pidFile: string): string {
  const script = path.join(dir, 'npm-cli.js');
  writeFileSync(
    script,
    `require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nsetTimeout(() => {}, 1e9);\n`,
  );
  return script;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean): Promise<void> {
  // Bounded by the test's own timeout; no fixed sleep decides the outcome.
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('installOnnxRuntime', () => {
  it('waits at most 10 minutes for npm by default', () => {
    expect(COMMAND_TIMEOUT_MS).toBe(10 * 60 * 1000);
  });

  it('asks npm to retry failed requests', async () => {
    let seen: string[] = [];
    const runCommand: RunCommand = async (_command, args) => {
      seen = args;
      return { code: 1, stdout: '', stderr: 'npm error network' };
    };
    await expect(install(runCommand)).rejects.toThrow(
      /npm install onnxruntime-node@1.30.0 failed \(exit 1\): npm error network/,
    );
    expect(seen).toContain('--fetch-retries=2');
  });

  it('stops an npm that never ends at the deadline, aborting it, with onnxruntime-path as the offline way', async () => {
    let signal: AbortSignal | undefined;
    // Never settles, whatever the signal does: the deadline alone must end the wait.
    const runCommand: RunCommand = (_command, _args, options) => {
      signal = options.signal;
      return new Promise(() => {});
    };
    const error = await install(runCommand, { timeoutMs: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const inputError = error as InputError;
    expect(inputError.message).toBe(
      'npm install onnxruntime-node@1.30.0 did not finish within 20 ms and was stopped',
    );
    expect(inputError.where).toBe('onnxruntime-path');
    expect(inputError.hint).toMatch(/offline, install it yourself .*set the onnxruntime-path input/);
    expect(signal?.aborted).toBe(true);
  });

  it('kills a real stalled npm process at the deadline', async () => {
    const dir = scratch();
    const pidFile = path.join(dir, 'npm.pid');
    // npm_execpath ending in npm-cli.js is the npm locateNpm runs: here, the stalled stand-in.
    const env = { ...process.env, npm_execpath: hangingScript(dir, pidFile) };
    await expect(install(spawnCommand, { dir: path.join(dir, 'ort'), env, timeoutMs: 200 })).rejects.toThrow(
      /did not finish within 200 ms and was stopped/,
    );
    // When the stand-in started before the deadline, it must be gone now.
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
    if (pid > 0) await until(() => !isAlive(pid));
  });
});

describe('spawnCommand', () => {
  it('kills the program and rejects when its signal aborts', async () => {
    const dir = scratch();
    const pidFile = path.join(dir, 'child.pid');
    const abort = new AbortController();
    const running = spawnCommand(process.execPath, [hangingScript(dir, pidFile)], {
      env: process.env,
      signal: abort.signal,
    });
    const settled = running.catch((error: unknown) => error);
    await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(isAlive(pid)).toBe(true);
    abort.abort();
    expect(await settled).toMatchObject({ name: 'AbortError' });
    await until(() => !isAlive(pid));
  });
});
