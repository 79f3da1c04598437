/** Counts in messages: "1 file", "2 files", never "file(s)". */

/** `n` and the noun, singular for exactly 1: countOf(1, 'file') = '1 file', countOf(3, 'class', 'classes') = '3 classes'. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
