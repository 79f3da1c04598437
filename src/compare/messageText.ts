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

/** Cuts `text` to at most `max` code points (never inside a surrogate pair), ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text; // UTF-16 length >= code points: nothing to cut
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, max - 1).join('')}…`;
}

/** Longest class name quoted in a message, in code points; the gate's `subject` keeps the full name. */
export const MESSAGE_NAME_CHARS = 80;

/** A class name for a message: printable, and cut with an ellipsis when very long. */
export function messageName(name: string): string {
  return truncate(printableName(name), MESSAGE_NAME_CHARS);
}
