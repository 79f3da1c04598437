import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream, writes };
}

describe('createProgress', () => {
  it('draws progress on a terminal and clears the line when done', () => {
    const { stream, writes } = fakeStream(true);
    const progress = createProgress('evaluating', stream);
    progress.update(10, 40);
    progress.update(40, 40);
    progress.done();
    expect(writes[0]).toBe('\revaluating 10/40 (25%)');
    expect(writes).toContain('\revaluating 40/40 (100%)');
    expect(writes.at(-1)).toBe('\r\x1b[2K');
  });

  it('writes nothing when the output is not a terminal (CI logs, pipes)', () => {
    const { stream, writes } = fakeStream(false);
    const progress = createProgress('evaluating', stream);
    progress.update(1, 2);
    progress.update(2, 2);
    progress.done();
    expect(writes).toEqual([]);
  });
});
