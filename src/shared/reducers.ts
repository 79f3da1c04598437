/**
 * Reducers of mergeable state, as torchmetrics' `add_state(name, default, dist_reduce_fx)`: each
 * field of a state declares how two partial values combine (sum, min, max or concatenation), and one
 * generic merge walks the declarations. A state is then whatever its field specs say it is: adding a
 * field means declaring its reducer, never writing another merge.
 */
import { InternalError } from './errors.js';

export type Reducer = 'sum' | 'min' | 'max' | 'concat';

/** Element-wise typed arrays a field may hold (sums add element-wise; concat appends). */
export type NumericArray = Float64Array | Float32Array | Int32Array | Uint8Array;

export type FieldValue = number | NumericArray;

/**
 * What each field of T does on merge: a reducer, or `setting` for a value both sides must share
 * (class count, top-k), kept as it is and checked equal. Every field is declared, so a field added
 * to a state without a reducer does not compile.
 */
export type FieldSpecs<T> = {
  readonly [K in keyof T]-?: T[K] extends FieldValue ? Reducer | 'setting' : 'setting';
};

/** Merges two values of T field by field with the declared reducers, as a new object (inputs unchanged). */
export function reduceFields<T extends object>(fields: FieldSpecs<T>, a: T, b: T): T {
  const merged = { ...a };
  for (const name of Object.keys(fields) as Array<keyof T & string>) {
    if (isSetting(fields, name, a, b)) continue;
    const reducer = fields[name] as Reducer;
    merged[name] = reduceValue(reducer, a[name] as FieldValue, b[name] as FieldValue, name) as T[keyof T &
      string];
  }
  return merged;
}

/**
 * Adds `source` into `target` field by field with the same declared reducers, in place: sums and
 * extremes are written into the target's own arrays, and a concatenated array grows by doubling
 * its capacity (a longer view of one buffer), so that accumulating many parts into one total copies
 * each element a bounded number of times and allocates no new totals. Returns `target`.
 */
export function accumulateFields<T extends object>(fields: FieldSpecs<T>, target: T, source: T): T {
  for (const name of Object.keys(fields) as Array<keyof T & string>) {
    if (isSetting(fields, name, target, source)) continue;
    const reducer = fields[name] as Reducer;
    const x = target[name] as FieldValue;
    const y = source[name] as FieldValue;
    if (typeof x === 'number' || typeof y === 'number' || reducer !== 'concat') {
      if (typeof x === 'number' || typeof y === 'number') {
        target[name] = reduceValue(reducer, x, y, name) as T[keyof T & string];
        continue;
      }
      checkSameKind(x, y, name);
      if (x.length !== y.length) throw cellMismatch(name, x.length, y.length);
      const combine = reducer === 'sum' ? add : reducer === 'min' ? Math.min : Math.max;
      for (let i = 0; i < x.length; i++) x[i] = combine(x[i], y[i]);
      continue;
    }
    checkSameKind(x, y, name);
    const grown = lengthened(x, y.length);
    grown.set(y, x.length);
    target[name] = grown as T[keyof T & string];
  }
  return target;
}

/**
 * `column` lengthened by `extra` entries (left for the caller to fill): a longer view of the same
 * buffer while its capacity lasts, else a copy into a buffer of twice the length.
 */
export function lengthened<T extends NumericArray>(column: T, extra: number): T {
  const length = column.length + extra;
  const Kind = column.constructor as { new (buffer: ArrayBuffer, offset: number, length: number): T };
  const bytes = column.BYTES_PER_ELEMENT;
  if (column.byteOffset === 0 && column.buffer.byteLength >= length * bytes) {
    return new Kind(column.buffer as ArrayBuffer, 0, length);
  }
  const capacity = Math.max(length, 2 * column.length, 256);
  const next = new Kind(new ArrayBuffer(capacity * bytes), 0, length);
  next.set(column as never);
  return next;
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
  if (typeof x === 'number' || typeof y === 'number') {
    throw new InternalError(`state field '${name}' holds values of different kinds on the two sides`);
  }
  checkSameKind(x, y, name);
  const Kind = x.constructor as new (length: number) => NumericArray;
  if (reducer === 'concat') {
    const joined = new Kind(x.length + y.length);
    joined.set(x);
    joined.set(y, x.length);
    return joined;
  }
  if (x.length !== y.length) throw cellMismatch(name, x.length, y.length);
  const out = new Kind(x.length);
  const combine = reducer === 'sum' ? add : reducer === 'min' ? Math.min : Math.max;
  for (let i = 0; i < out.length; i++) out[i] = combine(x[i], y[i]);
  return out;
}

/** True for a `setting` field, after checking that both sides hold the same value. */
function isSetting<T extends object>(fields: FieldSpecs<T>, name: keyof T & string, a: T, b: T): boolean {
  if (fields[name] !== 'setting') return false;
  if (a[name] !== b[name]) {
    throw new InternalError(`state setting '${name}' differs: ${String(a[name])} and ${String(b[name])}`);
  }
  return true;
}

function checkSameKind(x: NumericArray, y: NumericArray, name: string): void {
  if (x.constructor !== y.constructor) {
    throw new InternalError(`state field '${name}' holds values of different kinds on the two sides`);
  }
}

function cellMismatch(name: string, x: number, y: number): InternalError {
  return new InternalError(`state field '${name}' has ${x} cells on one side and ${y} on the other`);
}

function add(x: number, y: number): number {
  return x + y;
}
