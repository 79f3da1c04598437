import { describe, expect, it } from 'vitest';
import {
  formatPercent,
  formatPoints,
  MESSAGE_NAME_CHARS,
  messageName,
  printableName,
  truncate,
} from '../../src/compare/messageText.js';

describe('printableName', () => {
  it('writes control characters as visible escapes', () => {
    expect(printableName('a\nb\r\tc\u001b[0m\u0085')).toBe('a\\nb\\r\\tc\\u001b[0m\\u0085');
  });

  it('writes bidirectional formatting characters as escapes so they cannot reorder the text', () => {
    // U+202E RIGHT-TO-LEFT OVERRIDE would show "safe\u202Egnp.exe" as "safeexe.png".
    const names = ['\u200e', '\u200f', '\u061c', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e'];
    names.push('\u2066', '\u2067', '\u2068', '\u2069');
    for (const c of names) {
      const shown = printableName(`x${c}y`);
      expect(shown).toBe(`x\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}y`);
    }
    expect(messageName('safe\u202egnp.exe')).toBe('safe\\u202egnp.exe');
  });

  it('leaves ordinary text, accents and right-to-left letters as they are', () => {
    expect(printableName('café 猫 قطة')).toBe('café 猫 قطة');
  });
});

describe('truncate', () => {
  it('cuts to at most max code points with an ellipsis, never splitting a surrogate pair', () => {
    expect(truncate('abcdefgh', 5)).toBe('abcd…');
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…');
    // Four emoji are 8 UTF-16 units but 4 code points: within a limit of 4, nothing is cut.
    expect(truncate('😀😀😀😀', 4)).toBe('😀😀😀😀');
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('cuts a sentence between words, never in the middle of one (issue 9, item 6: "… per c…")', () => {
    const sentence = 'a drop of 0.020 itself becomes significant with 608 to 734 more samples per class';
    const cut = truncate(sentence, 75); // would end in "per c" or "pe" if cut by characters
    expect(cut).toBe('a drop of 0.020 itself becomes significant with 608 to 734 more samples…');
    expect(Array.from(cut).length).toBeLessThanOrEqual(75);
    // A cut falling right before a space keeps the whole last word.
    expect(truncate('one two three', 8)).toBe('one two…');
    // No comma or semicolon before the ellipsis.
    expect(truncate('first part; second part', 14)).toBe('first part…');
    // A word longer than half the room is cut where it must be, as a name without spaces is.
    expect(truncate('see sha256:0123456789abcdef', 12)).toBe('see sha256:…');
  });
});

describe('formatPercent and formatPoints', () => {
  it('writes rates in percent and their changes in percentage points, with decimals enough to differ', () => {
    expect(formatPercent(0.962)).toBe('96.2%');
    expect(formatPoints(0.173)).toBe('17.3 pp');
    expect(formatPoints(0.02)).toBe('2.0 pp');
    expect(formatPoints(0.0201, 0.02)).toBe('2.01 pp');
    expect(formatPoints(0.02, 0.0201)).toBe('2.00 pp');
    expect(formatPercent(0.978, 0.9781)).toBe('97.80%');
    expect(formatPoints(-0.00001)).toBe('0.0 pp');
  });
});

describe('messageName', () => {
  it('cuts a very long class name to MESSAGE_NAME_CHARS code points after escaping', () => {
    const shown = messageName(`${'猫'.repeat(200)}`);
    expect(Array.from(shown)).toHaveLength(MESSAGE_NAME_CHARS);
    expect(shown.endsWith('…')).toBe(true);
    expect(messageName('a\nb')).toBe('a\\nb');
  });
});
