/** The number of elements of a tensor or array shape (the product of its dims; 1 for a scalar). */
export function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
