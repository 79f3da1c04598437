/**
 * The generator of one stress cell of one sample: seeded from (run seed, sample id, perturbation,
 * severity) only, so the corrupted image of a sample does not depend on batch order, worker count,
 * shards or which other samples ran, and the baseline and the candidate see the same image.
 */
import { createRandom, type Random } from '../../../stats/random.js';

/** FNV-1a, 32 bits, over the UTF-16 code units of `text`, continuing from `hash`. */
function fnv1a(text: string, hash: number): number {
  let h = hash >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const FNV_OFFSET = 0x811c9dc5;

/** The seed of a stress cell: a 32-bit hash of its four coordinates (separated, so 'a'+'bc' ≠ 'ab'+'c'). */
export function perturbationSeed(
  seed: number,
  sampleId: string,
  perturbation: string,
  severity: number,
): number {
  let h = fnv1a(String(Math.trunc(seed) >>> 0), FNV_OFFSET);
  for (const part of [sampleId, perturbation, String(severity)]) h = fnv1a(`\u0000${part}`, h);
  return h;
}

export function perturbationRandom(
  seed: number,
  sampleId: string,
  perturbation: string,
  severity: number,
): Random {
  return createRandom(perturbationSeed(seed, sampleId, perturbation, severity));
}
