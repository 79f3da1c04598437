// One measured pass in a fresh process (so peak memory belongs to this pass alone).
// Usage: node scripts/bench/pipeline-child.mjs <config> <full|decode|infer>
// Prints one JSON line: { mode, samples, seconds, maxRssMiB }.
import { loadConfig } from '../../lib/config/loadConfig.js';
import { batchTestSet } from '../../lib/dataset/batches.js';
import { openTestSet } from '../../lib/dataset/openTestSet.js';
import { evaluateModel } from '../../lib/pipeline/evaluateModel.js';
import { loadOnnxRuntime } from '../../lib/runtime/loadOnnxRuntime.js';
import { openModelSession } from '../../lib/runtime/modelSession.js';

const [configFile, mode] = process.argv.slice(2);
const config = loadConfig(configFile);
const preprocess = { ...config.preprocess, channels: 1 };
let samples = 0;
let seconds = 0;

if (mode === 'full') {
  const runtime = await loadOnnxRuntime();
  const start = performance.now();
  const report = await evaluateModel(config, { runtime });
  seconds = (performance.now() - start) / 1000;
  samples = report.testSet.size;
} else {
  const testSet = await openTestSet({ root: config.testSet.source.path, classNames: config.classes });
  if (mode === 'decode') {
    const start = performance.now();
    for await (const batch of batchTestSet(testSet, preprocess, config.batchSize)) samples += batch.size;
    seconds = (performance.now() - start) / 1000;
  } else {
    // Inference alone: decode everything first (outside the timer), then run the model on it.
    const batches = [];
    for await (const batch of batchTestSet(testSet, preprocess, config.batchSize)) batches.push(batch);
    const runtime = await loadOnnxRuntime();
    const session = await openModelSession(runtime.ort, {
      modelPath: config.model.source.path,
      outputKind: 'logits',
      numClasses: config.classes.length,
      executionProvider: 'cpu',
    });
    const start = performance.now();
    for (const batch of batches) {
      await session.run(batch.data, batch.size, batch.sampleShape);
      samples += batch.size;
    }
    seconds = (performance.now() - start) / 1000;
    await session.close();
  }
}
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ mode, samples, seconds, maxRssMiB }));
