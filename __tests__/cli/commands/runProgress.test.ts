/**
 * `evalgate run` on a terminal shows its phase, then samples, rate and ETA, and ends with one line of
 * total time and throughput; through a pipe or in CI it writes nothing of the kind.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../src/cli/commands/context.js';
import { main } from '../../../src/cli/main.js';
import { copyExample, IMAGE_FOLDER_CONFIG } from '../../helpers/cli.js';

const CONFIG = IMAGE_FOLDER_CONFIG.replace('  path: test-set\n', '  path: test-set\n  lock: none\n');

/** Runs `evalgate run` with stderr as a fake stream (a TTY or not) and a clock that moves 50 ms a read. */
async function runWith(isTTY: boolean, args: string[] = []) {
  const dir = copyExample();
  writeFileSync(path.join(dir, 'my.yml'), CONFIG);
  const writes: string[] = [];
  const lines: string[] = [];
  let t = 0;
  const context: CommandContext = {
    cwd: dir,
    env: process.env,
    stdout: () => {},
    stderr: (line) => lines.push(line),
    stderrStream: { isTTY, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream,
    now: () => (t += 50),
  };
  const code = await main(['run', '--config', 'my.yml', '--no-baseline', '--out', 'out', ...args], context);
  return { code, writes, lines };
}

describe('evalgate run progress', () => {
  it('on a terminal: the phase, then counts with samples/s and an ETA in place, then one closing line', async () => {
    const { code, writes, lines } = await runWith(true);
    expect(code).toBe(0);
    expect(lines).toEqual([]);
    expect(writes[0]).toBe('\r\x1b[2Kreading the test set…'); // lock: none
    const counts = writes.filter((w) => w.includes('evaluating '));
    expect(counts.length).toBeGreaterThan(0);
    expect(counts.every((w) => w.startsWith('\r'))).toBe(true);
    expect(
      counts.some((w) => /evaluating \d+\/540 \(\d+%\) · \d+(\.\d)? samples\/s · ETA \d+\.\d s/.test(w)),
    ).toBe(true);
    expect(writes.at(-1)).toMatch(/^evaluated 540 samples in \d+\.\d s \(\d+(\.\d)? samples\/s\)\n$/);
    expect(writes.filter((w) => w.endsWith('\n'))).toHaveLength(1);
  });

  it('names the lock check as the first phase when there is a lock', async () => {
    const dir = copyExample();
    writeFileSync(path.join(dir, 'my.yml'), CONFIG.replace('  lock: none\n', ''));
    const writes: string[] = [];
    const context: CommandContext = {
      cwd: dir,
      env: process.env,
      stdout: () => {},
      stderr: () => {},
      stderrStream: {
        isTTY: true,
        write: (s: string) => writes.push(s) > 0,
      } as unknown as NodeJS.WriteStream,
    };
    // No lock was written for this config: the run stops in the lock phase, and clears its line.
    const code = await main(['run', '--config', 'my.yml', '--no-baseline', '--lock', 'none.json'], context);
    expect(code).toBe(2);
    expect(writes).toEqual(['\r\x1b[2Kverifying the lock…', '\r\x1b[2K']);
  });

  it('when stderr is not a terminal: nothing, not even the closing line', async () => {
    const { code, writes, lines } = await runWith(false);
    expect(code).toBe(0);
    expect(writes).toEqual([]);
    expect(lines).toEqual([]);
  });
});
