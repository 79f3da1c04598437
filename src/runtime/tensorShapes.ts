/** Shapes of model inputs and outputs, as people read them in messages. */

/**
 * Formats dims as `[N,1,8,8]`: a symbolic or unknown batch dimension (the first) shows as N, other
 * symbolic dimensions by their name, or `?` when unnamed (-1 or '').
 */
export function describeShape(dims: ReadonlyArray<number | string>): string {
  const parts = dims.map((d, i) => {
    if (typeof d === 'number' && d >= 0) return String(d);
    if (i === 0) return 'N';
    return typeof d === 'string' && d !== '' ? d : '?';
  });
  return `[${parts.join(',')}]`;
}

/**
 * The shape a batch of `sampleDims` has when fed to a model whose input is `modelShape`: the
 * model's own batch size when it is fixed (`[1,1,8,8]`), else N. Messages that set what the model
 * takes beside what preprocessing makes then agree on the batch axis.
 */
export function describeFedShape(
  modelShape: ReadonlyArray<number | string>,
  sampleDims: ReadonlyArray<number>,
): string {
  const batch = modelShape[0];
  return describeShape([typeof batch === 'number' && batch > 0 ? batch : 'N', ...sampleDims]);
}

/** Per-sample dims (after the batch axis), with -1 where the model leaves a dimension symbolic. */
export function sampleDims(shape: ReadonlyArray<number | string>): number[] {
  return shape.slice(1).map((d) => (typeof d === 'number' && d > 0 ? d : -1));
}

/** True when `actual` fits `expected` (same rank; equal where `expected` is not -1). */
export function sampleShapeMatches(expected: readonly number[], actual: readonly number[]): boolean {
  if (expected.length !== actual.length) return false;
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] !== -1 && expected[i] !== actual[i]) return false;
  }
  return true;
}
