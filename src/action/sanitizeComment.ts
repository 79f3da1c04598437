/**
 * Publish mode posts a comment body that a job running the pull request's code wrote (the
 * artifact's comment.md), with the base repository's write token. Whatever that code put there
 * would appear as said by the repository's bot, so the body is made inert before it is posted:
 *
 * - raw HTML is removed, except the folds and small print evalgate's renderer uses (`<details>`,
 *   `<summary>`, `<sub>` and their closing tags, `<br>`), re-emitted without attributes; HTML
 *   comments go too (a forged marker among them); any other `<` becomes `&lt;`;
 * - character references are decoded where they could spell a mention, a reference or a word
 *   (`&#64;user`: GitHub finds mentions in the rendered text, after references are decoded), and
 *   unknown named ones are shown literally, so nothing below can be hidden behind one;
 * - lines claiming an accepted regression are dropped (the publish job adds the real banner
 *   itself, from its own label lookup), and a quote block holding one goes whole;
 * - images are removed (`![..](..)`, `![..][..]`; `<img>` went with the HTML): no tracking
 *   pixels, no pictures of a verdict;
 * - mentions, issue and pull-request references (`@user`, `@org/team`, `#123`, `owner/repo#1`,
 *   `GH-123`, `/issues/123` links) get a zero-width space after `@`, `#`, `GH-` or the path
 *   segment, as escapeMarkdown does for the renderer's own text: they read the same but notify
 *   and cross-reference no one.
 *
 * Every step leaves text that the same step maps to itself, and no step recreates what an earlier
 * one removed, so sanitizing twice changes nothing (a re-run posts an identical body and the
 * sticky comment is left unchanged). evalgate's own rendered comments pass through unchanged:
 * the renderer escapes untrusted text the same way (render/escapeMarkdown.ts).
 *
 * This is defence in depth, not a proof that the text is true: the body still says only what the
 * pull request's own run reported, which is why `publishedCommentBody` puts a trusted line above
 * it that says so.
 */
import { fitCommentBody } from '../github/stickyComment.js';
import { GITHUB_COMMENT_LIMIT } from '../shared/githubLimits.js';
import { safeUrl } from '../render/escapeMarkdown.js';

/** Zero-width space: invisible, and ends the token GitHub would turn into a mention or reference. */
const ZWSP = '\u200b';

/** Tags kept (without attributes): the ones evalgate's renderer emits. */
const ALLOWED_TAGS = new Set(['details', 'summary', 'sub', 'br']);
/** Tags that have no closing form. */
const VOID_TAGS = new Set(['br']);

/**
 * Named character references kept as written: they decode to punctuation or spaces, which spell
 * no mention, reference or word. Any other named reference is shown literally (`&amp;name;`).
 */
const KEPT_NAMED = new Set([
  'amp',
  'lt',
  'gt',
  'quot',
  'apos',
  'nbsp',
  'ensp',
  'emsp',
  'thinsp',
  'middot',
  'bull',
  'hellip',
  'ndash',
  'mdash',
  'minus',
  'times',
  'divide',
  'plusmn',
  'le',
  'ge',
  'ne',
  'asymp',
  'deg',
  'larr',
  'rarr',
  'uarr',
  'darr',
]);

/** The body of an untrusted comment, made inert (see the module comment). Idempotent. */
export function sanitizeUntrustedMarkdown(text: string): string {
  let out = text.replace(/\r\n?/g, '\n');
  out = stripHtml(out);
  out = decodeCharacterReferences(out);
  out = dropForgedAcceptance(out);
  out = removeImages(out);
  out = breakMentionsAndReferences(out);
  return out;
}

/**
 * One pass over the text: HTML comments are removed, allowed tags re-emitted bare, other tags
 * removed, and every other `<` escaped, so removing a tag can never join two pieces into a new
 * one (`<<b></b>img>` ends as text).
 */
function stripHtml(text: string): string {
  return text.replace(
    /<!--[\s\S]*?-->|<(\/?)([A-Za-z][A-Za-z0-9-]*)(?:[\s/][^<>]*)?>|</g,
    (whole, slash: string | undefined, name: string | undefined) => {
      if (name === undefined) return whole === '<' ? '&lt;' : '';
      const tag = name.toLowerCase();
      if (!ALLOWED_TAGS.has(tag)) return '';
      if (VOID_TAGS.has(tag)) return slash ? '' : `<${tag}>`;
      return `<${slash ?? ''}${tag}>`;
    },
  );
}

const CHARACTER_REFERENCE = /&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});/g;

/**
 * Numeric references are decoded when they stand for a letter, a digit, or `@ # -` (so the
 * steps after this one see what GitHub will see); ones for other punctuation, controls and
 * format characters stay as written (they render as that character, never as syntax). Named
 * references outside `KEPT_NAMED` are shown literally.
 */
function decodeCharacterReferences(text: string): string {
  return text.replace(CHARACTER_REFERENCE, (whole, ref: string) => {
    if (!ref.startsWith('#')) return KEPT_NAMED.has(ref) ? whole : `&amp;${ref};`;
    const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    if (!Number.isSafeInteger(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
    const char = String.fromCodePoint(code);
    return /^[\p{L}\p{N}@#-]$/u.test(char) ? char : whole;
  });
}

/** Letters of a line as a reader sees them: references decoded, compatibility forms folded. */
function lettersOf(line: string): string {
  return line
    .replace(/&#([0-9]{1,8});|&#[xX]([0-9a-fA-F]{1,7});/g, (whole, dec?: string, hex?: string) => {
      const code = dec !== undefined ? Number(dec) : Number.parseInt(hex ?? '', 16);
      return code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    })
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** "Regression accepted" however it is spaced, emphasised or split over the lines of a paragraph. */
const ACCEPTANCE_CLAIM = /regressions?(?:was|were|is|are|has|have|been)*accepted/g;

/**
 * Drops every line that takes part in a claim of an accepted regression (in a paragraph, a
 * claim may run over several lines, which GitHub joins), and the whole quote block around one
 * (the `> [!WARNING]` line of a forged banner). Dropped lines become blank, so the lines around
 * them cannot join into a new claim.
 */
function dropForgedAcceptance(text: string): string {
  const lines = text.split('\n');
  const dropped = new Set<number>();
  let start = 0;
  while (start < lines.length) {
    if (lines[start]!.trim() === '') {
      start += 1;
      continue;
    }
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== '') end += 1;
    // The paragraph's letters, each mapped back to its line.
    let letters = '';
    const lineOf: number[] = [];
    for (let i = start; i < end; i += 1) {
      const own = lettersOf(lines[i]!);
      letters += own;
      for (let k = 0; k < own.length; k += 1) lineOf.push(i);
    }
    for (const match of letters.matchAll(ACCEPTANCE_CLAIM)) {
      const from = match.index;
      for (let k = from; k < from + match[0].length; k += 1) dropped.add(lineOf[k]!);
    }
    start = end;
  }
  if (dropped.size === 0) return text;
  // A quote block (consecutive `>` lines) holding a dropped line goes whole.
  const isQuote = (i: number) => /^ {0,3}>/.test(lines[i] ?? '');
  for (const index of [...dropped]) {
    if (!isQuote(index)) continue;
    for (let i = index - 1; i >= 0 && isQuote(i); i -= 1) dropped.add(i);
    for (let i = index + 1; i < lines.length && isQuote(i); i += 1) dropped.add(i);
  }
  return lines.map((line, i) => (dropped.has(i) ? '' : line)).join('\n');
}

const IMAGE_TEXT = String.raw`!\[(?:[^\[\]]|\[[^\[\]]*\])*\]`;
const INLINE_IMAGE = new RegExp(`${IMAGE_TEXT}\\((?:[^()]|\\([^()]*\\))*\\)`, 'g');
const REFERENCE_IMAGE = new RegExp(`${IMAGE_TEXT}(?:\\[[^\\[\\]]*\\])?`, 'g');
const IMAGE_REMOVED = '(image removed)';

/** Removes images; an `![` left over (nesting beyond what the patterns read) is escaped. */
function removeImages(text: string): string {
  return text
    .replace(INLINE_IMAGE, IMAGE_REMOVED)
    .replace(REFERENCE_IMAGE, IMAGE_REMOVED)
    .replace(/!\[/g, '!\\[');
}

/**
 * Zero-width space after `@`, after `#` or `GH-` before a digit, and after `/issues/` (or pull,
 * discussions) before a digit: GitHub finds these in the rendered text, so a `#` that follows a
 * character reference (`&amp;#64;` renders as the text `&#64;`) is broken too.
 */
function breakMentionsAndReferences(text: string): string {
  return (
    text
      .replace(/@(?=[\p{L}\p{N}_])/gu, `@${ZWSP}`)
      // Skipped whole: a numeric character reference left as written (`&#38;`), and a colour such as
      // `#0969da` (the renderer's chart palette), whose digits run into letters, so GitHub does not
      // read an issue number in it. Every other `#` before a digit is broken.
      .replace(
        /&#(?:[0-9]{1,8}|[xX][0-9a-fA-F]{1,7});|#([0-9a-fA-F]{3,8})(?![\p{L}\p{N}_])|#(?=\p{N})/gu,
        (match, hex: string | undefined) => {
          if (match.startsWith('&')) return match;
          if (hex === undefined) return `#${ZWSP}`;
          if (!/^[0-9]/.test(hex) || isColour(hex)) return match;
          return `#${ZWSP}${hex}`;
        },
      )
      .replace(/\b(GH-)(?=\p{N})/giu, `$1${ZWSP}`)
      .replace(/\/(issues|pull|pulls|discussions)\/(?=\p{N})/giu, `/$1/${ZWSP}`)
  );
}

/** 3, 4, 6 or 8 hex digits with a letter among them: a colour, not an issue number. */
function isColour(hex: string): boolean {
  return [3, 4, 6, 8].includes(hex.length) && /[a-fA-F]/.test(hex);
}

export interface PublishedCommentInput {
  /** The publish job's marker (`commentMarker(key)`), put first so the sticky comment is found. */
  marker: string;
  /** The artifact's comment.md WITHOUT its first (marker) line. */
  untrustedBody: string;
  /** The evaluating run: its id, link (`workflow_run.html_url`) and commit. */
  sourceRun: { id: number; url: string | null; headSha: string };
  /** Link to the publish job's own run; null outside a runner. */
  publishRunUrl: string | null;
}

/**
 * Room kept free under GitHub's limit for what is added after this body: the acceptance banner
 * (inserted after the marker, about 400 characters) and the cut note of `fitCommentBody`.
 */
const RESERVED_CHARS = 1_000;

/**
 * The body publish mode posts and puts in the job summary: the publish job's marker, a trusted
 * line that says where the result comes from, then the sanitized untrusted body, cut so the
 * whole stays under GitHub's limit.
 */
export function publishedCommentBody(input: PublishedCommentInput): string {
  // The blank line after the marker keeps the acceptance banner (inserted there) its own quote.
  const header = [input.marker, '', provenanceNote(input), ''].join('\n');
  const room = GITHUB_COMMENT_LIMIT - header.length - RESERVED_CHARS;
  const body = fitCommentBody(sanitizeUntrustedMarkdown(input.untrustedBody).replace(/^\n+/, ''), room).body;
  return `${header}\n${body}`;
}

/**
 * The trusted note, a quoted NOTE under the marker: which run produced the result (it ran the
 * pull request's code) and that the publish job only relays it. It holds no `@` and no `#`.
 */
function provenanceNote(input: Pick<PublishedCommentInput, 'sourceRun' | 'publishRunUrl'>): string {
  const { sourceRun } = input;
  const sourceUrl = safeUrl(sourceRun.url ?? undefined);
  const source = sourceUrl ? `[run ${sourceRun.id}](${sourceUrl})` : `run ${sourceRun.id}`;
  const publishUrl = safeUrl(input.publishRunUrl ?? undefined);
  const publisher = publishUrl ? `evalgate's publish job ([run](${publishUrl}))` : "evalgate's publish job";
  const commit = /^[0-9a-f]{7,64}$/i.test(sourceRun.headSha)
    ? ` on commit \`${sourceRun.headSha.slice(0, 7)}\``
    : '';
  return [
    '> [!NOTE]',
    `> This result was produced by the pull request's own workflow run (${source})${commit}, which ran the ` +
      `pull request's code. It is posted by ${publisher}, with mentions, references, images and HTML removed.`,
  ].join('\n');
}
