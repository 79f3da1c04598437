import { describe, expect, it } from 'vitest';
import { errorBody } from '../../src/action/actionOutcome.js';
import { EvalgateError, ExitCode, InputError } from '../../src/shared/errors.js';
import { commentMarker } from '../../src/render/markdown.js';

describe('errorBody (the comment and summary of a run that stopped)', () => {
  it('starts with the marker, names the commit and the message, and keeps the hint verbatim in a code block', () => {
    const error = new InputError('the test set does not match its lock', {
      where: 'test-set',
      hint: 'run `evalgate lock <test-set>` and commit the new lock',
    });
    const body = errorBody(error, {
      marker: commentMarker('PR gate/evaluate'),
      commit: 'c0ffee'.repeat(6) + 'abcd',
      runUrl: 'https://github.com/octo/models/actions/runs/1',
    });
    expect(body.split('\n').slice(0, 4)).toEqual([
      commentMarker('PR gate/evaluate'),
      '## evalgate: error',
      '',
      'evalgate could not evaluate c0ffeec: test-set: the test set does not match its lock',
    ]);
    expect(body).toContain('```text\nhint: run `evalgate lock <test-set>` and commit the new lock\n```');
    expect(body).toContain('[Workflow run](https://github.com/octo/models/actions/runs/1)');
  });

  it('cannot be broken by markup in the message or backticks in the details', () => {
    const error = new EvalgateError('bad <img src=x> *name*', ExitCode.internal, {
      hint: 'a ``` fence and a ```` longer one',
    });
    const body = errorBody(error, {});
    expect(body).toContain('evalgate could not evaluate: bad \\<img src=x\\> \\*name\\*');
    // The fence is longer than any backtick run inside it.
    expect(body).toContain('`````text\nhint: a ``` fence and a ```` longer one\n`````');
    expect(body.startsWith('## evalgate: error')).toBe(true);
  });

  it('stays short for a huge message', () => {
    const body = errorBody(new InputError('x'.repeat(100_000)), {});
    expect(body.length).toBeLessThan(5_000);
  });

  it('calls anything but an evalgate error an internal error, a bug to report', () => {
    expect(errorBody(new TypeError('boom'), {})).toMatch(
      /evalgate could not evaluate: internal error: boom\n\n```text\nThis is a bug in evalgate/,
    );
  });
});
