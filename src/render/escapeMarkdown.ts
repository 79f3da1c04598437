/**
 * Escaping of untrusted text (class names, file names, messages that quote them) for GitHub
 * markdown, which also renders inline HTML. A class named `<script>`, `a|b` or `@org/team` must
 * render as those characters: no tags, no broken table cells, no mentions, references or links.
 */
import { printableName, truncate } from '../compare/messageText.js';

/** Markdown punctuation that can start emphasis, code, links, tables or escapes (CommonMark 2.4). */
const MARKDOWN_PUNCTUATION = /[\\`*_[\]|~]/g;

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Zero-width space: invisible, and ends the token GitHub would otherwise turn into a link. */
const ZWSP = '\u200b';

/**
 * GitHub turns some plain text into links after rendering markdown, so backslash escapes do not
 * stop it: URLs with a scheme (`https://`, any `scheme://`) and `www.` (GFM autolink extension,
 * spec section 6.9), `#123`, `org/repo#123` and `GH-123` (issue and pull-request references),
 * and `@user` mentions. A zero-width space inside each pattern breaks it while the text reads
 * the same: after the `:` of `://`, after `www`, after `#` or `GH-` before digits, after `@`.
 */
function breakAutolinks(text: string): string {
  return text
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/\b(www)\./gi, `$1${ZWSP}.`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/\b(GH-)(?=\d)/gi, `$1${ZWSP}`)
    .replace(/@/g, `@${ZWSP}`);
}

/**
 * `text` as inert inline markdown, safe inside a table cell: control and bidirectional-override
 * characters become visible escapes (`\n`, `\u202e`), HTML specials become entities, markdown
 * punctuation is backslash-escaped, and mentions, references and autolinks are broken by a
 * zero-width space (see `breakAutolinks`). Cut to `max` code points first.
 */
export function escapeMarkdown(text: string, max = Number.POSITIVE_INFINITY): string {
  return breakAutolinks(
    truncate(printableName(text), max)
      .replace(/[&<>"]/g, (c) => HTML_ENTITIES[c]!)
      .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`),
  );
}

/** A hex digest (optionally `sha256:`-prefixed) as a code span; anything else as escaped text. */
export function digestCode(digest: string, maxHex = 64): string {
  const match = /^(sha256:)?([0-9a-f]+)$/i.exec(digest);
  if (!match) return escapeMarkdown(digest, 80);
  const hex = match[2]!;
  const shown = hex.length > maxHex ? `${hex.slice(0, maxHex)}…` : hex;
  return `\`${match[1] ?? ''}${shown}\``;
}

/** An http(s) URL usable as a markdown link target, or null for anything else. */
export function safeUrl(url: string | undefined): string | null {
  if (url === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  // URL.href is already percent-encoded except for characters that end a link destination.
  return parsed.href.replace(
    /[()<> "'`]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}
