/**
 * The contact sheet of `evalgate stress-preview` (issue 10, item 6): one image under every
 * perturbation at every severity, so a team can judge whether severity 3 looks like what its
 * production camera sends.
 *
 * Layout: one row per perturbation (in the order given), one column per severity 1–5, after a
 * first column holding the clean image, so every row starts from the same reference. Each tile is
 * the image upscaled by an integer factor with nearest-neighbour (an 8×8 digit becomes 64×64: no
 * interpolation invents detail or smooths the noise away), tiles are parted by 1 px separators
 * and there is no outer border. A gray image stays gray (its value copied to R, G and B). The
 * PNG has no text: the command writes the legend (row names, parameters) beside it.
 *
 * Every cell is the perturbation's own output for the generator a stress run would use for the
 * same (seed, sample id, perturbation, severity) (perturbationRandom), turned into 8 bits the way
 * the corrupted images are stored (toDecodedImage: rounded, clipped), so the sheet shows exactly
 * the pixels the model would see before normalisation, and the same inputs give the same bytes.
 */
import { InputError, InternalError } from '../../shared/errors.js';
import { toDecodedImage } from './perturbations/floatImage.js';
import { perturbationRandom } from './perturbations/seed.js';
import { type FloatImage, type Perturbation, SEVERITIES, type Severity } from './perturbations/types.js';

/** Tiles are upscaled to at least this many pixels on their longer side, when that fits the cap. */
export const MIN_TILE_SIZE = 64;
/** The default upscaling never makes a tile longer than this (an image already longer is shown 1:1). */
export const MAX_TILE_SIZE = 256;
/** Separator colour, RGBA: a mid gray, visible against both black and white tile edges. */
export const SEPARATOR_RGBA: readonly number[] = [128, 128, 128, 255];

export interface ContactSheetOptions {
  /** The run seed the stress cells are drawn from. */
  seed: number;
  /** The sample id the cells are seeded with (in a run: the path relative to the test-set root). */
  sampleId: string;
  /**
   * Pixel length of a tile's longer side: a positive multiple of the image's longer side. Default:
   * defaultTileSize.
   */
  tileSize?: number;
}

export interface ContactSheetRow {
  perturbation: Perturbation;
  /** The perturbed image at severities 1–5, as float images (what the sheet shows, before 8 bits). */
  cells: FloatImage[];
}

export interface ContactSheet {
  /** Sheet size in pixels. */
  width: number;
  height: number;
  /** RGBA, row-major, 8 bits per channel: what PNG.sync.write takes. */
  data: Uint8Array;
  /** The integer upscaling factor of every tile. */
  scale: number;
  /** Size of one tile (the image times `scale`). */
  tileWidth: number;
  tileHeight: number;
  /** Columns: the clean image, then severities 1–5. */
  columns: number;
  severities: readonly Severity[];
  rows: ContactSheetRow[];
}

/**
 * The default tile length for an image whose longer side is `side`: the smallest multiple of
 * `side` that is at least MIN_TILE_SIZE, lowered by whole multiples while it exceeds MAX_TILE_SIZE
 * (never below `side` itself: an image longer than MAX_TILE_SIZE is shown at 1:1, not shrunk,
 * since shrinking would average the noise and blur away).
 */
export function defaultTileSize(side: number): number {
  let factor = Math.max(1, Math.ceil(MIN_TILE_SIZE / side));
  while (factor > 1 && factor * side > MAX_TILE_SIZE) factor--;
  return factor * side;
}

/** Builds the contact sheet of `image` under `perturbations` (at least one). */
export function buildContactSheet(
  image: FloatImage,
  perturbations: readonly Perturbation[],
  options: ContactSheetOptions,
): ContactSheet {
  if (perturbations.length === 0) {
    throw new InputError('the contact sheet needs at least one perturbation', { code: 'E_USAGE' });
  }
  const side = Math.max(image.width, image.height);
  const tileSize = options.tileSize ?? defaultTileSize(side);
  if (!Number.isInteger(tileSize) || tileSize < side || tileSize % side !== 0) {
    throw new InputError(
      `the tile size must be a whole multiple of the image's longer side (${side} px), got ${tileSize}`,
      { code: 'E_USAGE', hint: `try ${defaultTileSize(side)}` },
    );
  }
  const scale = tileSize / side;
  const tileWidth = image.width * scale;
  const tileHeight = image.height * scale;
  const severities = SEVERITIES;
  const columns = 1 + severities.length;
  const width = columns * tileWidth + (columns - 1);
  const height = perturbations.length * tileHeight + (perturbations.length - 1);
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = SEPARATOR_RGBA[0]!;
    data[i + 1] = SEPARATOR_RGBA[1]!;
    data[i + 2] = SEPARATOR_RGBA[2]!;
    data[i + 3] = SEPARATOR_RGBA[3]!;
  }
  const sheet = { width, height, data, scale };
  const rows: ContactSheetRow[] = [];
  perturbations.forEach((perturbation, row) => {
    const top = row * (tileHeight + 1);
    drawTile(sheet, image, 0, top);
    const cells: FloatImage[] = [];
    severities.forEach((severity, s) => {
      const random = perturbationRandom(options.seed, options.sampleId, perturbation.name, severity);
      const cell = perturbation.apply(image, severity, random);
      if (cell.width !== image.width || cell.height !== image.height || cell.channels !== image.channels) {
        throw new InternalError(
          `perturbation '${perturbation.name}' at severity ${severity} returned a ${cell.width}×${cell.height}×${cell.channels} image for a ${image.width}×${image.height}×${image.channels} one`,
        );
      }
      cells.push(cell);
      drawTile(sheet, cell, (s + 1) * (tileWidth + 1), top);
    });
    rows.push({ perturbation, cells });
  });
  return { width, height, data, scale, tileWidth, tileHeight, columns, severities, rows };
}

/** Writes `image`, 8-bit and upscaled by `sheet.scale` (nearest-neighbour), with its top-left at (left, top). */
function drawTile(
  sheet: { width: number; data: Uint8Array; scale: number },
  image: FloatImage,
  left: number,
  top: number,
): void {
  const pixels = toDecodedImage(image).data;
  const { scale, data, width } = sheet;
  const gray = image.channels === 1;
  for (let y = 0; y < image.height * scale; y++) {
    const srcRow = Math.floor(y / scale) * image.width;
    let at = ((top + y) * width + left) * 4;
    for (let x = 0; x < image.width * scale; x++) {
      const src = (srcRow + Math.floor(x / scale)) * image.channels;
      data[at] = pixels[src]!;
      data[at + 1] = pixels[gray ? src : src + 1]!;
      data[at + 2] = pixels[gray ? src : src + 2]!;
      data[at + 3] = 255;
      at += 4;
    }
  }
}
