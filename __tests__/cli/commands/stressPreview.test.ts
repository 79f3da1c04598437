/**
 * `evalgate stress-preview` run in-process through main: writes the contact sheet PNG and its
 * legend for an example digit; bad input is exit 2 with a message that says what to fix.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/dataset/decodeImage.js';
import { buildContactSheet } from '../../../src/modalities/image/contactSheet.js';
import { toFloatImage } from '../../../src/modalities/image/perturbations/floatImage.js';
import {
  IMAGE_PERTURBATIONS,
  perturbationNamed,
} from '../../../src/modalities/image/perturbations/registry.js';
import { repoRoot, runCli } from '../../helpers/cli.js';

const digitFile = path.join(repoRoot, 'examples/digits/test-set/8/digit-0129.png');
const n = IMAGE_PERTURBATIONS.length;

function scratch(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'evalgate-stress-preview-'));
}

describe('evalgate stress-preview', () => {
  it('writes a PNG of 1 + 5 columns and one row per perturbation, and a legend, with exit 0', async () => {
    const dir = scratch();
    const result = await runCli(['stress-preview', digitFile], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const png = PNG.sync.read(readFileSync(path.join(dir, 'stress-preview.png')));
    expect([png.width, png.height]).toEqual([6 * 64 + 5, n * 65 - 1]);
    expect(result.stdout).toContain(
      `stress-preview.png (${png.width}×${png.height} px: ${n} rows × 6 columns, tiles 64×64, ×8)`,
    );
    // The PNG holds the very bytes of the sheet the library builds for seed 0 and the file name as sample id.
    const image = toFloatImage(decodeImage(readFileSync(digitFile), digitFile));
    const sheet = buildContactSheet(image, IMAGE_PERTURBATIONS, { seed: 0, sampleId: 'digit-0129.png' });
    expect(Buffer.from(png.data).equals(Buffer.from(sheet.data))).toBe(true);

    const legend = readFileSync(path.join(dir, 'stress-preview.md'), 'utf8');
    expect(legend).toContain('![contact sheet](stress-preview.png)');
    expect(legend).toContain('seed 0, sample id `digit-0129.png`');
    const rows = legend.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows.map((l) => /`([^`]+)`/.exec(l)?.[1])).toEqual(IMAGE_PERTURBATIONS.map((p) => p.name));
    for (const row of rows) expect(row.split(' | ')).toHaveLength(3 + 5);
  });

  it('takes --only (in that order), --seed, --sample-id, --tile-size, --out and --legend', async () => {
    const dir = scratch();
    const result = await runCli(
      [
        'stress-preview',
        digitFile,
        '--only',
        'brightness, gaussian_noise',
        '--seed',
        '5',
        '--sample-id',
        '8/digit-0129.png',
        '--tile-size',
        '32',
        '--out',
        'sub/sheet.png',
        '--legend',
        'notes.md',
      ],
      dir,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const png = PNG.sync.read(readFileSync(path.join(dir, 'sub/sheet.png')));
    expect([png.width, png.height]).toEqual([6 * 32 + 5, 2 * 32 + 1]);
    const image = toFloatImage(decodeImage(readFileSync(digitFile), digitFile));
    const chosen = [perturbationNamed('brightness')!, perturbationNamed('gaussian_noise')!];
    const sheet = buildContactSheet(image, chosen, { seed: 5, sampleId: '8/digit-0129.png', tileSize: 32 });
    expect(Buffer.from(png.data).equals(Buffer.from(sheet.data))).toBe(true);
    const legend = readFileSync(path.join(dir, 'notes.md'), 'utf8');
    expect(legend).toContain('![contact sheet](sub/sheet.png)');
    expect(legend).toMatch(/\| 1 \| `brightness` \|[^\n]*\n\| 2 \| `gaussian_noise` \|/);
    expect(existsSync(path.join(dir, 'sub/sheet.md'))).toBe(false);
  });

  it('is listed in evalgate --help and has its own --help', async () => {
    expect((await runCli(['--help'], repoRoot)).stdout).toContain('stress-preview');
    const help = await runCli(['stress-preview', '--help'], repoRoot);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: evalgate stress-preview <image>');
    expect(help.stdout).toContain('--only <name,name>');
  });

  it('a missing image: exit 2 naming the path', async () => {
    const dir = scratch();
    const result = await runCli(['stress-preview', 'no/such.png'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no/such.png');
    expect(result.stderr).toContain(path.join(dir, 'no/such.png'));
    expect(result.stderr).toContain('code: E_FILE_NOT_FOUND');
    expect(existsSync(path.join(dir, 'stress-preview.png'))).toBe(false);
  });

  it('an unknown --only name: exit 2 listing the valid names, with a suggestion', async () => {
    const result = await runCli(['stress-preview', digitFile, '--only', 'gaussian_nosie'], scratch());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "unknown perturbation 'gaussian_nosie' in --only; did you mean 'gaussian_noise'?",
    );
    for (const p of IMAGE_PERTURBATIONS) expect(result.stderr).toContain(p.name);
    expect(result.stderr).toContain('code: E_USAGE');
  });

  it('other usage errors: no image, a file that is no image, a bad seed or tile size, an unknown flag', async () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'notes.txt'), 'not an image');
    const cases: [string[], RegExp][] = [
      [['stress-preview'], /needs an image/],
      [['stress-preview', 'notes.txt'], /notes\.txt: not a PNG or JPEG file[\s\S]*code: E_INPUT/],
      [['stress-preview', digitFile, '--seed', '1.5'], /--seed must be a whole number/],
      [
        ['stress-preview', digitFile, '--tile-size', '60'],
        /--tile-size: the tile size must be a whole multiple of the image's longer side \(8 px\)/,
      ],
      [['stress-preview', digitFile, '--outt', 'x.png'], /unknown option '--outt'.*did you mean '--out'/],
    ];
    for (const [argv, pattern] of cases) {
      const result = await runCli(argv, dir);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(pattern);
    }
  });
});
