import { describe, expect, it } from 'vitest';
import { digestCode, escapeMarkdown, safeUrl } from '../../src/render/escapeMarkdown.js';

describe('escapeMarkdown', () => {
  it('turns HTML specials into entities so tags render as text', () => {
    expect(escapeMarkdown('<script>alert("x")</script> & co')).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co',
    );
  });

  it('backslash-escapes markdown punctuation, pipes included', () => {
    expect(escapeMarkdown('a|b `c` *d* _e_ [f] ~g~ \\h')).toBe(
      'a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\] \\~g\\~ \\\\h',
    );
  });

  it('shows newlines and control characters as visible escapes', () => {
    expect(escapeMarkdown('one\ntwo\r\tthree\u001b[0m')).toBe('one\\\\ntwo\\\\r\\\\tthree\\\\u001b\\[0m');
    expect(escapeMarkdown('one\ntwo')).not.toContain('\n');
  });

  it('breaks @-mentions', () => {
    expect(escapeMarkdown('@octo/team')).toBe('@\u200bocto/team');
  });

  it('breaks URL and www autolinks with a zero-width space', () => {
    expect(escapeMarkdown('https://evil.example/phish')).toBe('https:\u200b//evil.example/phish');
    expect(escapeMarkdown('see ftp://x')).toBe('see ftp:\u200b//x');
    expect(escapeMarkdown('www.evil.example')).toBe('www\u200b.evil.example');
    expect(escapeMarkdown('WWW.evil.example')).toBe('WWW\u200b.evil.example');
  });

  it('breaks issue and pull-request references', () => {
    expect(escapeMarkdown('#1')).toBe('#\u200b1');
    expect(escapeMarkdown('org/repo#2')).toBe('org/repo#\u200b2');
    expect(escapeMarkdown('GH-3')).toBe('GH-\u200b3');
    // A '#' not followed by a digit is no reference and stays as it is.
    expect(escapeMarkdown('C#')).toBe('C#');
  });

  it('shows bidirectional control characters as escapes so they cannot reorder the text', () => {
    const shown = escapeMarkdown('a\u202eb\u2066c\u2069d\u200fe\u200ef\u202ag');
    expect(shown).toBe('a\\\\u202eb\\\\u2066c\\\\u2069d\\\\u200fe\\\\u200ef\\\\u202ag');
    expect(shown).not.toMatch(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  });

  it('cuts long text before escaping, with an ellipsis, without splitting characters', () => {
    expect(escapeMarkdown('abcdefgh', 5)).toBe('abcd…');
    expect(escapeMarkdown('😀😀😀😀', 3)).toBe('😀😀…');
    expect(escapeMarkdown('<<<<<<', 3)).toBe('&lt;&lt;…');
  });
});

describe('digestCode', () => {
  it('shows hex digests as code, shortened on request', () => {
    expect(digestCode(`sha256:${'ab'.repeat(32)}`, 12)).toBe('`sha256:abababababab…`');
    expect(digestCode('ab'.repeat(32))).toBe(`\`${'ab'.repeat(32)}\``);
  });

  it('escapes anything that is not a hex digest instead of putting it in a code span', () => {
    expect(digestCode('`<b>`')).toBe('\\`&lt;b&gt;\\`');
  });
});

describe('safeUrl', () => {
  it('accepts http(s) and percent-encodes characters that would end a link', () => {
    expect(safeUrl('https://github.com/o/r/actions/runs/1')).toBe('https://github.com/o/r/actions/runs/1');
    expect(safeUrl('https://example.com/a(b)')).toBe('https://example.com/a%28b%29');
  });

  it('refuses other schemes and garbage', () => {
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('not a url')).toBeNull();
    expect(safeUrl(undefined)).toBeNull();
  });
});
