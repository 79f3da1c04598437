/**
 * Predicates for values read from JSON (reports, stored states, result files), written once for
 * every reader that checks what it was given.
 */

/** An integer count: 0, 1, 2, ... */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** A rate in [0, 1]. */
export function isRate(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1;
}

/** A finite number (not NaN, not ±Infinity). */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
