// One measured pass in a fresh process (so that peak memory belongs to this pass alone).
// Usage: node scripts/bench/pipeline-child.mjs <config> <full|decode|infer> [nospin]
//   full    evalgate's whole evaluation (lock check, decode workers, inference, metrics, report)
//   decode  decoding + preprocessing alone, on one thread
//   infer   inference alone on batches decoded beforehand (outside the timer); with `nospin`,
//           onnxruntime's idle threads sleep, as in a full run with decode workers
// Prints one JSON line: { mode, samples, seconds, peakRssMiB, ... }.
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../lib/config/loadConfig.js';
import { batchTestSet } from '../../lib/dataset/batches.js';
import { openTestSet } from '../../lib/dataset/openTestSet.js';
import { evaluateModel } from '../../lib/pipeline/evaluateModel.js';
import { loadOnnxRuntime } from '../../lib/runtime/loadOnnxRuntime.js';
import { openModelSession } from '../../lib/runtime/modelSession.js';

const [configFile, mode, spinArg] = process.argv.slice(2);
const config = loadConfig(configFile, { cwd: process.cwd() });
const preprocess = { ...config.preprocess, channels: 1 };
let samples = 0;
let seconds = 0;
let settings = {};

if (mode === 'full') {
  const runtime = await loadOnnxRuntime();
  const start = performance.now();
  const report = await evaluateModel(config, {
    runtime,
    decodeWorkers: { script: new URL('../../lib/dataset/decodeWorkerEntry.js', import.meta.url) },
  });
  seconds = (performance.now() - start) / 1000;
  samples = report.testSet.size;
  settings = { decodeWorkers: report.settings.decodeWorkers, intraOpThreads: report.settings.intraOpThreads };
} else {
  const testSet = await openTestSet({ root: config.testSet.source.path, classNames: config.classes });
  if (mode === 'decode') {
    const start = performance.now();
    for await (const batch of batchTestSet(testSet, preprocess, config.batchSize)) samples += batch.size;
    seconds = (performance.now() - start) / 1000;
  } else {
    const batches = [];
    for await (const batch of batchTestSet(testSet, preprocess, config.batchSize)) batches.push(batch);
    const runtime = await loadOnnxRuntime();
    const session = await openModelSession(runtime.ort, {
      modelPath: config.model.source.path,
      outputKind: 'logits',
      numClasses: config.classes.length,
      executionProvider: 'cpu',
      allowSpinning: spinArg !== 'nospin',
    });
    const start = performance.now();
    for (const batch of batches) {
      await session.runRaw(batch.data, batch.size, batch.sampleShape);
      samples += batch.size;
    }
    seconds = (performance.now() - start) / 1000;
    settings = { allowSpinning: spinArg !== 'nospin' };
    await session.close();
  }
}

// Peak RSS of this process image: /proc's VmHWM. (getrusage's maxRSS survives exec on Linux, so it
// would report the forking parent's peak instead.)
function peakRssMiB() {
  try {
    const kb = Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    if (Number.isFinite(kb) && kb > 0) return kb / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}
console.log(JSON.stringify({ mode, samples, seconds, peakRssMiB: peakRssMiB(), ...settings }));
