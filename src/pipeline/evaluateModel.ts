/**
 * The evaluation flow, GitHub-free: config -> artifacts -> dataset (locked) -> runtime ->
 * evaluation state -> report. Adapters (CLI, action) call this and decide what to do with the report.
 */
import { type FetchedArtifact, fetchArtifact, type FetchOptions } from '../artifacts/fetchArtifact.js';
import { describeModel } from '../artifacts/modelIdentity.js';
import { checkSliceGateColumns } from '../compare/sliceGates.js';
import type { EvalConfig } from '../config/types.js';
import { batchTestSet } from '../dataset/batches.js';
import { checkLock, resolveLockPath } from '../dataset/lockCheck.js';
import { openTestSet } from '../dataset/openTestSet.js';
import { defaultDecodeWorkerCount, startDecodePool } from '../dataset/parallelBatches.js';
import { resolvePreprocess } from '../dataset/preprocessForModel.js';
import type { TestSet } from '../dataset/types.js';
import { compute } from '../evaluation/evalState.js';
import { resolveTopK } from '../evaluation/topK.js';
import { buildReport } from '../report/buildReport.js';
import type { Report } from '../report/types.js';
import { openModelSession } from '../runtime/modelSession.js';
import { resolveOnnxRuntime } from '../runtime/resolveOnnxRuntime.js';
import type { LoadedRuntime, ModelSession } from '../runtime/types.js';
import { runStress } from '../stress/runStress.js';
import { stressTransformRequest } from '../stress/stressTransform.js';
import { checkStressableTestSet } from '../stress/suite.js';
import { scoreTestSet } from './scoreTestSet.js';
import type { EvaluateOptions } from './types.js';

/** Evaluates the configured model on the configured, lock-verified test set. */
export async function evaluateModel(config: EvalConfig, options: EvaluateOptions = {}): Promise<Report> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const warnings: string[] = [];
  // The lock is verified before anything else (the model is fetched and run only after it):
  // numbers from changed data are lies.
  const { testSet, lockPath } = await openConfiguredTestSet(config, options);
  // A gates.slices column the manifest lacks would gate nothing: refused before the model runs.
  checkSliceGateColumns(config.gates, testSet.sliceColumns);
  // So is a stress suite on a test set the perturbations cannot read (feature vectors, floats).
  if (config.stress) checkStressableTestSet(testSet, config.stress.where);
  // Decode workers start now so that their start-up overlaps the lock check; they decode nothing
  // until the batches are asked for, after it.
  const workerCount = decodeWorkerCount(config, options, testSet);
  const pool =
    options.decodeWorkers && workerCount > 0 // the first test narrows the type; the second decides
      ? startDecodePool(testSet, { script: options.decodeWorkers.script, count: workerCount })
      : null;
  let session: ModelSession | null = null;
  try {
    const { digest, locked } = await checkLock({
      lockPath,
      pinned: config.testSet.source.kind === 'url' && config.testSet.lock !== null,
      testSet,
      classNames: config.classes,
      hasher: pool?.hashFiles,
    });
    // An unlocked test set is shown by testSet.locked in the report; the renderers say what to do.
    options.onTestSetVerified?.({ digest, size: testSet.samples.length, classNames: config.classes });

    const model = await fetchArtifact(config.model.source, { ...artifactOptions(options), label: 'model' });
    const runtime = options.runtime ?? (await resolveRuntime(config, options));
    session = await openSession(config, options, { runtime, model, workerCount });
    const identity = await describeModel({
      modelPath: model.path,
      source: config.model.source,
      baseDir: config.baseDir,
      outputKind: config.model.outputKind,
      session,
    });
    const preprocess = resolvePreprocess(config.preprocess, session, testSet);
    const scoring = {
      session,
      classNames: config.classes,
      topK: resolveTopK(config.topK, config.classes.length),
      batchSize: config.batchSize,
      outputKind: config.model.outputKind,
      now,
    };
    const scored = await scoreTestSet({
      ...scoring,
      batches: pool
        ? pool.batches(preprocess, config.batchSize)
        : batchTestSet(testSet, preprocess, config.batchSize),
      testSet,
      warnings,
      onProgress: options.onProgress,
    });
    const result = compute(scored.state, { confidence: config.statistics.confidence });
    // The stress cells run after the clean run and leave its figures as they are. Each is scored by
    // the same code with the same session, its batches decoded and perturbed in the decode workers
    // while this thread runs the model (on this thread when there are none: array test sets).
    const stress = config.stress
      ? await runStress({
          stress: config.stress,
          testSet,
          numClasses: config.classes.length,
          score: async (pass) => {
            const cell = await scoreTestSet({
              ...scoring,
              batches: pool
                ? pool.batches(preprocess, config.batchSize, {
                    subset: pass.subset,
                    transform: stressTransformRequest(pass.spec, workerCount),
                    onUnchanged: pass.onUnchanged,
                  })
                : batchTestSet(pass.testSet, preprocess, config.batchSize),
              testSet: pass.testSet,
              // The clean run has given the warnings about the model's outputs already.
              warnings: [],
            });
            return compute(cell.state, { confidence: config.statistics.confidence });
          },
        })
      : undefined;
    return buildReport({
      config,
      testSet,
      digest,
      locked,
      identity,
      runtimeVersion: runtime.version,
      preprocess,
      result,
      ...(stress ? { stress } : {}),
      inferenceSeconds: scored.inferenceSeconds,
      warnings,
      threads: { decodeWorkers: workerCount, intraOpThreads: options.intraOpThreads ?? null },
      totalSeconds: (now() - started) / 1000,
    });
  } finally {
    try {
      await session?.close();
    } finally {
      await pool?.close();
    }
  }
}

/** Fetches the test set (a download is unpacked) and opens it, naming the lock it will be checked against. */
async function openConfiguredTestSet(
  config: EvalConfig,
  options: EvaluateOptions,
): Promise<{ testSet: TestSet; lockPath: string | undefined }> {
  const { source, lock, manifest } = config.testSet;
  const artifact = await fetchArtifact(source, {
    ...artifactOptions(options),
    label: 'test-set',
    unpackZip: true,
  });
  const root = artifact.path;
  const lockPath = resolveLockPath({ lock, downloaded: source.kind === 'url', testSetRoot: root });
  const testSet = await openTestSet({ root, manifest, classNames: config.classes, lockPath });
  return { testSet, lockPath };
}

/** Decode workers for this run: none without a worker script, and none for array test sets. */
function decodeWorkerCount(config: EvalConfig, options: EvaluateOptions, testSet: TestSet): number {
  // Array test sets are in memory already and cheap to "decode": workers would each load a copy.
  if (!options.decodeWorkers || !testSet.sampleFile) return 0;
  return options.decodeWorkers.count ?? defaultDecodeWorkerCount(config.device);
}

/** What fetching either artifact shares: the caches, the fetch client and the log. */
function artifactOptions(options: EvaluateOptions): Omit<FetchOptions, 'label'> {
  return {
    cacheDir: options.cacheDir,
    fetch: options.fetch,
    remoteCache: options.remoteCache,
    log: options.log,
  };
}

interface SessionParts {
  runtime: LoadedRuntime;
  model: FetchedArtifact;
  /** Decode workers running beside the session. */
  workerCount: number;
}

function openSession(
  config: EvalConfig,
  options: EvaluateOptions,
  parts: SessionParts,
): Promise<ModelSession> {
  return openModelSession(parts.runtime.ort, {
    modelPath: parts.model.path,
    inputName: config.model.input,
    outputName: config.model.output,
    outputKind: config.model.outputKind,
    numClasses: config.classes.length,
    executionProvider: config.device,
    intraOpThreads: options.intraOpThreads,
    // With decode workers busy, onnxruntime keeps every core but its idle threads sleep rather
    // than spin, so the workers get CPU between operators. (Giving it only the cores the
    // workers leave was slower: 8.3 s instead of 7.4 s for 50,000 images on 2 cores.)
    allowSpinning: parts.workerCount === 0,
  });
}

function resolveRuntime(config: EvalConfig, options: EvaluateOptions): Promise<LoadedRuntime> {
  return resolveOnnxRuntime({
    ...options.runtimeResolution,
    log: options.runtimeResolution?.log ?? options.log,
    explicitPath: options.onnxruntimePath,
    device: config.device,
    remoteCache: options.remoteCache,
    // The adapters pass their environment (the core reads no process.env). A caller without
    // runtimeResolution (tests, library use) resolves from onnxruntimePath or node_modules only:
    // with an empty environment there is no tool cache, and an npm install would fail loudly.
    env: options.runtimeResolution?.env ?? {},
  });
}
