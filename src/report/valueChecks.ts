/** Value predicates of the report reader, shared by the schema and its consistency checks. */

/** An integer count: 0, 1, 2, ... */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** A rate in [0, 1]. */
export function isRate(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1;
}
