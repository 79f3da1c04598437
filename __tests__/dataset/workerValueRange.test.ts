/**
 * Issue 9, item 4: batches decoded in worker threads carry their value range back (raw and fed),
 * the same as the single-thread path, so the report's input range holds for every run. Workers need
 * a JavaScript script: this starts the committed CLI bundle (dist/cli/index.js), so it needs
 * `npm run package` after a change to the worker code (EVALGATE_TEST_WORKER_SCRIPT may name another
 * built entry, such as lib/dataset/decodeWorkerEntry.js after `npm run build`).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { batchTestSet } from '../../src/dataset/batches.js';
import { openTestSet } from '../../src/dataset/openTestSet.js';
import { type DecodePool, startDecodePool } from '../../src/dataset/parallelBatches.js';
import type { Batch } from '../../src/dataset/types.js';
import { CLASSES, identityOptions, TESTSETS } from '../helpers/datasetFixtures.js';

const SCRIPT = process.env.EVALGATE_TEST_WORKER_SCRIPT
  ? pathToFileURL(process.env.EVALGATE_TEST_WORKER_SCRIPT)
  : new URL('../../dist/cli/index.js', import.meta.url);

const pools: DecodePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

async function ranges(batches: AsyncIterable<Batch>) {
  const out = [];
  for await (const batch of batches) out.push(batch.range);
  return out;
}

describe('decode workers and the value range', () => {
  it('hand back each batch’s range, equal to the single-thread path’s', async () => {
    const testSet = await openTestSet({ root: join(TESTSETS, 'folder'), classNames: CLASSES });
    const options = identityOptions({ resize: [6, 6], scale: 1 / 255, mean: [0.5], std: [0.25] });
    const expected = await ranges(batchTestSet(testSet, options, 3));
    expect(expected.every((r) => r !== undefined && r.rawMin <= r.rawMax && r.min <= r.max)).toBe(true);
    const pool = startDecodePool(testSet, { script: SCRIPT, count: 2 });
    pools.push(pool);
    expect(await ranges(pool.batches(options, 3))).toEqual(expected);
  });
});
