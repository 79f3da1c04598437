// `npm run bench:verdicts:other`: simulations of the macro-F1, ECE and cost gates' tests (the
// basic bootstrap of the bound gates, the paired randomization and sign-flip tests of the change
// gates), as in docs/verdict-simulation.md, "Checks of the other gates' tests". The cases are in
// otherGateCases.mjs; they call evalgate's compiled code in lib/ (`tsc -p tsconfig.build.json`,
// which the npm script runs first).
//
// Options: --seed S, --runs-scale F (multiplies every case's run count; default 1), --workers W
// (default: the machine's cores). Every run seeds its own generator from the seed, the case and
// the run number, so results do not depend on the workers. Prints a markdown table and writes it
// to bench-output/verdicts-other-gates.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort } from 'node:worker_threads';
import { markdownTable } from 'markdown-table';
import { createRandom } from '../../../lib/stats/random.js';
import { fourBrokenPValues, OTHER_ALPHA, OTHER_CASES, OTHER_DEFAULT_SEED } from './otherGateCases.mjs';
import { replicateSeed } from './runCell.mjs';
import { shareWithInterval } from './tables.mjs';
import { runOnWorkers } from './workerPool.mjs';

/** Runs `from` to `to` (exclusive) of case `caseIndex`; returns the summed counts. */
function runRange({ seed, caseIndex, from, to }) {
  const sums = {};
  for (let r = from; r < to; r++) {
    const random = createRandom(replicateSeed(seed, caseIndex, 0, r));
    const testSeed = random.nextUint32();
    const counts = OTHER_CASES[caseIndex].run(random, testSeed);
    for (const [key, value] of Object.entries(counts)) sums[key] = (sums[key] ?? 0) + value;
  }
  return sums;
}

if (!isMainThread) {
  parentPort.on('message', (task) => parentPort.postMessage({ task, sums: runRange(task) }));
} else {
  await main();
}

function tableOf(totals, runsOf, seed) {
  const rows = OTHER_CASES.map((c, i) => {
    const t = totals[i];
    const runs = runsOf(c);
    const notes = [];
    if (c.also) notes.push(`${c.also[1]}: ${shareWithInterval(t[c.also[0]], runs)}`);
    if (c.mean) notes.push(`${c.mean[1]} ${(t[c.mean[0]] / runs).toFixed(4)}`);
    return [
      c.row,
      c.what,
      runs.toLocaleString('en-US'),
      shareWithInterval(t[c.reported[0]], runs),
      notes.join('; '),
    ];
  });
  const { macroF1, cost } = fourBrokenPValues();
  rows.push([
    'four samples of 300 broken, none fixed: exact p (macro F1 randomization; cost +10 each, sign flip)',
    '3 classes × 100',
    '—',
    '—',
    `macro F1 p = ${macroF1.toFixed(3)}; cost p = ${cost.toFixed(3)}`,
  ]);
  const header = ['gate, setting', 'case', 'runs', 'gate blocks (95% interval)', 'also'];
  return (
    `Other gates' tests, α = ${OTHER_ALPHA}, seed ${seed}: share of runs in which the gate blocks ` +
    `(finding "regressed"), with the 95% Wilson interval of the Monte Carlo estimate.\n\n` +
    markdownTable([header, ...rows], { align: ['l', 'l', 'r', 'r', 'l'] })
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: String(OTHER_DEFAULT_SEED) },
      'runs-scale': { type: 'string', default: '1' },
      workers: { type: 'string', default: String(os.availableParallelism()) },
    },
  });
  const seed = Number(values.seed);
  const scale = Number(values['runs-scale']);
  const workerCount = Math.max(1, Number(values.workers));
  if (!Number.isInteger(seed) || seed < 0 || !(scale > 0)) {
    console.error('usage: npm run bench:verdicts:other -- [--seed S] [--runs-scale F] [--workers W]');
    process.exit(2);
  }
  const runsOf = (c) => Math.max(1, Math.round(c.runs * scale));

  // Work items of about equal cost: fewer runs per item for the costly cases.
  const tasks = [];
  OTHER_CASES.forEach((c, caseIndex) => {
    const runs = runsOf(c);
    const chunk = Math.max(1, Math.ceil(runs / 20));
    for (let from = 0; from < runs; from += chunk) {
      tasks.push({ seed, caseIndex, from, to: Math.min(runs, from + chunk) });
    }
  });
  console.log(
    `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}; ` +
      `${workerCount} worker(s), seed ${seed}, run counts × ${scale}`,
  );
  const started = performance.now();
  const totals = OTHER_CASES.map(() => ({}));
  await runOnWorkers(new URL(import.meta.url), tasks, workerCount, ({ task, sums }) => {
    const total = totals[task.caseIndex];
    for (const [key, value] of Object.entries(sums)) total[key] = (total[key] ?? 0) + value;
  });
  const seconds = (performance.now() - started) / 1000;
  const markdown = tableOf(totals, runsOf, seed);
  console.log(`\n${markdown}\n`);
  console.log(`${seconds.toFixed(1)} s`);
  const outDir = path.resolve('bench-output');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'verdicts-other-gates.md'), `${markdown}\n`);
  console.log(
    `table written to ${path.relative(process.cwd(), path.join(outDir, 'verdicts-other-gates.md'))}`,
  );
}
