// Proof that the onnxruntime-node install path works from nothing against the real npm registry,
// and that the next runs come from the caches instead of downloading (issue 3, item 2):
//
//   1. empty everything (no node_modules in reach, empty tool cache, empty npm cache): resolve ->
//      `npm install --ignore-scripts` of the pinned version from registry.npmjs.org, prune other
//      platforms' binaries, put it into the tool cache and the Actions-cache stand-in;
//   2. same runner: resolve -> the tool cache, npm not run;
//   3. new runner (empty tool cache), same Actions cache: resolve -> restored, npm not run.
// Each runtime loads and runs examples/digits/model.onnx on real test samples. Prints timings and sizes.
//
// The Actions cache is stood in for by a folder (the real service exists only inside a workflow run);
// the tool cache is the real @actions/tool-cache on a temporary RUNNER_TOOL_CACHE.
//
// Usage: node scripts/prove-runtime-install.mjs [--registry URL] [--keep]
// (builds lib/ with tsc first; needs network access to the registry).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const registry = args.includes('--registry') ? args[args.indexOf('--registry') + 1] : undefined;
const keep = args.includes('--keep');

// Build lib/ (other modules' type errors do not stop tsc from emitting the runtime modules).
const tsc = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    encoding: 'utf8',
  },
);
if (!existsSync(path.join(root, 'lib/runtime/resolveOnnxRuntime.js'))) {
  console.error(tsc.stdout, tsc.stderr);
  process.exit(1);
}
if (tsc.status !== 0) console.warn('note: tsc reported errors (in other modules); using what it emitted');

const { resolveOnnxRuntime } = await import(
  pathToFileURL(path.join(root, 'lib/runtime/resolveOnnxRuntime.js')).href
);
const { actionsToolCache } = await import(
  pathToFileURL(path.join(root, 'lib/action/actionsToolCache.js')).href
);
const { spawnCommand } = await import(pathToFileURL(path.join(root, 'lib/runtime/runtimeClients.js')).href);
const { folderSize, megabytes } = await import(
  pathToFileURL(path.join(root, 'lib/runtime/runtimePlatform.js')).href
);
const { openModelSession } = await import(pathToFileURL(path.join(root, 'lib/runtime/modelSession.js')).href);
const { pinnedOnnxRuntimeVersion } = await import(
  pathToFileURL(path.join(root, 'lib/runtime/pinnedVersion.js')).href
);

// @actions/tool-cache reports each step as `::debug::` lines for the runner; not wanted here.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) =>
  String(chunk).startsWith('::debug::') ? true : write(chunk, ...rest);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'evalgate-prove-runtime-'));
const dirs = {
  nowhere: path.join(tmp, 'nowhere'),
  work: path.join(tmp, 'work'),
  npmCache: path.join(tmp, 'npm-cache'),
  remote: path.join(tmp, 'actions-cache'),
  toolCache1: path.join(tmp, 'toolcache-runner-1'),
  toolCache2: path.join(tmp, 'toolcache-runner-2'),
};
for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });

/** The Actions cache stand-in: entries by key, restored only to the paths they were saved from. */
const entries = new Map();
const remoteCache = {
  async restore(paths, key) {
    const entry = entries.get(key);
    if (!entry || entry.paths.join('\n') !== paths.join('\n')) return undefined;
    for (const [i, target] of entry.paths.entries()) {
      cpSync(path.join(entry.folder, String(i)), target, { recursive: true });
    }
    return key;
  },
  async save(paths, key) {
    if (entries.has(key)) return;
    const folder = path.join(dirs.remote, key);
    for (const [i, source] of paths.entries()) {
      cpSync(source, path.join(folder, String(i)), { recursive: true });
    }
    entries.set(key, { paths, folder });
  },
};

let npmRuns = 0;
const runCommand = (command, commandArgs, options) => {
  if (commandArgs.includes('install')) npmRuns++;
  return spawnCommand(command, commandArgs, options);
};
const log = { info: (m) => console.log(`    log: ${m}`), warning: (m) => console.log(`    WARNING: ${m}`) };

const reference = JSON.parse(
  readFileSync(path.join(root, '__tests__/__fixtures__/models/reference-samples.json'), 'utf8'),
);

async function runModel(ort) {
  const session = await openModelSession(ort, {
    modelPath: path.join(root, 'examples/digits/model.onnx'),
    outputKind: 'logits',
    numClasses: reference.numClasses,
    executionProvider: 'cpu',
  });
  try {
    const n = reference.samples.length;
    const raw = await session.runRaw(
      Float32Array.from(reference.samples.flatMap((s) => s.input)),
      n,
      [1, 8, 8],
    );
    const expected = reference.samples.flatMap((s) => s.logits);
    let worst = 0;
    for (let i = 0; i < raw.length; i++) worst = Math.max(worst, Math.abs(raw[i] - expected[i]));
    return { n, worst };
  } finally {
    await session.close();
  }
}

const results = [];
let failed = false;
async function step(title, toolCacheDir, expectedVia) {
  console.log(`\n== ${title}`);
  process.env.RUNNER_TOOL_CACHE = toolCacheDir;
  const npmBefore = npmRuns;
  const started = performance.now();
  const runtime = await resolveOnnxRuntime({
    nodeModulesFrom: pathToFileURL(path.join(dirs.nowhere, 'x.js')).href,
    toolCache: actionsToolCache(),
    remoteCache,
    workDir: dirs.work,
    registry,
    runCommand,
    env: { ...process.env, npm_config_cache: dirs.npmCache },
    log,
  });
  const seconds = (performance.now() - started) / 1000;
  const { n, worst } = await runModel(runtime.ort);
  const ok =
    runtime.via === expectedVia &&
    (expectedVia === 'npm-install' ? npmRuns === npmBefore + 1 : npmRuns === npmBefore) &&
    worst < 1e-4;
  failed ||= !ok;
  const row = {
    step: title,
    via: runtime.via,
    seconds: seconds.toFixed(1),
    npmRuns: npmRuns - npmBefore,
    model: `${n} samples, max |logit - torch| ${worst.toExponential(1)}`,
    ok,
  };
  console.log(`    resolved via ${runtime.via} in ${row.seconds} s from ${runtime.source}`);
  console.log(`    ran examples/digits/model.onnx: ${row.model}`);
  results.push(row);
  return runtime;
}

const version = pinnedOnnxRuntimeVersion();
console.log(
  `onnxruntime-node ${version} for ${process.platform}/${process.arch}, node ${process.version}, registry ${registry ?? '(npm config)'}`,
);
await step('1. empty runner: install from the npm registry', dirs.toolCache1, 'npm-install');
const downloaded = folderSize(dirs.npmCache);
const installed = folderSize(path.join(dirs.toolCache1, 'onnxruntime-node'));
const saved = folderSize(dirs.remote);
await step('2. same runner: tool cache', dirs.toolCache1, 'tool-cache');
await step('3. new runner, same Actions cache: restore', dirs.toolCache2, 'actions-cache');

console.log('\n== Summary');
console.table(results);
console.log(`downloaded by npm (its cache after step 1): ${megabytes(downloaded)}`);
console.log(`installed and pruned (tool cache entry):    ${megabytes(installed)}`);
console.log(`saved to the Actions cache (uncompressed):   ${megabytes(saved)}`);
console.log(`npm install runs in total: ${npmRuns}`);
if (!keep) rmSync(tmp, { recursive: true, force: true });
else console.log(`kept ${tmp}`);
console.log(
  failed ? '\nFAILED' : '\nOK: installed once, then served from the tool cache and the Actions cache',
);
process.exit(failed ? 1 : 0);
