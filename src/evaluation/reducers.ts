/**
 * Reducers of mergeable state, as torchmetrics' `add_state(name, default, dist_reduce_fx)`: each
 * field of a state declares how two partial values combine (sum, min, max or concatenation), and one
 * generic merge walks the declarations. A state is then whatever its field specs say it is: adding a
 * field means declaring its reducer, never writing another merge.
 */
import { InternalError } from '../shared/errors.js';

export type Reducer = 'sum' | 'min' | 'max' | 'concat';

/** Element-wise typed arrays a field may hold (sums add element-wise; concat appends). */
export type NumericArray = Float64Array | Float32Array | Int32Array | Uint8Array;

export type FieldValue = number | NumericArray;

/**
 * The reducer of each mergeable field of T. Fields left out are settings (class count, top-k), not
 * reduced: the caller checks that both sides agree and the merged value keeps the first side's.
 */
export type FieldSpecs<T> = { readonly [K in keyof T]?: T[K] extends FieldValue ? Reducer : never };

/** Merges two values of T field by field with the declared reducers, as a new object (inputs unchanged). */
export function reduceFields<T extends object>(fields: FieldSpecs<T>, a: T, b: T): T {
  const merged = { ...a };
  for (const name of Object.keys(fields) as Array<keyof T & string>) {
    const reducer = fields[name] as Reducer;
    merged[name] = reduceValue(reducer, a[name] as FieldValue, b[name] as FieldValue, name) as T[keyof T &
      string];
  }
  return merged;
}

/**
 * Merges two keyed groups of sub-states key by key: a key on both sides is merged with `mergeOne`, a
 * key on one side only with a fresh `empty()` sub-state (the reducers' identity), so the result is
 * a new group sharing nothing with either input.
 */
export function reduceKeyed<T>(
  a: ReadonlyMap<string, T>,
  b: ReadonlyMap<string, T>,
  mergeOne: (x: T, y: T) => T,
  empty: () => T,
): Map<string, T> {
  const merged = new Map<string, T>();
  for (const [key, x] of a) merged.set(key, mergeOne(x, b.get(key) ?? empty()));
  for (const [key, y] of b) if (!a.has(key)) merged.set(key, mergeOne(empty(), y));
  return merged;
}

function reduceValue(reducer: Reducer, x: FieldValue, y: FieldValue, name: string): FieldValue {
  if (typeof x === 'number' && typeof y === 'number') {
    if (reducer === 'sum') return x + y;
    if (reducer === 'min') return Math.min(x, y);
    if (reducer === 'max') return Math.max(x, y);
    throw new InternalError(`state field '${name}' is a number and cannot be concatenated`);
  }
  if (typeof x === 'number' || typeof y === 'number' || x.constructor !== y.constructor) {
    throw new InternalError(`state field '${name}' holds values of different kinds on the two sides`);
  }
  const Kind = x.constructor as new (length: number) => NumericArray;
  if (reducer === 'concat') {
    const joined = new Kind(x.length + y.length);
    joined.set(x);
    joined.set(y, x.length);
    return joined;
  }
  if (x.length !== y.length) {
    throw new InternalError(
      `state field '${name}' has ${x.length} cells on one side and ${y.length} on the other`,
    );
  }
  const out = new Kind(x.length);
  const combine = reducer === 'sum' ? add : reducer === 'min' ? Math.min : Math.max;
  for (let i = 0; i < out.length; i++) out[i] = combine(x[i], y[i]);
  return out;
}

function add(x: number, y: number): number {
  return x + y;
}
