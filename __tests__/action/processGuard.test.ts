// The process guard (src/action/processGuard.ts): an uncaught exception or an unhandled rejection
// still ends the action with a verdict of error, every output, the summary and the comment, exits
// with the error's code (3 for a crash) and prints a plain message, never a stack trace. The
// process is a stand-in (an EventEmitter), so the test runner's own handlers are never touched.
// The built action against a real uncaught exception: http10Action.test.ts.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installProcessGuard, type ProcessGuardOptions } from '../../src/action/processGuard.js';
import { run } from '../../src/action/run.js';
import { exitCodeOf, InputError } from '../../src/shared/errors.js';
import { pushEventEnvironment } from '../helpers/actionEnvironment.js';
import { copyExample } from '../helpers/cli.js';
import { fakeCore } from '../helpers/fakeCore.js';
import { testClient } from '../helpers/githubTestClient.js';
import { startFakeGitHub } from '../__fixtures__/fakeGitHub.js';
import { pullRequestEvent } from '../helpers/runAction.js';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

vi.mock('@actions/core', async () => (await import('../helpers/fakeCore.js')).coreModule);

afterEach(() => {
  process.exitCode = undefined;
});

/** A stand-in process and a guard on it; `exited` resolves with the code the guard exits with. */
function guarded(overrides: Partial<ProcessGuardOptions> = {}) {
  const fake = Object.assign(new EventEmitter(), { exitCode: undefined as number | undefined });
  const debug: string[] = [];
  const warnings: string[] = [];
  const reported: unknown[] = [];
  let exit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    exit = resolve;
  });
  const exitSpy = vi.fn((code: number) => exit(code));
  const guard = installProcessGuard({
    process: fake,
    report: async (error) => {
      reported.push(error);
    },
    exitCode: exitCodeOf,
    exit: exitSpy,
    debug: (message) => debug.push(message),
    warn: (message) => warnings.push(message),
    ...overrides,
  });
  return { fake, guard, debug, warnings, reported, exited, exitSpy };
}

describe('installProcessGuard', () => {
  it('reports an uncaught exception, then exits 3; the stack goes to the debug log only', async () => {
    const g = guarded();
    const error = new TypeError('nobody caught this');
    g.fake.emit('uncaughtException', error);
    expect(await g.exited).toBe(3);
    expect(g.reported).toEqual([error]);
    expect(g.guard.tripped).toBe(true);
    expect(g.debug.join('\n')).toContain('TypeError: nobody caught this\n    at ');
    expect(g.warnings).toEqual([]);
  });

  it('reports an unhandled rejection of a value that is not an Error, and exits 3', async () => {
    const g = guarded();
    g.fake.emit('unhandledRejection', 'a string, rejected');
    expect(await g.exited).toBe(3);
    expect(g.reported).toEqual(['a string, rejected']);
    expect(g.debug[0]).toBe('evalgate: unhandled promise rejection: a string, rejected');
  });

  it("exits with the error's own code when one of evalgate's errors escapes (2 for bad input)", async () => {
    const g = guarded();
    g.fake.emit('unhandledRejection', new InputError('bad input that escaped'));
    expect(await g.exited).toBe(2);
  });

  it('reports once and exits once when a second error arrives while the first is being reported', async () => {
    const overridesHolder: Partial<ProcessGuardOptions> = {};
    let finish: () => void = () => {};
    const reporting = new Promise<void>((started) => {
      Object.assign(overridesHolder, {
        report: () =>
          new Promise<void>((resolve) => {
            finish = resolve;
            started();
          }),
      });
    });
    const g = guarded(overridesHolder);
    g.fake.emit('uncaughtException', new Error('first'));
    await reporting;
    g.fake.emit('uncaughtException', new Error('second, from the report itself'));
    expect(g.exitSpy).not.toHaveBeenCalled();
    finish();
    expect(await g.exited).toBe(3);
    expect(g.exitSpy).toHaveBeenCalledTimes(1);
    expect(g.debug.join('\n')).toContain('second, from the report itself');
  });

  it('exits 3 after the timeout when the report hangs (the comment on a dead network)', async () => {
    const g = guarded({ report: () => new Promise<void>(() => {}), reportTimeoutMs: 20 });
    g.fake.emit('uncaughtException', new Error('boom'));
    expect(await g.exited).toBe(3);
    expect(g.warnings).toEqual(['evalgate: reporting the error took longer than 0.02 s; stopping']);
  });

  it('still exits 3 with a plain message when the report itself throws', async () => {
    const g = guarded({
      report: () => {
        throw new Error('summary file is gone\n    at somewhere (x.js:1:1)');
      },
    });
    g.fake.emit('uncaughtException', new Error('boom'));
    expect(await g.exited).toBe(3);
    expect(g.warnings).toEqual(['evalgate: boom (and reporting it failed: summary file is gone)']);
  });

  it('leaves the verdict of a run that already ended: logs the error and exits with the run status', async () => {
    const g = guarded();
    g.guard.settle();
    g.fake.exitCode = 1;
    g.fake.emit('uncaughtException', new Error('late\nsecond line'));
    expect(await g.exited).toBe(1);
    expect(g.reported).toEqual([]);
    expect(g.warnings).toEqual([
      'evalgate: uncaught exception after the run had ended (its verdict stands): late',
    ]);
  });

  it('removes its handlers on dispose', () => {
    const g = guarded();
    expect(g.fake.listenerCount('uncaughtException')).toBe(1);
    expect(g.fake.listenerCount('unhandledRejection')).toBe(1);
    g.guard.dispose();
    expect(g.fake.listenerCount('uncaughtException')).toBe(0);
    expect(g.fake.listenerCount('unhandledRejection')).toBe(0);
  });
});

describe('run() with a guarded process', () => {
  it('turns an uncaught exception in the middle of a pull request run into verdict error, every output, the summary and the error comment, exit 3', async () => {
    const github = await startFakeGitHub();
    const dir = copyExample();
    const head = 'c'.repeat(40);
    const base = 'b'.repeat(40);
    github.setPull('octo', 'models', {
      number: 8,
      headSha: head,
      baseSha: base,
      headRef: 'feature',
      baseRef: 'main',
    });
    github.setFile(base, 'baseline.json', readFileSync(path.join(dir, 'baseline.json')));
    // The baseline request is held (a barrier of 2 that one request reaches): the run waits there.
    github.barrier('GET', '/contents/baseline.json', 2);
    const eventFile = path.join(dir, 'pull-request-event.json');
    writeFileSync(
      eventFile,
      JSON.stringify(
        pullRequestEvent({ owner: 'octo', repo: 'models', number: 8, headSha: head, baseSha: base }),
      ),
    );
    fakeCore.reset({
      config: 'evalgate.yml',
      'output-dir': 'out',
      'working-directory': dir,
      'github-token': github.token,
      comment: 'true',
    });
    // What the runner would see when the process exits: the outputs, failure and summary then.
    let atExit: {
      code: number;
      outputs: Record<string, string>;
      failed: string | null;
      summary: string;
    } | null = null;
    let exited: () => void = () => {};
    const exitedPromise = new Promise<void>((resolve) => {
      exited = resolve;
    });
    const fake = Object.assign(new EventEmitter(), {
      exitCode: undefined as number | undefined,
      exit: (code: number) => {
        atExit = {
          code,
          outputs: { ...fakeCore.outputs },
          failed: fakeCore.failed,
          summary: fakeCore.summary,
        };
        exited();
      },
    });
    const running = run({
      env: pushEventEnvironment(dir, {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventFile,
        GITHUB_REF: 'refs/pull/8/merge',
        GITHUB_WORKFLOW: 'PR gate',
        GITHUB_JOB: 'evaluate',
        GITHUB_RUN_ID: '99',
        GITHUB_SERVER_URL: 'https://github.com',
      }),
      cache: null,
      toolCache: null,
      createGitHub: () => testClient(github).client,
      guard: fake,
    });
    while (github.requestsTo('GET', '/contents/baseline.json').length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    fake.emit('uncaughtException', new TypeError("Cannot read properties of undefined (reading 'paused')"));
    await exitedPromise;
    const ending = atExit!;
    expect(ending.code).toBe(3);
    expect(ending.outputs).toMatchObject({
      verdict: 'error',
      passed: 'false',
      'error-code': 'E_INTERNAL',
      regressions: '[]',
      accuracy: '',
      'comment-id': '',
    });
    expect(ending.failed).toBe(
      "internal error: Cannot read properties of undefined (reading 'paused')\n" +
        'This is a bug in evalgate; please report it with the command you ran.\ncode: E_INTERNAL',
    );
    expect(ending.summary).toContain(
      'evalgate could not evaluate ccccccc: internal error: Cannot read properties',
    );
    // The stack trace is in the debug log, not in the failure message or the summary.
    expect(ending.failed).not.toMatch(/\n\s+at /);
    expect(
      fakeCore.log
        .filter((e) => e.level === 'debug')
        .map((e) => e.message)
        .join('\n'),
    ).toMatch(/uncaught exception: TypeError: Cannot read properties[^\n]*\n\s+at /);
    // The error replaced nothing and went up as the sticky comment.
    const comments = github.commentsOn('octo', 'models', 8);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(
      /^<!-- evalgate:comment key=PR_gate\/evaluate:\S*evalgate\.yml -->\n## evalgate: error\n/,
    );
    // The run itself is still waiting for the baseline (a real process has exited by now): let it
    // end, so that nothing of it outlives the test.
    await github.close();
    await running;
  });
});
