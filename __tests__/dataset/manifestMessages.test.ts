/** Messages about a CSV manifest that a person can act on: the file, the line, the columns expected. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTestSet } from '../../src/dataset/openTestSet.js';
import { InputError } from '../../src/shared/errors.js';
import { CLASSES, copyTestSet } from '../helpers/datasetFixtures.js';

async function openError(csv: string): Promise<InputError> {
  const root = copyTestSet('manifest');
  writeFileSync(join(root, 'manifest.csv'), csv);
  try {
    await openTestSet({ root, manifest: 'manifest.csv', classNames: CLASSES });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('openTestSet did not throw');
}

describe('a CSV manifest row with the wrong number of fields', () => {
  it('an extra field names the file, the line, the fields and the expected columns', async () => {
    const error = await openError(
      'path,label,source\nimages/da00.png,dark,scanner\nimages/da01.png,dark,phone,extra\n',
    );
    expect(error.where).toBe('manifest.csv:3');
    expect(error.message).toBe(
      'the row has 4 fields ("images/da01.png", "dark", "phone", "extra"), but the header has 3 columns: path,label,source',
    );
    // The line is said once, in `where`: not again as csv-parse's "on line 3".
    expect(error.message).not.toMatch(/line 3/);
    expect(error.hint).toContain('quote a field that holds a comma');
    expect(error.code).toBe('E_TEST_SET_INVALID');
  });

  it('a missing field says so, with the columns a row needs', async () => {
    const error = await openError('path,label\nimages/da00.png\n');
    expect(error.where).toBe('manifest.csv:2');
    expect(error.message).toBe(
      'the row has 1 field ("images/da00.png"), but the header has 2 columns: path,label',
    );
    expect(error.hint).toContain('one value per column (path,label)');
  });

  it('another parse error keeps its reason and says the line only once', async () => {
    const error = await openError('path,label\nimages/da00.png,"dark\n');
    expect(error.where).toMatch(/^manifest\.csv:\d+$/);
    expect(error.message).toMatch(/^cannot parse the CSV manifest: Quote Not Closed/);
    expect(error.message).not.toMatch(/line \d/);
  });
});
