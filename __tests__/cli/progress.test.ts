import { describe, expect, it } from 'vitest';
import { createProgress, DRAW_INTERVAL_MS, formatDuration } from '../../src/cli/progress.js';

/** A stream that records what is written; `isTTY` as a terminal or a pipe would say. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (s: string) => writes.push(s) > 0 }, writes };
}

/** A clock the test moves by hand, in ms. */
function fakeClock(start = 1000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** What the terminal shows after the writes: the text after the last carriage return and line clear. */
const visible = (write: string) => write.replace(/^\r\x1b\[2K/, '');

describe('createProgress on a terminal', () => {
  it('shows the phase first, then samples, rate and ETA, redrawn in place', () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgress(stream, { now: clock.now });
    progress.phase('verifying the lock');
    expect(writes).toEqual(['\r\x1b[2Kverifying the lock…']);
    clock.advance(2000); // hashing and loading the model
    progress.update(100, 1000); // the first batch: the rate is measured from here
    expect(visible(writes.at(-1)!)).toBe('evaluating 100/1000 (10%)');
    clock.advance(1000);
    progress.update(300, 1000); // 200 samples in 1 s
    expect(writes.at(-1)!.startsWith('\r')).toBe(true); // in place
    expect(visible(writes.at(-1)!)).toBe('evaluating 300/1000 (30%) · 200 samples/s · ETA 3.5 s');
  });

  it('redraws at most once per DRAW_INTERVAL_MS (a few times a second)', () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgress(stream, { now: clock.now });
    progress.update(1, 1000);
    for (let done = 2; done <= 50; done++) {
      clock.advance(10); // a batch every 10 ms for 490 ms
      progress.update(done, 1000);
    }
    // 490 ms of updates: the first draw, then one each 250 ms.
    expect(writes.length).toBe(1 + Math.floor(490 / DRAW_INTERVAL_MS));
  });

  it('ends with one line: the samples, the total time and the throughput', () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgress(stream, { now: clock.now });
    progress.phase('verifying the lock');
    clock.advance(500);
    progress.update(64, 540);
    clock.advance(1000);
    progress.update(540, 540); // 476 samples in 1 s after the first batch
    clock.advance(100);
    progress.finish();
    progress.done(); // the adapter's finally: nothing more
    expect(writes.at(-2)).toBe('\r\x1b[2K');
    expect(writes.at(-1)).toBe('evaluated 540 samples in 1.6 s (476 samples/s)\n');
  });

  it('counts a second pass (the baseline model) under its own phase, and both in the total', () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgress(stream, { now: clock.now });
    progress.update(50, 100);
    clock.advance(500);
    progress.update(100, 100);
    progress.phase('evaluating the baseline model', true);
    clock.advance(300);
    progress.update(50, 100);
    expect(visible(writes.at(-1)!)).toBe('evaluating the baseline model 50/100 (50%)');
    clock.advance(500);
    progress.update(100, 100);
    progress.finish();
    // 100 samples after the first batches, in 1 s of evaluating.
    expect(writes.at(-1)).toBe('evaluated 200 samples in 1.3 s (100 samples/s)\n');
  });

  it('clears its line after an error, and writes no closing line', () => {
    const { stream, writes } = fakeStream(true);
    const progress = createProgress(stream, { now: fakeClock().now });
    progress.phase('verifying the lock');
    progress.done();
    progress.done();
    expect(writes).toEqual(['\r\x1b[2Kverifying the lock…', '\r\x1b[2K']);
  });
});

describe('createProgress when stderr is not a terminal', () => {
  it('writes nothing at all: no phase, no counts, no closing line (CI logs, pipes)', () => {
    const { stream, writes } = fakeStream(false);
    const clock = fakeClock();
    const progress = createProgress(stream, { now: clock.now });
    progress.phase('verifying the lock');
    progress.update(1, 2);
    clock.advance(1000);
    progress.update(2, 2);
    progress.finish();
    progress.done();
    expect(writes).toEqual([]);
  });
});

describe('formatDuration', () => {
  it('reads as seconds under a minute, then m:ss and h:mm:ss', () => {
    expect(formatDuration(0.42)).toBe('0.4 s');
    expect(formatDuration(59.4)).toBe('59.4 s');
    expect(formatDuration(125)).toBe('2:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});
