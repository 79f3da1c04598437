// The action's `error-code` output: the stable code of the error that stopped a run (docs/errors.md),
// empty when the run reached a verdict; the failure message, the job summary and verdict.json carry it too.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/action/run.js';
import { copyExample } from '../helpers/cli.js';
import { fakeCore } from '../helpers/fakeCore.js';
import { pullRequestEvent } from '../helpers/runAction.js';

import { pushEventEnvironment } from '../helpers/actionEnvironment.js';

vi.mock('@actions/core', async () => (await import('../helpers/fakeCore.js')).coreModule);

afterEach(() => {
  process.exitCode = undefined;
});

async function runIn(dir: string, inputs: Record<string, string>, extra: NodeJS.ProcessEnv = {}) {
  fakeCore.reset({
    config: 'evalgate.yml',
    'output-dir': 'out',
    'working-directory': dir,
    comment: 'false',
    ...inputs,
  });
  await run({ env: pushEventEnvironment(dir, extra), cache: null, toolCache: null });
}

describe('the error-code output', () => {
  it('is empty on a run that reached a verdict', async () => {
    const dir = copyExample();
    await runIn(dir, {});
    expect(fakeCore.outputs.verdict).toBe('pass');
    expect(fakeCore.outputs['error-code']).toBe('');
  });

  it('names a missing config file, in the output, the failure message and the summary, with exit code 2', async () => {
    const dir = copyExample();
    await runIn(dir, { config: 'missing.yml' });
    expect(fakeCore.outputs.verdict).toBe('error');
    expect(fakeCore.outputs['error-code']).toBe('E_FILE_NOT_FOUND');
    expect(fakeCore.failed?.split('\n').at(-1)).toBe('code: E_FILE_NOT_FOUND');
    expect(fakeCore.summary).toContain('Error code: `E_FILE_NOT_FOUND`');
    expect(process.exitCode).toBe(2);
  });

  it('names a test set that differs from its lock, and records the error in verdict.json', async () => {
    const dir = copyExample();
    appendFileSync(path.join(dir, 'test-set', '0', 'digit-0010.png'), Buffer.from([0]));
    await runIn(dir, {});
    expect(fakeCore.outputs['error-code']).toBe('E_LOCK_MISMATCH');
    const verdict = JSON.parse(readFileSync(path.join(dir, 'out', 'verdict.json'), 'utf8'));
    expect(verdict).toMatchObject({ passed: false, error: { code: 'E_LOCK_MISMATCH' } });
    // No failures list: a script that reads an empty list as a pass cannot mistake an error for one.
    expect(verdict).not.toHaveProperty('failures');
    expect(verdict.error.message).toMatch(/^the test set does not match its lock/);
    expect(verdict.error.hint).toMatch(/evalgate lock/);
  });

  it('on a pull request, leaves pull-request.json and the error for the publish job, even when onnxruntime cannot be found', async () => {
    const dir = copyExample();
    // An earlier run's passing verdict in the same folder (a self-hosted runner's workspace).
    const out = path.join(dir, 'out');
    await runIn(dir, {});
    expect(JSON.parse(readFileSync(path.join(out, 'verdict.json'), 'utf8')).passed).toBe(true);
    const eventFile = path.join(dir, 'pull-request-event.json');
    writeFileSync(
      eventFile,
      JSON.stringify(
        pullRequestEvent({
          owner: 'octo',
          repo: 'models',
          number: 4,
          headSha: 'c'.repeat(40),
          baseSha: 'b'.repeat(40),
        }),
      ),
    );
    await runIn(
      dir,
      { 'baseline-source': 'none', 'onnxruntime-path': path.join(dir, 'no-runtime-here') },
      { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventFile },
    );
    expect(fakeCore.outputs['error-code']).not.toBe('');
    const record = JSON.parse(readFileSync(path.join(out, 'pull-request.json'), 'utf8'));
    expect(record).toMatchObject({ number: 4, headSha: 'c'.repeat(40) });
    const verdict = JSON.parse(readFileSync(path.join(out, 'verdict.json'), 'utf8'));
    expect(verdict).toMatchObject({ passed: false, error: { code: fakeCore.outputs['error-code'] } });
  });

  it('names a malformed retry setting of the runner as a config error naming the variable', async () => {
    const dir = copyExample();
    await runIn(dir, { 'github-token': 'ghs_test' }, { EVALGATE_GITHUB_RETRY_DELAY_MS: 'soon' });
    expect(fakeCore.outputs['error-code']).toBe('E_CONFIG_INVALID');
    expect(fakeCore.failed).toMatch(
      /^EVALGATE_GITHUB_RETRY_DELAY_MS: EVALGATE_GITHUB_RETRY_DELAY_MS must be a number/,
    );
  });
});
