/**
 * Manifest test sets: a CSV (header row required) or JSONL file listing `path` and `label` for each
 * sample; every other column (CSV) or key (JSONL) becomes a slice, whose values are strings.
 *
 * Paths are relative to the test-set root and may not leave it: absolute paths, `..` segments that
 * climb above the root and symlinks that resolve outside it are errors naming the manifest line, as are
 * missing files, duplicate paths and labels not in the class list. Samples keep the manifest's order.
 * The manifest itself must sit inside the root, so that the lock covers it.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { parse } from 'csv-parse/sync';
import { errorMessage, fileAccessError, InputError } from '../shared/errors.js';
import { countOf } from '../shared/plural.js';
import { classIndex, unknownLabelError } from './classLabels.js';
import { decodeImageFile } from './readImageFolder.js';
import { compareCodeUnits, LOCK_FILE_NAME } from './testSetPaths.js';
import type { DecodedImage, TestSet, TestSetSample } from './types.js';

export interface ReadManifestOptions {
  root: string;
  /** Manifest path, relative to the root (or absolute, inside the root). */
  manifest: string;
  classNames: string[];
  /** Absolute path of the lock file, refused as a sample. */
  lockPath?: string;
  /**
   * Receives the error of a row without a label or with one that is not a class, instead of
   * throwing it, so that the caller can check the lock first; the row's file stays in `files`.
   */
  onUnknownLabel?: (error: InputError) => void;
}

/** One manifest row before validation. */
interface ManifestRow {
  line: number;
  path: unknown;
  label: unknown;
  slices: Record<string, string>;
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

export function readManifest(options: ReadManifestOptions): TestSet {
  const root = resolve(options.root);
  const manifestAbs = resolve(root, options.manifest);
  const manifestRel = relative(root, manifestAbs).split(sep).join('/');
  if (!isInside(root, manifestAbs) || manifestRel === '') {
    throw new InputError(`the manifest ${options.manifest} is not inside the test-set folder ${root}`, {
      code: 'E_TEST_SET_INVALID',
      where: 'test-set.manifest',
      hint: 'put the manifest in the test-set folder (test-set.path), so that the lock covers it',
    });
  }
  let text: string;
  try {
    text = readFileSync(manifestAbs, 'utf8');
  } catch (error) {
    throw fileAccessError(error, manifestAbs, {
      notFound: 'manifest not found',
      failed: 'cannot read the manifest',
      hint: 'check test-set.manifest (relative to test-set.path)',
    });
  }

  const extension = extname(manifestAbs).toLowerCase();
  let parsed: { rows: ManifestRow[]; sliceColumns: string[] };
  if (extension === '.csv') parsed = parseCsv(text, manifestRel);
  else if (extension === '.jsonl' || extension === '.ndjson') parsed = parseJsonl(text, manifestRel);
  else {
    throw new InputError(`unsupported manifest type '${extension || '(none)'}'`, {
      code: 'E_TEST_SET_INVALID',
      where: manifestAbs,
      hint: 'use a .csv file with a header row (path,label,...) or a .jsonl file ({"path": ..., "label": ...})',
    });
  }

  const labels = classIndex(options.classNames);
  const rootReal = realpathSync(root);
  const lockPath = options.lockPath ? resolve(options.lockPath) : undefined;
  const seen = new Map<string, number>();
  const samples: TestSetSample[] = [];
  /** Files of rows whose label is wrong (only with onUnknownLabel): in the lock's view, not samples. */
  const unlabelled: string[] = [];
  const labelProblem = (error: InputError, id: string) => {
    if (!options.onUnknownLabel) throw error;
    options.onUnknownLabel(error);
    unlabelled.push(id);
  };
  for (const row of parsed.rows) {
    const where = `${manifestRel}:${row.line}`;
    const id = checkPath(row.path, where, root, rootReal);
    const abs = join(root, id);
    if (abs === manifestAbs || abs === lockPath || posix.basename(id) === LOCK_FILE_NAME) {
      throw new InputError(`path '${id}' names the manifest or the lock file, not an image`, {
        code: 'E_TEST_SET_INVALID',
        where,
      });
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      throw new InputError(`path '${id}' is listed twice (first on line ${earlier})`, {
        code: 'E_TEST_SET_INVALID',
        where,
        hint: 'list each file once',
      });
    }
    seen.set(id, row.line);
    const labelText = typeof row.label === 'number' ? String(row.label) : row.label;
    if (typeof labelText !== 'string' || labelText === '') {
      labelProblem(
        new InputError('missing label', {
          code: 'E_TEST_SET_INVALID',
          where,
          hint: 'every row needs a class name in its label column',
        }),
        id,
      );
      continue;
    }
    const label = labels.get(labelText);
    if (label === undefined) {
      labelProblem(unknownLabelError(labelText, `on ${where}`, options.classNames, where), id);
      continue;
    }
    samples.push({ id, label, slices: row.slices });
  }

  const files = [...samples.map((s) => s.id), ...unlabelled, manifestRel].sort(compareCodeUnits);
  return {
    format: 'manifest',
    root,
    manifest: manifestRel,
    files,
    samples,
    sliceColumns: parsed.sliceColumns,
    decode(index: number): DecodedImage {
      return decodeImageFile(join(root, samples[index].id));
    },
    sampleFile(index: number): string {
      return join(root, samples[index].id);
    },
  };
}

/** Validates a manifest path; returns it normalised ('/'-separated, relative to the root). */
function checkPath(value: unknown, where: string, root: string, rootReal: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError('missing path', {
      code: 'E_TEST_SET_INVALID',
      where,
      hint: 'every row needs a file path relative to the test-set folder',
    });
  }
  // Manifests written on Windows use backslashes; read them as separators.
  const path = value.trim().replace(/\\/g, '/');
  if (path.startsWith('/') || /^[A-Za-z]:\//.test(path)) {
    throw new InputError(
      `path '${value}' is absolute; manifest paths must be relative to the test-set folder`,
      {
        code: 'E_TEST_SET_INVALID',
        where,
        hint: 'write the path relative to the test-set folder (test-set.path)',
      },
    );
  }
  const normalised = posix.normalize(path);
  if (normalised === '..' || normalised.startsWith('../')) {
    throw new InputError(`path '${value}' escapes the test-set folder`, {
      code: 'E_TEST_SET_INVALID',
      where,
      hint: 'every file of a test set must be inside its folder, so that the lock covers it',
    });
  }
  const abs = join(root, normalised);
  let real: string;
  try {
    if (!statSync(abs).isFile())
      throw new InputError(`path '${value}' is not a file`, { code: 'E_TEST_SET_INVALID', where });
    real = realpathSync(abs);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`file '${value}' not found`, {
      code: 'E_TEST_SET_INVALID',
      where,
      hint: `paths are relative to the test-set folder ${root}`,
      cause: error,
    });
  }
  if (!isInside(rootReal, real)) {
    throw new InputError(`path '${value}' escapes the test-set folder through a symbolic link (to ${real})`, {
      code: 'E_TEST_SET_INVALID',
      where,
      hint: 'copy the file into the test-set folder instead of linking to it',
    });
  }
  return normalised;
}

function parseCsv(text: string, manifestRel: string): { rows: ManifestRow[]; sliceColumns: string[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    const where = line ? `${manifestRel}:${line}` : manifestRel;
    if ((error as { code?: string }).code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
      throw fieldCountError(text, (error as { record?: string[] }).record ?? [], where, error);
    }
    // The location is in `where`; csv-parse's own "on line 4" would say it twice.
    const detail = errorMessage(error).replace(/,?\s+(?:on|at) line \d+\.?$/, '');
    throw new InputError(`cannot parse the CSV manifest: ${detail}`, {
      code: 'E_TEST_SET_INVALID',
      where,
      cause: error,
    });
  }
  if (records.length === 0) {
    throw new InputError('the CSV manifest is empty', {
      code: 'E_TEST_SET_INVALID',
      where: manifestRel,
      hint: 'the first row must be a header: path,label[,slice columns...]',
    });
  }
  const header = records[0].record;
  const headerLine = records[0].info.lines;
  const duplicate = header.find((name, i) => header.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new InputError(`column '${duplicate}' appears twice in the header`, {
      code: 'E_TEST_SET_INVALID',
      where: `${manifestRel}:${headerLine}`,
    });
  }
  const pathColumn = header.indexOf('path');
  const labelColumn = header.indexOf('label');
  if (pathColumn < 0 || labelColumn < 0) {
    throw new InputError(
      `the CSV header must name the columns 'path' and 'label'; it has [${header.map((h) => `'${h}'`).join(', ')}]`,
      {
        code: 'E_TEST_SET_INVALID',
        where: `${manifestRel}:${headerLine}`,
        hint: 'add a header row such as: path,label,source',
      },
    );
  }
  const sliceColumns = header.filter((_, i) => i !== pathColumn && i !== labelColumn);
  const sliceIndices = header.map((_, i) => i).filter((i) => i !== pathColumn && i !== labelColumn);
  const rows: ManifestRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r];
    const slices: Record<string, string> = {};
    sliceIndices.forEach((column, k) => {
      slices[sliceColumns[k]] = record[column] ?? '';
    });
    rows.push({ line: info.lines, path: record[pathColumn], label: record[labelColumn], slices });
  }
  return { rows, sliceColumns };
}

/** A CSV row with more or fewer fields than the header has columns: names both, and the fix. */
function fieldCountError(text: string, record: string[], where: string, cause: unknown): InputError {
  const header =
    (parse(text, { bom: true, skip_empty_lines: true, trim: true, to: 1 }) as string[][])[0] ?? [];
  const fields = record.map((field) => JSON.stringify(field)).join(', ');
  const extra = record.length > header.length;
  return new InputError(
    `the row has ${countOf(record.length, 'field')} (${fields}), but the header has ${countOf(header.length, 'column')}: ${header.join(',')}`,
    {
      code: 'E_TEST_SET_INVALID',
      where,
      hint: extra
        ? `quote a field that holds a comma ("a,b"), or name the extra column in the header (${header.join(',')},<slice>)`
        : `give every row one value per column (${header.join(',')}); an empty value is allowed`,
      cause,
    },
  );
}

function parseJsonl(text: string, manifestRel: string): { rows: ManifestRow[]; sliceColumns: string[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: ManifestRow[] = [];
  const sliceColumns: string[] = [];
  const known = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const where = `${manifestRel}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputError(`not valid JSON: ${errorMessage(error)}`, {
        code: 'E_TEST_SET_INVALID',
        where,
        hint: 'each line must be one JSON object such as {"path": "cat/1.png", "label": "cat"}',
      });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError('each line must be a JSON object with "path" and "label"', {
        code: 'E_TEST_SET_INVALID',
        where,
      });
    }
    const record = value as Record<string, unknown>;
    const slices: Record<string, string> = {};
    for (const [key, v] of Object.entries(record)) {
      if (key === 'path' || key === 'label') continue;
      if (!known.has(key)) {
        known.add(key);
        sliceColumns.push(key);
      }
      slices[key] =
        v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    rows.push({ line: i + 1, path: record.path, label: record.label, slices });
  }
  // A key missing from some lines is an empty slice value there.
  for (const row of rows) for (const key of sliceColumns) row.slices[key] ??= '';
  return { rows, sliceColumns };
}
