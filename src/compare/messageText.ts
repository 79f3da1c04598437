/** Text helpers for gate messages: plain text, read in terminals, logs and (escaped again) markdown. */

/**
 * Formats a fraction with 3 decimals, adding decimals (up to 6) until it differs visibly from
 * `other`, so that "dropped by 0.0201, more than the allowed 0.0200" never reads "0.020 ... 0.020".
 * Values within float noise (1e-12) of `other` count as equal and keep 3 decimals.
 */
export function formatFraction(value: number, other?: number): string {
  let digits = 3;
  if (other !== undefined && Math.abs(value - other) > 1e-12) {
    while (digits < 6 && value.toFixed(digits) === other.toFixed(digits)) digits++;
  }
  return value.toFixed(digits);
}

/**
 * A rate in [0, 1] as a percentage with `digits` decimals (1 by default): 0.962 -> "96.2%". With
 * `other`, decimals are added (up to 4 more) until the two differ visibly, as in `formatFraction`.
 */
export function formatPercent(value: number, other?: number, digits = 1): string {
  return `${percentDigits(value, other, digits)}%`;
}

/**
 * A difference of two rates in percentage points, unsigned: 0.173 -> "17.3 pp", 0.02 -> "2.0 pp";
 * with `other`, decimals are added until the two differ visibly ("2.01 pp ... 2.00 pp").
 */
export function formatPoints(value: number, other?: number, digits = 1): string {
  return `${percentDigits(value, other, digits)} pp`;
}

function percentDigits(value: number, other: number | undefined, digits: number): string {
  let shown = digits;
  const a = value * 100;
  if (other !== undefined && Math.abs(value - other) > 1e-12) {
    const b = other * 100;
    while (shown < digits + 4 && a.toFixed(shown) === b.toFixed(shown)) shown++;
  }
  const text = a.toFixed(shown);
  // -0.0 reads as a change: show it as 0.
  return Number(text) === 0 ? text.replace('-', '') : text;
}

/**
 * Characters written as escapes: C0 and C1 controls (newlines, terminal escape sequences), the
 * Unicode line and paragraph separators, and the bidirectional formatting characters (LRM/RLM
 * U+200E-200F, the embeddings and overrides U+202A-202E, the isolates U+2066-2069, and the Arabic
 * letter mark U+061C), which can make a terminal or a comment show text in another order than
 * it is stored ("Trojan Source", CVE-2021-42574).
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * A class name as it goes into a plain-text message: unprintable and bidi-control characters
 * are written as JSON escapes (`\n`, `\u202e`) so a hostile name cannot forge lines or
 * colours or reorder what is shown. Renderers escape the message again for their own format.
 */
export function printableName(name: string): string {
  return name.replace(UNPRINTABLE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * Cuts `text` to at most `max` code points (never inside a surrogate pair), ending with an ellipsis
 * when cut. A sentence is cut at the last space in its second half, so no word is cut in the middle
 * ("… per c…" reads as noise); a run of characters without such a space (a long class name, a
 * digest) is cut where it must be.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text; // UTF-16 length >= code points: nothing to cut
  const points = Array.from(text);
  if (points.length <= max) return text;
  const kept = points.slice(0, max - 1);
  // The word boundary: the end of `kept` when a space follows it, else the last space inside it.
  let boundary = kept.length;
  if (!/\s/.test(points[max - 1]!)) {
    boundary = kept.length - 1;
    while (boundary >= 0 && !/\s/.test(kept[boundary]!)) boundary--;
  }
  if (boundary < Math.ceil(max / 2)) return `${kept.join('')}…`;
  // Cut between words: never leave a comma or semicolon just before the ellipsis.
  return `${kept
    .slice(0, boundary)
    .join('')
    .replace(/[\s,;:]+$/, '')}…`;
}

/** Longest class name quoted in a message, in code points; the gate's `subject` keeps the full name. */
export const MESSAGE_NAME_CHARS = 80;

/** A class name for a message: printable, and cut with an ellipsis when very long. */
export function messageName(name: string): string {
  return truncate(printableName(name), MESSAGE_NAME_CHARS);
}
