// `npm run bench:stress`: the cost of the default stress suite (issue 10: every perturbation at
// all five severities on every sample) against clean inference, in one process and one run.
//
// On the bundled example (examples/digits: 540 gray 8x8 digits, model.onnx), it times
//  - clean: as many clean scoring passes as the suite has cells, over the same samples, each the
//    stress cell's own path without the perturbation (the decoded images kept in memory, then
//    preprocessing, batching, inference, the evaluation state and its figures);
//  - stress: the suite itself, runStress with the pipeline's scoring (src/pipeline/evaluateModel.ts),
// and prints stress / clean (target: at most 1.3x) and the time of each perturbation over its five
// severities. The clean passes run before and after the suite; their mean is the denominator.
//
// Uses the compiled code in lib/ (`npm run bench:stress` compiles first).
// Standalone: `node scripts/bench/stress.mjs [config]` (default examples/digits/evalgate.yml).
import os from 'node:os';
import { loadConfig } from '../../lib/config/loadConfig.js';
import { resolveStress } from '../../lib/config/stressConfig.js';
import { batchTestSet } from '../../lib/dataset/batches.js';
import { openTestSet } from '../../lib/dataset/openTestSet.js';
import { resolvePreprocess } from '../../lib/dataset/preprocessForModel.js';
import { compute } from '../../lib/evaluation/evalState.js';
import { resolveTopK } from '../../lib/evaluation/topK.js';
import { scoreTestSet } from '../../lib/pipeline/scoreTestSet.js';
import { loadOnnxRuntime } from '../../lib/runtime/loadOnnxRuntime.js';
import { openModelSession } from '../../lib/runtime/modelSession.js';
import { runStress } from '../../lib/stress/runStress.js';
import { cleanDecoder } from '../../lib/stress/stressedTestSet.js';
import { stressSubset } from '../../lib/stress/stressSubset.js';
import { stressCells } from '../../lib/stress/suite.js';

const TARGET = 1.3;
const configFile = process.argv[2] ?? 'examples/digits/evalgate.yml';
const config = loadConfig(configFile, { cwd: process.cwd() });
const stress = resolveStress('default', config.seed, () => 'bench');
const cells = stressCells(stress);

const testSet = await openTestSet({
  root: config.testSet.source.path,
  manifest: config.testSet.manifest,
  classNames: config.classes,
});
const runtime = await loadOnnxRuntime();
const session = await openModelSession(runtime.ort, {
  modelPath: config.model.source.path,
  inputName: config.model.input,
  outputName: config.model.output,
  outputKind: config.model.outputKind,
  numClasses: config.classes.length,
  executionProvider: 'cpu',
  allowSpinning: true, // the stress cells run without decode workers, as in evaluateModel
});
const preprocess = resolvePreprocess(config.preprocess, session, testSet);
const now = () => performance.now();

/** The pipeline's scoring of a stress cell (evaluateModel's `score`). */
async function score(set) {
  const scored = await scoreTestSet({
    session,
    classNames: config.classes,
    topK: resolveTopK(config.topK, config.classes.length),
    batchSize: config.batchSize,
    outputKind: config.model.outputKind,
    now,
    batches: batchTestSet(set, preprocess, config.batchSize),
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

async function cleanPasses(count) {
  const start = now();
  for (let i = 0; i < count; i++) await score(cleanSet);
  return (now() - start) / 1000;
}

await cleanPasses(3); // warm-up: the session's first runs and the decoded-image cache
const cleanBefore = await cleanPasses(cells.length);
const cellSeconds = [];
const stressStart = now();
await runStress({
  stress,
  testSet,
  numClasses: config.classes.length,
  score: async (set) => {
    const start = now();
    const result = await score(set); // batches are lazy: this includes decoding and perturbing
    cellSeconds.push((now() - start) / 1000);
    return result;
  },
});
const stressSeconds = (now() - stressStart) / 1000;
const cleanAfter = await cleanPasses(cells.length);
await session.close();

const clean = (cleanBefore + cleanAfter) / 2;
const ratio = stressSeconds / clean;
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}`,
);
console.log(
  `data: ${configFile}, ${indices.length} samples; default suite: ${stress.perturbations.length} perturbations x ${stress.severities.length} severities = ${cells.length} cells`,
);
console.log(
  `clean: ${cells.length} scoring passes in ${clean.toFixed(3)} s (${cleanBefore.toFixed(3)} s before the suite, ${cleanAfter.toFixed(3)} s after)`,
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
console.log(`${ok ? 'PASS' : 'FAIL'}  stress / clean: ${ratio.toFixed(2)}x (target <= ${TARGET}x)`);
process.exitCode = ok ? 0 : 1;
