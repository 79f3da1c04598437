/**
 * Which table of severity parameters an image gets, and how pixel lengths are scaled.
 *
 * CIFAR-10-C's parameters were made for 32×32 images and ImageNet-C's for 224×224 crops; an 8×8
 * digit is neither. The rule (docs/stress.md "Image size"):
 * - the shorter side s ≤ 96 px: the CIFAR-10-C table, and every pixel-length parameter (blur radii
 *   and sigmas, glass-blur displacement, elastic alpha and sigma, cutout side, translation in px)
 *   scaled by s / 32;
 * - s > 96 px: the ImageNet-C table, pixel lengths scaled by s / 224.
 * Parameters that are not lengths (noise levels, JPEG quality, contrast factors, zoom factors,
 * pixelate fraction) are used as tabled. 96 is where the two tables' blur sigmas, scaled, meet
 * most closely (CIFAR σ = 1 at s1..s5 scaled by 3 is 1.2..3, ImageNet's scaled by 96/224 is 0.4..2.6).
 */

export type ParameterTable = 'cifar' | 'imagenet';

/** Shorter side up to which the CIFAR-10-C table is used. */
export const CIFAR_TABLE_MAX_SIDE = 96;

export interface ParameterSet {
  table: ParameterTable;
  /** Factor applied to every pixel-length parameter of the table. */
  pixelScale: number;
}

export function parameterSet(size: { width: number; height: number }): ParameterSet {
  const side = Math.min(size.width, size.height);
  return side <= CIFAR_TABLE_MAX_SIDE
    ? { table: 'cifar', pixelScale: side / 32 }
    : { table: 'imagenet', pixelScale: side / 224 };
}

/** The value of a five-entry table at `severity` (1..5). */
export function atSeverity<T>(values: readonly T[], severity: number): T {
  if (values.length !== 5 || !Number.isInteger(severity) || severity < 1 || severity > 5) {
    throw new RangeError(
      `severity must be 1..5 and the table five long, got ${severity} of ${values.length}`,
    );
  }
  return values[severity - 1]!;
}

/** `cifar` or `imagenet` entry of a pair of five-entry tables, by the image's size. */
export function pickTable<T>(
  tables: { cifar: readonly T[]; imagenet: readonly T[] },
  severity: number,
  size: { width: number; height: number },
): T {
  return atSeverity(tables[parameterSet(size).table], severity);
}
