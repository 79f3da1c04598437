/** k for top-k accuracy: as configured, else 5 when there are at least 5 classes, else off (0). */
export function resolveTopK(configured: number | null, numClasses: number): number {
  if (configured !== null) return Math.min(configured, numClasses);
  return numClasses >= 5 ? 5 : 0;
}
