/**
 * Weather corruptions of ImageNet-C: fog. (Snow, frost and spatter are left out: frost needs
 * photographs we do not ship, and snow and spatter are optional, see reference.md section 1.)
 *
 * fog (hendrycks/robustness make_imagenet_c.py `fog`, make_cifar_c.py `fog`):
 *   m = max(x) over the whole image; x' = x + t·P; out = clip(x'·m / (m + t)), where P is a plasma
 *   fractal (diamond-square, `plasmaFractal`) normalised to [0, 1], the same for every channel.
 *   The last step rescales so that the brightest possible value m + t maps back to m: fog lifts the
 *   dark parts and compresses the range (contrast falls by m / (m + t)).
 */
import type { Random } from '../../../stats/random.js';
import { clipUnit } from './floatImage.js';
import { pickTable } from './parameterSets.js';
import type { FloatImage, Perturbation, Severity } from './types.js';

/** (t, wibble decay) per severity; neither is a pixel length, so they are used as tabled. */
const FOG_IMAGENET: readonly (readonly [number, number])[] = [
  [1.5, 2],
  [2, 2],
  [2.5, 1.7],
  [2.5, 1.5],
  [3, 1.4],
];
const FOG_CIFAR: readonly (readonly [number, number])[] = [
  [0.2, 3],
  [0.5, 3],
  [0.75, 2.5],
  [1, 2],
  [1.5, 1.75],
];

/** The smallest power of two ≥ n (n ≥ 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * A mapSize × mapSize heightmap by the diamond-square algorithm, normalised to [0, 1] (row-major,
 * float64), as make_imagenet_c.py's `plasma_fractal` (a modification of FLHerne/mapgen
 * diamondsquare.py): the map is toroidal (neighbours wrap, numpy's roll), the corner (0, 0) starts
 * at 0, every new point is the mean of its four neighbours plus wibble·U(−wibble, wibble), and the
 * wibble (100 at first) is divided by `wibbleDecay` after each halving of the step. The uniform
 * draws are taken in the order numpy fills its arrays (row-major, squares then the two diamond
 * sets), from `random` instead of numpy's unseeded global generator.
 *
 * mapSize must be a power of two. The original uses 256 for ImageNet (cropped to 224) and 32 for
 * CIFAR; we use the next power of two ≥ the longer image side and crop, which gives both of those.
 */
export function plasmaFractal(mapSize: number, wibbleDecay: number, random: Random): Float64Array {
  if (!(Number.isInteger(mapSize) && mapSize >= 1 && (mapSize & (mapSize - 1)) === 0)) {
    throw new RangeError(`plasma fractal map size must be a power of two, got ${mapSize}`);
  }
  const n = mapSize;
  const map = new Float64Array(n * n);
  let step = n;
  let wibble = 100;
  const wibbled = (sum: number): number => sum / 4 + wibble * (-wibble + 2 * wibble * random.next());
  while (step >= 2) {
    const half = step >> 1;
    const cells = n / step;
    // Squares: the centre of each square of corners `step` apart.
    for (let i = 0; i < cells; i++) {
      const r0 = i * step;
      const r1 = ((i + 1) % cells) * step;
      for (let j = 0; j < cells; j++) {
        const c0 = j * step;
        const c1 = ((j + 1) % cells) * step;
        const sum = map[r0 * n + c0]! + map[r1 * n + c0]! + map[r0 * n + c1]! + map[r1 * n + c1]!;
        map[(r0 + half) * n + c0 + half] = wibbled(sum);
      }
    }
    // Diamonds on the corner rows (row i·step, column half + j·step): neighbours above and below are
    // square centres (rows i−1 and i), left and right are corners (columns j and j+1).
    const rowPoints = new Float64Array(cells * cells);
    for (let i = 0; i < cells; i++) {
      const up = (((i - 1 + cells) % cells) * step + half) * n;
      const down = (i * step + half) * n;
      const row = i * step * n;
      for (let j = 0; j < cells; j++) {
        const col = j * step + half;
        const sum =
          map[up + col]! + map[down + col]! + map[row + j * step]! + map[row + ((j + 1) % cells) * step]!;
        rowPoints[i * cells + j] = wibbled(sum);
      }
    }
    // Diamonds on the corner columns (row half + i·step, column j·step): left and right are square
    // centres (columns j−1 and j), above and below are corners (rows i and i+1). Read before the
    // first set is written, as numpy computes both right-hand sides from the same views.
    const colPoints = new Float64Array(cells * cells);
    for (let i = 0; i < cells; i++) {
      const centreRow = (i * step + half) * n;
      const top = i * step * n;
      const bottom = ((i + 1) % cells) * step * n;
      for (let j = 0; j < cells; j++) {
        const col = j * step;
        const left = ((j - 1 + cells) % cells) * step + half;
        const right = j * step + half;
        const sum = map[centreRow + right]! + map[centreRow + left]! + map[top + col]! + map[bottom + col]!;
        colPoints[i * cells + j] = wibbled(sum);
      }
    }
    for (let i = 0; i < cells; i++) {
      for (let j = 0; j < cells; j++) {
        map[i * step * n + j * step + half] = rowPoints[i * cells + j]!;
        map[(i * step + half) * n + j * step] = colPoints[i * cells + j]!;
      }
    }
    step = half;
    wibble /= wibbleDecay;
  }
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < map.length; i++) {
    if (map[i]! < min) min = map[i]!;
    if (map[i]! > max) max = map[i]!;
  }
  const range = max - min;
  // A 1×1 map (or a flat one) has no range: the original would divide 0 by 0; we return zeros.
  for (let i = 0; i < map.length; i++) map[i] = range > 0 ? (map[i]! - min) / range : 0;
  return map;
}

function fogParameters(
  severity: Severity,
  size: { width: number; height: number },
): readonly [number, number] {
  return pickTable({ cifar: FOG_CIFAR, imagenet: FOG_IMAGENET }, severity, size);
}

const fog: Perturbation = {
  name: 'fog',
  family: 'weather',
  summary: 'a diamond-square plasma fractal haze added over the image, then the range compressed',
  parameters(severity, size) {
    const [thickness, wibbleDecay] = fogParameters(severity, size);
    return {
      thickness,
      wibble_decay: wibbleDecay,
      map_size: nextPowerOfTwo(Math.max(size.width, size.height)),
    };
  },
  apply(image: FloatImage, severity: Severity, random: Random): FloatImage {
    const { width, height, channels, data } = image;
    const [t, decay] = fogParameters(severity, image);
    const mapSize = nextPowerOfTwo(Math.max(width, height));
    const plasma = plasmaFractal(mapSize, decay, random);
    let maxValue = 0;
    for (let i = 0; i < data.length; i++) if (data[i]! > maxValue) maxValue = data[i]!;
    // An all-black image (max 0) stays black, as in the original (x·0/(0 + t)).
    const gain = maxValue / (maxValue + t);
    const out = new Float32Array(data.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const haze = t * plasma[y * mapSize + x]!;
        const p = (y * width + x) * channels;
        for (let c = 0; c < channels; c++) out[p + c] = (data[p + c]! + haze) * gain;
      }
    }
    return { width, height, channels, data: clipUnit(out) };
  },
  grayBehaviour: 'the same fog on the one channel: fog is colourless (the same haze on every channel of RGB)',
};

export const WEATHER_PERTURBATIONS: readonly Perturbation[] = [fog];
