// `npm run bench:stress`: the cost of the default stress suite (issue 10: every perturbation at
// all five severities on every sample) against clean inference, in one process and one run.
//
// On the bundled example (examples/digits: 540 gray 8x8 digits, model.onnx), or the config given,
// it times, with the decode workers a run gets by default (defaultDecodeWorkerCount):
//  - clean: as many clean scoring passes as the suite has cells, over the same samples, each the
//    clean run's own path (the workers read, decode and preprocess the files while this thread runs
//    the model, then the evaluation state and its figures);
//  - inference only: the same passes with the decoded images kept in memory and no workers, the
//    strictest denominator (what a pass costs when nothing but the model and the state run);
//  - stress: the suite itself, runStress with the pipeline's scoring (src/pipeline/evaluateModel.ts):
//    the workers perturb each cell's images (decoded once per worker) while this thread runs the model;
// and prints stress / clean (target: at most 1.3x), stress / inference only, and the time of each
// perturbation over its five severities. The clean passes run before and after the suite; their
// mean is the denominator.
//
// Uses the compiled code in lib/ (`npm run bench:stress` compiles first).
// Standalone: `node scripts/bench/stress.mjs [config] [workers]` (default examples/digits/evalgate.yml).
import os from 'node:os';
import { loadConfig } from '../../lib/config/loadConfig.js';
import { resolveStress } from '../../lib/config/stressConfig.js';
import { batchTestSet } from '../../lib/dataset/batches.js';
import { openTestSet } from '../../lib/dataset/openTestSet.js';
import { defaultDecodeWorkerCount, startDecodePool } from '../../lib/dataset/parallelBatches.js';
import { resolvePreprocess } from '../../lib/dataset/preprocessForModel.js';
import { compute } from '../../lib/evaluation/evalState.js';
import { resolveTopK } from '../../lib/evaluation/topK.js';
import { scoreTestSet } from '../../lib/pipeline/scoreTestSet.js';
import { loadOnnxRuntime } from '../../lib/runtime/loadOnnxRuntime.js';
import { openModelSession } from '../../lib/runtime/modelSession.js';
import { runStress } from '../../lib/stress/runStress.js';
import { cleanDecoder } from '../../lib/stress/stressedTestSet.js';
import { stressTransformRequest } from '../../lib/stress/stressTransform.js';
import { stressSubset } from '../../lib/stress/stressSubset.js';
import { stressCells } from '../../lib/stress/suite.js';

const TARGET = 1.3;
const configFile = process.argv[2] ?? 'examples/digits/evalgate.yml';
const workers = Number(process.argv[3] ?? defaultDecodeWorkerCount('cpu'));
const config = loadConfig(configFile, { cwd: process.cwd() });
const stress = resolveStress('default', config.seed, () => 'bench');
const cells = stressCells(stress);

const testSet = await openTestSet({
  root: config.testSet.source.path,
  manifest: config.testSet.manifest,
  classNames: config.classes,
});
const pool = startDecodePool(testSet, {
  script: new URL('../../lib/stress/decodeWorkerEntry.js', import.meta.url),
  count: workers,
});
const runtime = await loadOnnxRuntime();
const session = await openModelSession(runtime.ort, {
  modelPath: config.model.source.path,
  inputName: config.model.input,
  outputName: config.model.output,
  outputKind: config.model.outputKind,
  numClasses: config.classes.length,
  executionProvider: 'cpu',
  allowSpinning: false, // as evaluateModel opens it when decode workers run
});
const preprocess = resolvePreprocess(config.preprocess, session, testSet);
const now = () => performance.now();

/** The pipeline's scoring (evaluateModel's): of `set`, its batches from `batches` or decoded here. */
async function score(set, batches = batchTestSet(set, preprocess, config.batchSize)) {
  const scored = await scoreTestSet({
    session,
    classNames: config.classes,
    topK: resolveTopK(config.topK, config.classes.length),
    batchSize: config.batchSize,
    outputKind: config.model.outputKind,
    now,
    batches,
    testSet: set,
    warnings: [],
  });
  return compute(scored.state, { confidence: config.statistics.confidence });
}

// The stressed samples and their clean view: a cell's test set with the identity in place of the
// perturbation (runStress keeps the decoded images the same way, stressedTestSet.ts cleanDecoder).
const labels = testSet.samples.map((s) => s.label);
const { indices } = stressSubset(labels, config.classes.length, stress.samples, stress.seed);
const decodeClean = cleanDecoder(testSet, indices);
const cleanSet = {
  ...testSet,
  samples: indices.map((i) => testSet.samples[i]),
  sliceColumns: [],
  decode: (k) => decodeClean(k),
};

async function inferenceOnlyPasses(count) {
  const start = now();
  for (let i = 0; i < count; i++) await score(cleanSet);
  return (now() - start) / 1000;
}

// The default suite stresses every sample, so a clean pass is the clean run's pass over the test set.
if (indices.length !== testSet.samples.length) throw new Error('bench:stress expects every sample stressed');
async function cleanPasses(count) {
  const start = now();
  // The clean run's batches: every file read and decoded by the workers, each pass.
  for (let i = 0; i < count; i++) await score(cleanSet, pool.batches(preprocess, config.batchSize));
  return (now() - start) / 1000;
}

await inferenceOnlyPasses(3); // warm-up: the session's first runs and the decoded-image cache
await cleanPasses(3);
const cleanBefore = await cleanPasses(cells.length);
const inferenceBefore = await inferenceOnlyPasses(cells.length);
const cellSeconds = [];
const stressStart = now();
await runStress({
  stress,
  testSet,
  numClasses: config.classes.length,
  score: async (pass) => {
    const start = now();
    // Batches are lazy: this includes the workers' decoding and perturbing that the model waits for.
    const result = await score(
      pass.testSet,
      pool.batches(preprocess, config.batchSize, {
        subset: pass.subset,
        transform: stressTransformRequest(pass.spec, workers),
        onUnchanged: pass.onUnchanged,
      }),
    );
    cellSeconds.push((now() - start) / 1000);
    return result;
  },
});
const stressSeconds = (now() - stressStart) / 1000;
const inferenceAfter = await inferenceOnlyPasses(cells.length);
const cleanAfter = await cleanPasses(cells.length);
await session.close();
await pool.close();

const clean = (cleanBefore + cleanAfter) / 2;
const inferenceOnly = (inferenceBefore + inferenceAfter) / 2;
const ratio = stressSeconds / clean;
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}; ${workers} decode ${workers === 1 ? 'worker' : 'workers'}`,
);
console.log(
  `data: ${configFile}, ${indices.length} samples; default suite: ${stress.perturbations.length} perturbations x ${stress.severities.length} severities = ${cells.length} cells`,
);
console.log(
  `clean: ${cells.length} scoring passes in ${clean.toFixed(3)} s (${cleanBefore.toFixed(3)} s before the suite, ${cleanAfter.toFixed(3)} s after)`,
);
console.log(
  `inference only: ${cells.length} passes over decoded images in ${inferenceOnly.toFixed(3)} s (${inferenceBefore.toFixed(3)} s before, ${inferenceAfter.toFixed(3)} s after)`,
);
console.log(`stress: the default suite in ${stressSeconds.toFixed(3)} s`);
const perPerturbation = new Map();
cells.forEach((cell, i) => {
  const name = cell.perturbation.name;
  perPerturbation.set(name, (perPerturbation.get(name) ?? 0) + (cellSeconds[i] ?? 0));
});
const cleanCell = clean / cells.length;
console.log(`per perturbation, five severities (a clean pass: ${(cleanCell * 1000).toFixed(1)} ms):`);
for (const [name, seconds] of [...perPerturbation].sort((a, b) => b[1] - a[1])) {
  const overhead = seconds / (cleanCell * stress.severities.length);
  console.log(
    `  ${name.padEnd(20)} ${(seconds * 1000).toFixed(1).padStart(8)} ms  ${overhead.toFixed(2)}x clean`,
  );
}
const ok = ratio <= TARGET;
console.log(`stress / inference only: ${(stressSeconds / inferenceOnly).toFixed(2)}x`);
console.log(`${ok ? 'PASS' : 'FAIL'}  stress / clean: ${ratio.toFixed(2)}x (target <= ${TARGET}x)`);
process.exitCode = ok ? 0 : 1;
