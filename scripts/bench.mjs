// `npm run bench`: the performance targets of the evaluation engine, measured and printed.
//  1. streaming: peak memory for 50,000 images is at most 1.3x that for 5,000;
//  2. overlap: a full run takes at most 1.25x the longer of decode-only and inference-only passes;
//  3. metrics: all metrics for 1,000,000 predictions over 100 classes in under 1 s.
// Test sets are generated under bench-output/ (kept between runs; delete it to regenerate).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { benchMetrics } from './bench/metrics.mjs';
import { makeTestSet } from './bench/make-testset.mjs';

const only = process.argv[2];
const results = [];
function check(name, value, limit, unit, detail) {
  const ok = value <= limit;
  results.push({ name, ok });
  console.log(
    `${ok ? 'PASS' : 'FAIL'}  ${name}: ${value.toFixed(3)}${unit} (target <= ${limit}${unit})  ${detail}`,
  );
}

function child(config, mode) {
  const run = spawnSync(process.execPath, ['scripts/bench/pipeline-child.mjs', config, mode], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`bench child ${mode} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

if (!only || only === 'memory' || only === 'overlap') {
  console.log('preparing test sets (5,000 and 50,000 PNG images of 32x32) in bench-output/ ...');
  const small = await makeTestSet(5000, path.resolve('bench-output/testset-5000'));
  const large = await makeTestSet(50000, path.resolve('bench-output/testset-50000'));

  if (!only || only === 'memory') {
    const a = child(small, 'full');
    const b = child(large, 'full');
    console.log(
      `  full run  5,000 images: ${a.seconds.toFixed(2)} s, peak RSS ${a.maxRssMiB.toFixed(1)} MiB`,
    );
    console.log(
      `  full run 50,000 images: ${b.seconds.toFixed(2)} s, peak RSS ${b.maxRssMiB.toFixed(1)} MiB`,
    );
    check('peak memory 50,000 / 5,000 images', b.maxRssMiB / a.maxRssMiB, 1.3, 'x', '');
  }
  if (!only || only === 'overlap') {
    const repeat = 3;
    const times = { decode: [], infer: [], full: [] };
    for (let i = 0; i < repeat; i++) {
      for (const mode of ['decode', 'infer', 'full']) times[mode].push(child(small, mode).seconds);
    }
    const decode = median(times.decode);
    const infer = median(times.infer);
    const full = median(times.full);
    console.log(
      `  5,000 images, median of ${repeat}: decode-only ${decode.toFixed(2)} s, inference-only ${infer.toFixed(2)} s, full run ${full.toFixed(2)} s`,
    );
    check('full run / max(decode-only, inference-only)', full / Math.max(decode, infer), 1.25, 'x', '');
  }
}

if (!only || only === 'metrics') {
  const m = await benchMetrics({ samples: 1_000_000, numClasses: 100 });
  console.log(
    `  1,000,000 predictions x 100 classes: score+update ${m.scoreAndUpdateSeconds.toFixed(3)} s, compute ${m.computeSeconds.toFixed(4)} s`,
  );
  check('all metrics for 1,000,000 predictions over 100 classes', m.totalSeconds, 1, ' s', '');
}

const failed = results.filter((r) => !r.ok).length;
console.log(`\n${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
