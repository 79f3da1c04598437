import { describe, expect, it } from 'vitest';
import { MESSAGE_NAME_CHARS, messageName, printableName, truncate } from '../../src/compare/messageText.js';

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
});

describe('messageName', () => {
  it('cuts a very long class name to MESSAGE_NAME_CHARS code points after escaping', () => {
    const shown = messageName(`${'猫'.repeat(200)}`);
    expect(Array.from(shown)).toHaveLength(MESSAGE_NAME_CHARS);
    expect(shown.endsWith('…')).toBe(true);
    expect(messageName('a\nb')).toBe('a\\nb');
  });
});
