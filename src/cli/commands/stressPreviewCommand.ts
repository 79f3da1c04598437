/**
 * `evalgate stress-preview`: the contact sheet of one image under the stress suite's perturbations
 * (issue 10, item 6), so a team can see what each severity does before gating on it. Writes the
 * sheet as a PNG and, since a PNG carries no text, a Markdown legend beside it: per row the
 * perturbation and its parameters at each severity for this image's size.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { configSchema } from '../../config/schema.js';
import { nearest } from '../../config/suggest.js';
import { decodeImage } from '../../dataset/decodeImage.js';
import { buildContactSheet, type ContactSheet } from '../../modalities/image/contactSheet.js';
import { toFloatImage } from '../../modalities/image/perturbations/floatImage.js';
import { IMAGE_PERTURBATIONS } from '../../modalities/image/perturbations/registry.js';
import type { ParameterValue, Perturbation } from '../../modalities/image/perturbations/types.js';
import { EvalgateError, ExitCode, fileAccessError, InputError } from '../../shared/errors.js';
import { parseCommandArgs } from '../args.js';
import type { CommandContext } from './context.js';

/** The run seed when evalgate.yml sets none (the config schema's default, read from it). */
const DEFAULT_SEED: number = configSchema.shape.seed.parse(undefined);

export const STRESS_PREVIEW_HELP = `Usage: evalgate stress-preview <image> [options]

Writes a contact sheet of one image under the stress suite's perturbations: one row per
perturbation, a first column with the clean image, then one column per severity 1 to 5. Tiles
are upscaled by a whole factor (nearest-neighbour) and parted by 1 px gray lines. A Markdown
legend beside the PNG names each row and its parameters at each severity for this image's size.

Arguments:
  <image>                    a PNG or JPEG file

Options:
  --out <file.png>           where to write the sheet (default: stress-preview.png)
  --legend <file.md>         where to write the legend (default: the --out path with .md)
  --only <name,name>         these perturbations only, in this order (default: all of them)
  --seed <n>                 the run seed the perturbations are drawn from (default ${DEFAULT_SEED},
                             as in evalgate.yml)
  --sample-id <id>           the sample id they are seeded with (default: the image's file name);
                             pass the path relative to the test-set root (e.g. 8/digit-0129.png)
                             to see exactly the images a run with this seed feeds the model
  --tile-size <px>           length of a tile's longer side, a multiple of the image's longer
                             side (default: the smallest multiple >= 64 px, at most 256 px)
  -h, --help                 show this help

Exit codes: 0 written, 2 bad input or usage, 3 internal error.`;

export async function stressPreviewCommand(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'stress-preview',
    argv,
    {
      out: { type: 'string' },
      legend: { type: 'string' },
      only: { type: 'string' },
      seed: { type: 'string' },
      'sample-id': { type: 'string' },
      'tile-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    context.stdout(STRESS_PREVIEW_HELP);
    return ExitCode.passed;
  }
  if (positionals.length !== 1) {
    throw new InputError(
      positionals.length === 0
        ? `'evalgate stress-preview' needs an image: evalgate stress-preview <image>`
        : `'evalgate stress-preview' takes one image, got ${positionals.length}: ${positionals.join(' ')}`,
      { code: 'E_USAGE', hint: 'see: evalgate stress-preview --help' },
    );
  }
  const perturbations = selectPerturbations(values.only);
  const seed = parseWholeNumber(values.seed, 'seed', DEFAULT_SEED, 0xffffffff);
  const tileSize =
    values['tile-size'] === undefined
      ? undefined
      : parseWholeNumber(values['tile-size'], 'tile-size', 0, 8192);
  const imageArg = positionals[0]!;
  const imagePath = path.resolve(context.cwd, imageArg);
  const sampleId = values['sample-id'] ?? path.basename(imagePath);
  const outPath = path.resolve(context.cwd, values.out ?? 'stress-preview.png');
  const legendPath = path.resolve(
    context.cwd,
    values.legend ?? legendPathFor(values.out ?? 'stress-preview.png'),
  );

  let bytes: Uint8Array;
  try {
    bytes = readFileSync(imagePath);
  } catch (error) {
    throw fileAccessError(error, imageArg, {
      notFound: `image not found: ${imagePath}`,
      failed: 'cannot read the image',
    });
  }
  const image = toFloatImage(decodePreviewImage(bytes, imageArg));
  let sheet: ContactSheet;
  try {
    sheet = buildContactSheet(image, perturbations, { seed, sampleId, tileSize });
  } catch (error) {
    if (error instanceof InputError && values['tile-size'] !== undefined) {
      throw new InputError(`--tile-size: ${error.message}`, { code: 'E_USAGE', hint: error.hint });
    }
    throw error;
  }

  const png = new PNG({ width: sheet.width, height: sheet.height });
  png.data = Buffer.from(sheet.data.buffer, sheet.data.byteOffset, sheet.data.byteLength);
  writeOutput(outPath, PNG.sync.write(png), values.out ?? 'stress-preview.png');
  const legend = renderLegend(sheet, {
    image: imageArg,
    imageWidth: image.width,
    imageHeight: image.height,
    channels: image.channels,
    seed,
    sampleId,
    sheetFile: path.relative(path.dirname(legendPath), outPath) || path.basename(outPath),
  });
  writeOutput(legendPath, legend, values.legend ?? path.relative(context.cwd, legendPath));

  const shown = (file: string) => {
    const relative = path.relative(context.cwd, file);
    return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  };
  context.stdout(
    `contact sheet: ${shown(outPath)} (${sheet.width}×${sheet.height} px: ${sheet.rows.length} rows × ${sheet.columns} columns, tiles ${sheet.tileWidth}×${sheet.tileHeight}, ×${sheet.scale})`,
  );
  context.stdout(`legend:        ${shown(legendPath)}`);
  context.stdout(
    `columns: clean, severity 1 … 5; rows: ${sheet.rows.map((r) => r.perturbation.name).join(', ')}`,
  );
  return ExitCode.passed;
}

/** The perturbations named by --only (comma-separated, in that order), or all of them. */
function selectPerturbations(only: string | undefined): Perturbation[] {
  if (only === undefined) return [...IMAGE_PERTURBATIONS];
  const names = only
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const valid = IMAGE_PERTURBATIONS.map((p) => p.name);
  if (names.length === 0) {
    throw new InputError('--only names no perturbation', {
      code: 'E_USAGE',
      hint: `valid names: ${valid.join(', ')}`,
    });
  }
  const chosen: Perturbation[] = [];
  for (const name of names) {
    const perturbation = IMAGE_PERTURBATIONS.find((p) => p.name === name);
    if (!perturbation) {
      const suggestion = nearest(name, valid);
      throw new InputError(
        `unknown perturbation '${name}' in --only${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
        { code: 'E_USAGE', hint: `valid names: ${valid.join(', ')}` },
      );
    }
    if (!chosen.includes(perturbation)) chosen.push(perturbation);
  }
  return chosen;
}

function parseWholeNumber(value: string | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > max) {
    throw new InputError(`--${flag} must be a whole number from 0 to ${max}, got '${value}'`, {
      code: 'E_USAGE',
    });
  }
  return n;
}

/** Decodes the image; decodeImage's test-set wording is replaced by this command's. */
function decodePreviewImage(bytes: Uint8Array, file: string) {
  try {
    return decodeImage(bytes, file);
  } catch (error) {
    if (error instanceof EvalgateError && error.exitCode === ExitCode.badInput) {
      throw new InputError(error.message, {
        code: 'E_INPUT',
        where: file,
        hint: 'evalgate stress-preview reads a PNG or JPEG image',
        cause: error,
      });
    }
    throw error;
  }
}

function legendPathFor(out: string): string {
  return /\.png$/i.test(out) ? out.replace(/\.png$/i, '.md') : `${out}.md`;
}

function writeOutput(file: string, contents: Uint8Array | string, shown: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, contents);
  } catch (error) {
    throw fileAccessError(error, shown, { failed: 'cannot write the file', code: 'E_FILE_ACCESS' });
  }
}

interface LegendContext {
  image: string;
  imageWidth: number;
  imageHeight: number;
  channels: 1 | 3;
  seed: number;
  sampleId: string;
  sheetFile: string;
}

/** The Markdown legend: what the sheet shows, then per row its parameters at severities 1–5. */
export function renderLegend(sheet: ContactSheet, info: LegendContext): string {
  const size = { width: info.imageWidth, height: info.imageHeight };
  const lines = [
    `# Stress preview of ${info.image}`,
    '',
    `![contact sheet](${info.sheetFile.split(path.sep).join('/')})`,
    '',
    `${info.imageWidth}×${info.imageHeight} ${info.channels === 1 ? 'gray' : 'RGB'} image, seed ${info.seed}, sample id \`${info.sampleId}\`; ` +
      `tiles upscaled ×${sheet.scale} (nearest-neighbour). Columns: the clean image, then severities ${sheet.severities.join(', ')}. ` +
      `Parameters are those for an image of this size.`,
    '',
    `| row | perturbation | family | ${sheet.severities.map((s) => `severity ${s}`).join(' | ')} |`,
    `|---|---|---|${sheet.severities.map(() => '---').join('|')}|`,
  ];
  sheet.rows.forEach(({ perturbation }, i) => {
    const cells = sheet.severities.map((s) => formatParameters(perturbation.parameters(s, size)));
    lines.push(`| ${i + 1} | \`${perturbation.name}\` | ${perturbation.family} | ${cells.join(' | ')} |`);
  });
  const gray = sheet.rows.filter((r) => r.perturbation.grayBehaviour);
  if (info.channels === 1 && gray.length > 0) {
    lines.push('', 'On a gray image:', '');
    for (const { perturbation } of gray)
      lines.push(`- \`${perturbation.name}\`: ${perturbation.grayBehaviour}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatParameters(parameters: Record<string, ParameterValue>): string {
  const parts = Object.entries(parameters).map(([key, value]) => `${key}=${formatValue(value)}`);
  return parts.length === 0 ? '–' : parts.join(', ').replace(/\|/g, '\\|');
}

function formatValue(value: ParameterValue): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  return `[${value.map(formatNumber).join(', ')}]`;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(4)));
}
