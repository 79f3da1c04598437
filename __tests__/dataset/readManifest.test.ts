import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTestSet } from '../../src/dataset/openTestSet.js';
import { InputError } from '../../src/shared/errors.js';
import { CLASSES, copyTestSet, IMAGES, TESTSETS } from '../helpers/datasetFixtures.js';

const ROOT = join(TESTSETS, 'manifest');
const NAMES = ['da00', 'da01', 'di00', 'di01', 'di02', 'sq00', 'sq01', 'sq02'];

/** A copy of the manifest test set whose manifest.csv is `lines` after the header. */
function withCsv(lines: string[], header = 'path,label,source'): string {
  const root = copyTestSet('manifest');
  writeFileSync(join(root, 'manifest.csv'), `${[header, ...lines].join('\n')}\n`);
  return root;
}

async function openError(root: string, manifest = 'manifest.csv'): Promise<InputError> {
  try {
    await openTestSet({ root, manifest, classNames: CLASSES });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('openTestSet did not throw');
}

describe('manifest test sets', () => {
  it.each(['manifest.csv', 'manifest.jsonl'])(
    'reads %s with its extra column as a slice, in manifest order',
    async (manifest) => {
      const testSet = await openTestSet({ root: ROOT, manifest, classNames: CLASSES });
      expect(testSet.format).toBe('manifest');
      expect(testSet.manifest).toBe(manifest);
      expect(testSet.sliceColumns).toEqual(['source']);
      expect(testSet.samples.map((s) => s.id)).toEqual(NAMES.map((n) => `images/${n}.png`));
      expect(testSet.samples.map((s) => s.label)).toEqual([0, 0, 1, 1, 1, 2, 2, 2]);
      expect(testSet.samples.map((s) => s.slices.source)).toEqual(
        NAMES.map((_, i) => (i % 2 ? 'phone' : 'scanner')),
      );
      expect(testSet.files).toEqual([...NAMES.map((n) => `images/${n}.png`), manifest].sort());
      expect(testSet.decode(0).width).toBe(8);
    },
  );

  it('gives JSONL keys missing on some lines an empty slice value and stringifies non-string values', async () => {
    const root = copyTestSet('manifest');
    writeFileSync(
      join(root, 'm.jsonl'),
      '{"path": "images/da00.png", "label": "dark", "site": 3}\n\n{"path": "images/sq00.png", "label": "square", "night": true}\n',
    );
    const testSet = await openTestSet({ root, manifest: 'm.jsonl', classNames: CLASSES });
    expect(testSet.sliceColumns).toEqual(['site', 'night']);
    expect(testSet.samples.map((s) => s.slices)).toEqual([
      { site: '3', night: '' },
      { site: '', night: 'true' },
    ]);
  });

  it('refuses a path that climbs out of the test-set folder, citing the manifest line', async () => {
    const root = withCsv(['images/da00.png,dark,a', '../outside.png,dark,a']);
    const error = await openError(root);
    expect(error.where).toBe('manifest.csv:3');
    expect(error.message).toMatch(/escapes the test-set folder/);
  });

  it('refuses a path that climbs out after going down', async () => {
    const error = await openError(withCsv(['images/../../x.png,dark,a']));
    expect(error.where).toBe('manifest.csv:2');
    expect(error.message).toMatch(/escapes/);
  });

  it('refuses an absolute path', async () => {
    const error = await openError(withCsv([`${join(IMAGES, 'gray8.png')},dark,a`]));
    expect(error.where).toBe('manifest.csv:2');
    expect(error.message).toMatch(/is absolute/);
  });

  it('refuses a symbolic link that leads out of the test-set folder', async () => {
    const root = withCsv(['images/link.png,dark,a']);
    symlinkSync(join(IMAGES, 'gray8.png'), join(root, 'images', 'link.png'));
    const error = await openError(root);
    expect(error.where).toBe('manifest.csv:2');
    expect(error.message).toMatch(/symbolic link/);
  });

  it('refuses a missing file, citing the line', async () => {
    const error = await openError(withCsv(['images/da00.png,dark,a', 'images/nope.png,dark,a']));
    expect(error.where).toBe('manifest.csv:3');
    expect(error.message).toBe("file 'images/nope.png' not found");
  });

  it('refuses a label that is not in the class list, citing the line and the label', async () => {
    const error = await openError(withCsv(['images/da00.png,dark,a', 'images/sq00.png,sqare,a']));
    expect(error.where).toBe('manifest.csv:3');
    expect(error.message).toMatch(
      /label 'sqare' .* is not in the class list \['dark', 'diagonal', 'square'\]/,
    );
    expect(error.hint).toMatch(/Did you mean 'square'/);
  });

  it('refuses a CSV without path and label columns', async () => {
    const error = await openError(withCsv(['images/da00.png,dark'], 'file,class'));
    expect(error.where).toBe('manifest.csv:1');
    expect(error.message).toMatch(/'path' and 'label'.*\['file', 'class'\]/);
  });

  it('refuses a file listed twice', async () => {
    const error = await openError(withCsv(['images/da00.png,dark,a', './images/da00.png,dark,b']));
    expect(error.where).toBe('manifest.csv:3');
    expect(error.message).toMatch(/listed twice \(first on line 2\)/);
  });

  it('refuses a CSV row with the wrong number of columns, citing the line', async () => {
    const error = await openError(withCsv(['images/da00.png,dark,a', 'images/da01.png,dark']));
    expect(error.where).toBe('manifest.csv:3');
  });

  it('refuses a JSONL line that is not JSON, citing the line', async () => {
    const root = copyTestSet('manifest');
    writeFileSync(join(root, 'bad.jsonl'), '{"path": "images/da00.png", "label": "dark"}\n{"path": \n');
    const error = await openError(root, 'bad.jsonl');
    expect(error.where).toBe('bad.jsonl:2');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('refuses a manifest outside the test-set folder', async () => {
    const outside = join(mkdtempSync(join(tmpdir(), 'evalgate-m-')), 'm.csv');
    writeFileSync(outside, readFileSync(join(ROOT, 'manifest.csv')));
    const error = await openError(ROOT, outside);
    expect(error.where).toBe('test-set.manifest');
  });

  it('refuses a manifest with a header and no rows as an empty test set', async () => {
    expect((await openError(withCsv([]))).message).toMatch(/test set is empty/);
  });
});
