// `npm run bench`: the performance targets of the evaluation engine, measured and printed.
//  1. streaming: peak memory of a full run on 50,000 images is at most 1.3x that on 5,000;
//  2. overlap: a full run takes at most 1.25x the longer of a decode-only and an inference-only
//     pass over the same data (inference with the session settings of the full run);
//  3. metrics: all metrics for 1,000,000 predictions over 100 classes in under 1 s.
// Test sets (32x32 PNGs made from the example digits) are generated under bench-output/ and kept
// between runs; delete the folder to regenerate. `npm run bench -- memory|overlap|metrics` runs one.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { defaultDecodeWorkerCount } from '../lib/dataset/parallelBatches.js';
import { makeTestSet } from './bench/make-testset.mjs';
import { benchMetrics } from './bench/metrics.mjs';

const only = process.argv[2];
const results = [];
function check(name, value, limit, unit) {
  const ok = value <= limit;
  results.push({ name, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${value.toFixed(3)}${unit} (target <= ${limit}${unit})`);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function child(config, mode, option) {
  const args = ['scripts/bench/pipeline-child.mjs', config, mode, ...(option ? [option] : [])];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bench child ${mode} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

const cores = os.availableParallelism();
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores, Node ${process.version}`);

if (!only || only === 'memory' || only === 'overlap') {
  console.log('test sets: 5,000 and 50,000 PNG images of 32x32 in bench-output/ (made on first use)');
  const small = await makeTestSet(5000, path.resolve('bench-output/testset-5000'));
  const large = await makeTestSet(50000, path.resolve('bench-output/testset-50000'));

  if (!only || only === 'memory') {
    const a = child(small, 'full');
    const b = child(large, 'full');
    for (const [n, r] of [
      ['5,000', a],
      ['50,000', b],
    ]) {
      console.log(
        `  full run, ${n} images: ${r.seconds.toFixed(2)} s, peak RSS ${r.peakRssMiB.toFixed(1)} MiB`,
      );
    }
    check('peak memory, 50,000 / 5,000 images', b.peakRssMiB / a.peakRssMiB, 1.3, 'x');
  }
  if (!only || only === 'overlap') {
    // Medians of three: single timings on a shared machine wander by a fifth.
    const repeat = 3;
    const runs = { decode: [], infer: [], inferAllCores: [], full: [] };
    for (let i = 0; i < repeat; i++) {
      runs.decode.push(child(large, 'decode').seconds);
      runs.infer.push(child(large, 'infer', 'nospin').seconds);
      runs.inferAllCores.push(child(large, 'infer').seconds);
      runs.full.push(child(large, 'full').seconds);
    }
    const decode = median(runs.decode);
    const infer = median(runs.infer);
    const inferAllCores = median(runs.inferAllCores);
    const full = median(runs.full);
    const shown = (xs) => xs.map((x) => x.toFixed(2)).join(', ');
    console.log(`  50,000 images, medians of ${repeat} runs (all runs in brackets):`);
    console.log(`  decode-only ${decode.toFixed(2)} s [${shown(runs.decode)}] (one thread)`);
    console.log(
      `  inference-only ${infer.toFixed(2)} s [${shown(runs.infer)}] with idle threads sleeping, as in the full run` +
        ` (${inferAllCores.toFixed(2)} s [${shown(runs.inferAllCores)}] with onnxruntime's defaults)`,
    );
    console.log(
      `  full run ${full.toFixed(2)} s [${shown(runs.full)}] (${defaultDecodeWorkerCount('cpu')} decode worker(s) beside onnxruntime on ${cores} cores; lock check included)`,
    );
    check('full run / max(decode-only, inference-only)', full / Math.max(decode, infer), 1.25, 'x');
  }
}

if (!only || only === 'metrics') {
  const m = benchMetrics({ samples: 1_000_000, numClasses: 100 });
  console.log(
    `  1,000,000 predictions x 100 classes: scoring + state update ${m.scoreAndUpdateSeconds.toFixed(3)} s, metrics ${m.computeSeconds.toFixed(4)} s`,
  );
  check('all metrics for 1,000,000 predictions over 100 classes', m.totalSeconds, 1, ' s');
}

const failed = results.filter((r) => !r.ok).length;
console.log(`\n${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
