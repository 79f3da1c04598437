/**
 * Real model outputs for the evaluation-state tests: the bundled digits example, with two slice
 * columns added through a manifest, evaluated once by the real pipeline (the unsplit report) and its
 * probability rows computed once by the real onnxruntime-node session.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { EvalConfig } from '../../src/config/types.js';
import { batchTestSet, decodeBatch, planBatches } from '../../src/dataset/batches.js';
import { emptyValueRange } from '../../src/dataset/preprocess.js';
import { openTestSet } from '../../src/dataset/openTestSet.js';
import { resolvePreprocess } from '../../src/dataset/preprocessForModel.js';
import type { TestSet, ValueRange } from '../../src/dataset/types.js';
import { resolveTopK } from '../../src/evaluation/topK.js';
import { evaluateModel } from '../../src/pipeline/evaluateModel.js';
import type { Report } from '../../src/report/types.js';
import { loadOnnxRuntime } from '../../src/runtime/loadOnnxRuntime.js';
import { openModelSession } from '../../src/runtime/modelSession.js';
import { exampleDir, withoutStress } from '../helpers/cli.js';

export interface RealRun {
  config: EvalConfig;
  testSet: TestSet;
  /** The unsplit run's report, from evaluateModel. */
  report: Report;
  /** Probability rows of every sample, row-major, in test-set order. */
  probabilities: Float32Array;
  labels: Int32Array;
  topK: number;
  /** Each sample's input value range on its own (raw and fed), in test-set order. */
  sampleRanges: ValueRange[];
}

/** The example with a manifest holding slice columns `parity` (of the label) and `third` (some empty). */
function slicedExample(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-evalstate-'));
  cpSync(exampleDir, dir, { recursive: true });
  const root = path.join(dir, 'test-set');
  const rows = ['path,label,parity,third'];
  for (const label of readdirSync(root).sort()) {
    if (!statSync(path.join(root, label)).isDirectory()) continue;
    readdirSync(path.join(root, label))
      .sort()
      .forEach((file, i) => {
        const third = ['a', 'b', ''][i % 3];
        rows.push(`${label}/${file},${label},${Number(label) % 2 === 0 ? 'even' : 'odd'},${third}`);
      });
  }
  writeFileSync(path.join(root, 'manifest.csv'), `${rows.join('\n')}\n`);
  // The stress cells are states of their own (the stress tests cover them): the clean run is split here.
  const text = withoutStress(readFileSync(path.join(dir, 'evalgate.yml'), 'utf8')).replace(
    // The example names manifest.csv already; this test writes its own, so it runs unlocked.
    'lock: test-set/evalgate.lock.json',
    'lock: none',
  );
  writeFileSync(path.join(dir, 'evalgate.yml'), text);
  return dir;
}

export async function realRun(): Promise<RealRun> {
  const dir = slicedExample();
  const config = loadConfig(path.join(dir, 'evalgate.yml'), { cwd: dir });
  const runtime = await loadOnnxRuntime();
  const report = await evaluateModel(config, { runtime });
  const testSet = await openTestSet({
    root: path.join(dir, 'test-set'),
    manifest: config.testSet.manifest,
    classNames: config.classes,
  });
  const numClasses = config.classes.length;
  const session = await openModelSession(runtime.ort, {
    modelPath: path.join(dir, 'model.onnx'),
    outputKind: config.model.outputKind,
    numClasses,
    executionProvider: 'cpu',
  });
  const probabilities = new Float32Array(testSet.samples.length * numClasses);
  const sampleRanges: ValueRange[] = [];
  try {
    const preprocess = resolvePreprocess(config.preprocess, session, testSet);
    const plan = planBatches(testSet, preprocess);
    for (let i = 0; i < testSet.samples.length; i++) {
      const range = emptyValueRange();
      decodeBatch(testSet, { preprocess, indices: [i], plan, range });
      sampleRanges.push(range);
    }
    for await (const batch of batchTestSet(testSet, preprocess, config.batchSize)) {
      const rows = await session.run(batch.data, batch.size, batch.sampleShape);
      probabilities.set(rows.subarray(0, batch.size * numClasses), batch.indices[0] * numClasses);
    }
  } finally {
    await session.close();
  }
  return {
    config,
    testSet,
    report,
    probabilities,
    labels: Int32Array.from(testSet.samples, (s) => s.label),
    topK: resolveTopK(config.topK, numClasses),
    sampleRanges,
  };
}
