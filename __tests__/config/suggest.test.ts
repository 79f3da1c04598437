import { describe, expect, it } from 'vitest';
import { MAX_TYPO_DISTANCE, nearest } from '../../src/config/suggest.js';
import { typoDistance } from '../../src/shared/nearestName.js';

describe('nearest: "did you mean" only when the suggestion is close', () => {
  it('suggests a close typo: a slip, a swap, a missing letter, case and separators', () => {
    expect(nearest('colr', ['resize', 'color', 'scale'])).toBe('color');
    expect(nearest('layuot', ['layout', 'mean'])).toBe('layout'); // a swap is one edit
    expect(nearest('rnu', ['run', 'lock', 'compare'])).toBe('run');
    expect(nearest('rbg', ['gray', 'rgb', 'bgr'])).toBe('rgb');
    expect(nearest('max_drop', ['max-drop', 'min'])).toBe('max-drop');
    expect(nearest('Cache', ['cache', 'none'])).toBe('cache');
    expect(nearest('per-class-recal', ['per-class-recall', 'accuracy'])).toBe('per-class-recall');
  });

  it('offers nothing for a far one: a guess misleads more than no suggestion', () => {
    expect(nearest('id', ['std', 'mean'])).toBeUndefined(); // 2 edits of 3 letters
    expect(nearest('on', ['off', 'warn'])).toBeUndefined();
    expect(
      nearest('xyzzyq', ['resize', 'center-crop', 'color', 'scale', 'mean', 'std', 'layout']),
    ).toBeUndefined();
    expect(nearest('12', ['0', '1', '2', '3'])).toBeUndefined(); // a stray folder is not class '1'
    expect(nearest('anything', [])).toBeUndefined();
  });

  it('cuts off at a third of the longer word', () => {
    expect(MAX_TYPO_DISTANCE).toBeCloseTo(1 / 3, 12);
    expect(nearest('abcdef', ['abcdxy'])).toBe('abcdxy'); // 2 of 6
    expect(nearest('abcdef', ['abcxyz'])).toBeUndefined(); // 3 of 6
  });

  it('counts an adjacent swap as one edit (optimal string alignment)', () => {
    expect(typoDistance('mena', 'mean')).toBe(1);
    expect(typoDistance('kitten', 'sitting')).toBe(3);
    expect(typoDistance('', 'abc')).toBe(3);
    expect(typoDistance('same', 'same')).toBe(0);
  });
});
