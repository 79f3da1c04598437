/**
 * The evaluation flow, GitHub-free: config -> artifacts -> dataset (locked) -> runtime ->
 * metrics -> report. Adapters (CLI, action) call this and decide what to do with the report.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fetchArtifact, type FetchLike } from '../artifacts/fetchArtifact.js';
import { hashFile } from '../shared/hashFile.js';
import { readOnnxModelInfo } from '../artifacts/onnxModelInfo.js';
import type { RemoteCache } from '../shared/remoteCache.js';
import type { EvalConfig } from '../config/types.js';
import { batchTestSet } from '../dataset/batches.js';
import { computeDigest, type FileHasher, readLock, verifyLock } from '../dataset/lock.js';
import { openTestSet } from '../dataset/openTestSet.js';
import { startDecodePool } from '../dataset/parallelBatches.js';
import { defaultLockPath } from '../dataset/testSetPaths.js';
import type { Batch, PreprocessOptions, TestSet } from '../dataset/types.js';
import { InputError } from '../shared/errors.js';
import {
  calibrationStateToJSON,
  computeCalibration,
  createCalibrationState,
  updateCalibrationState,
} from '../metrics/calibration.js';
import { computeMetrics } from '../metrics/computeMetrics.js';
import { computeCost } from '../metrics/costs.js';
import { addSample, createMetricState, updateMetricState } from '../metrics/metricState.js';
import { scoreBatch } from '../metrics/scoreBatch.js';
import type { CalibrationState, MetricState } from '../metrics/types.js';
import { describeEnvironment } from '../report/environment.js';
import { type ModelIdentity, REPORT_SCHEMA, type Report, type SliceReport } from '../report/types.js';
import { type ResolveOnnxRuntimeOptions, resolveOnnxRuntime } from '../runtime/resolveOnnxRuntime.js';
import {
  looksLikeProbabilities,
  NonFiniteOutputError,
  openModelSession,
  toProbabilities,
} from '../runtime/modelSession.js';
import type { LoadedRuntime, ModelSession } from '../runtime/types.js';
import { TOOL_VERSION } from '../shared/version.js';

export interface EvaluateOptions {
  /** A runtime already loaded (tests, or an adapter that resolved it); resolved by resolveOnnxRuntime otherwise. */
  runtime?: LoadedRuntime;
  /** Folder holding onnxruntime-node, for air-gapped runners. */
  onnxruntimePath?: string;
  /** A cache that outlives the job (@actions/cache): URL artifacts by sha256, and the installed runtime. */
  remoteCache?: RemoteCache;
  /** Clients and settings for resolving onnxruntime-node beyond node_modules (tool cache, npm, log). */
  runtimeResolution?: Omit<ResolveOnnxRuntimeOptions, 'explicitPath' | 'device' | 'remoteCache'>;
  /** Notes and warnings from caching (a failed cache save is a warning, never an error). */
  log?: { info(message: string): void; warning(message: string): void };
  cacheDir?: string;
  fetch?: FetchLike;
  /** Called after each batch with samples done and total; for progress display. */
  onProgress?: (done: number, total: number) => void;
  /** Clock in milliseconds; injectable so that tests can fix timings. */
  now?: () => number;
  /**
   * Decode in worker threads, so that decoding overlaps onnxruntime's synchronous run. `script` is
   * a file that starts the decode worker (the adapters pass their own bundled entry). Without it,
   * batches are decoded on the main thread, between inference calls.
   */
  decodeWorkers?: { script: string | URL; count?: number };
  /** onnxruntime intra-op threads (default: onnxruntime's own, all cores). */
  intraOpThreads?: number;
  /**
   * Called once the test set is verified, before the model runs: an adapter can refuse a baseline
   * made on other data here, instead of after a long evaluation.
   */
  onTestSetVerified?: (testSet: VerifiedTestSet) => void;
}

/** The identity of the verified test set, as it will appear in the report. */
export interface VerifiedTestSet {
  digest: string;
  size: number;
  classNames: string[];
}

/**
 * Decode workers by default. On the CPU, onnxruntime keeps every core (its idle threads sleep, see
 * below) and one decode worker per four cores keeps ahead of it, at most four: on 16 cores, 1 and
 * 2 workers left the model waiting 1.9 s and 1.4 s for batches over 50,000 32x32 PNGs, 4 workers
 * 0.3 s and 8 workers 0.2 s (runs of 4.5, 3.7, 2.4 and 2.4 s). On a GPU the CPU only decodes, so
 * every core but this one does, up to 8.
 */
export function defaultDecodeWorkerCount(
  device: EvalConfig['device'],
  cores = availableParallelism(),
): number {
  if (device === 'cuda') return Math.max(1, Math.min(8, cores - 1));
  return Math.max(1, Math.min(4, Math.floor(cores / 4)));
}

/** Evaluates the configured model on the configured, lock-verified test set. */
export async function evaluateModel(config: EvalConfig, options: EvaluateOptions = {}): Promise<Report> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const warnings: string[] = [];

  const testSetArtifact = await fetchArtifact(config.testSet.source, {
    label: 'test-set',
    cacheDir: options.cacheDir,
    fetch: options.fetch,
    unpackZip: true,
    remoteCache: options.remoteCache,
    log: options.log,
  });

  // The lock is verified before anything else (the model is fetched and run only after it):
  // numbers from changed data are lies.
  const lockPath = resolveLockPath(config, testSetArtifact.path);
  const testSetSource = {
    root: testSetArtifact.path,
    manifest: config.testSet.manifest,
    classNames: config.classes,
    lockPath,
  };
  const testSet = await openTestSet(testSetSource);
  // Decode workers start now so that their start-up overlaps the lock check; they decode nothing
  // until the batches are asked for, after it.
  // Array test sets are in memory already and cheap to "decode": workers would each load a copy.
  const workerCount =
    options.decodeWorkers && testSet.sampleFile
      ? (options.decodeWorkers.count ?? defaultDecodeWorkerCount(config.device))
      : 0;
  const pool =
    options.decodeWorkers && workerCount > 0 // the first test narrows the type; the second decides
      ? startDecodePool(testSet, { script: options.decodeWorkers.script, count: workerCount })
      : null;
  let session: ModelSession | null = null;
  try {
    const { digest, locked } = await checkLock(
      lockPath,
      config.testSet.source.kind === 'url' && config.testSet.lock !== null,
      testSet,
      config.classes,
      pool?.hashFiles,
    );
    // An unlocked test set is shown by testSet.locked in the report; the renderers say what to do.
    options.onTestSetVerified?.({ digest, size: testSet.samples.length, classNames: config.classes });

    const model = await fetchArtifact(config.model.source, {
      label: 'model',
      cacheDir: options.cacheDir,
      fetch: options.fetch,
      remoteCache: options.remoteCache,
      log: options.log,
    });

    const runtime =
      options.runtime ??
      (await resolveOnnxRuntime({
        ...options.runtimeResolution,
        log: options.runtimeResolution?.log ?? options.log,
        explicitPath: options.onnxruntimePath,
        device: config.device,
        remoteCache: options.remoteCache,
      }));
    session = await openModelSession(runtime.ort, {
      modelPath: model.path,
      inputName: config.model.input,
      outputName: config.model.output,
      outputKind: config.model.outputKind,
      numClasses: config.classes.length,
      executionProvider: config.device,
      intraOpThreads: options.intraOpThreads,
      // With decode workers busy, onnxruntime keeps every core but its idle threads sleep rather
      // than spin, so the workers get CPU between operators. (Giving it only the cores the
      // workers leave was slower: 8.3 s instead of 7.4 s for 50,000 images on 2 cores.)
      allowSpinning: workerCount === 0,
    });
    const identity = await describeModel(model.path, config, session);
    const preprocess = resolvePreprocess(config, session, testSet);
    const batches = pool
      ? pool.batches(preprocess, config.batchSize)
      : batchTestSet(testSet, preprocess, config.batchSize);
    const scored = await scoreTestSet(batches, session, testSet, config, warnings, now, options.onProgress);
    return buildReport({
      config,
      testSet,
      digest,
      locked,
      identity,
      runtime,
      preprocess,
      scored,
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

interface ScoredTestSet {
  state: MetricState;
  calibration: CalibrationState;
  sliceStates: Map<string, Map<string, MetricState>>;
  topK: number;
  labels: Int32Array;
  predictions: Int32Array;
  confidences: Float32Array;
  inferenceSeconds: number;
}

/** Runs the model over every batch and accumulates the metric state, slices and per-sample records. */
async function scoreTestSet(
  batches: AsyncIterable<Batch>,
  session: ModelSession,
  testSet: TestSet,
  config: EvalConfig,
  warnings: string[],
  now: () => number,
  onProgress: EvaluateOptions['onProgress'],
): Promise<ScoredTestSet> {
  const numClasses = config.classes.length;
  const topK = resolveTopK(config.topK, numClasses);
  const state = createMetricState(numClasses, topK);
  const calibration = createCalibrationState(numClasses);
  const sliceStates = new Map<string, Map<string, MetricState>>();
  const total = testSet.samples.length;
  const records = {
    labels: new Int32Array(total),
    predictions: new Int32Array(total),
    confidences: new Float32Array(total),
    seen: new Uint8Array(total),
  };
  let inferenceMs = 0;
  let done = 0;
  let probabilityWarningGiven = false;
  for await (const batch of batches) {
    const labels = Int32Array.from(batch.indices, (i) => testSet.samples[i].label);
    const inferenceStart = now();
    let raw: Float32Array;
    try {
      raw = await session.runRaw(batch.data, batch.size, batch.sampleShape);
    } catch (error) {
      if (error instanceof NonFiniteOutputError) throw nameNonFiniteSamples(error, batch.indices, testSet);
      throw error;
    }
    inferenceMs += now() - inferenceStart;
    const probabilities = toProbabilities(raw, batch.size, numClasses, config.model.outputKind);
    // Softmax over probabilities keeps the argmax but flattens the confidences: worth a warning.
    if (
      !probabilityWarningGiven &&
      config.model.outputKind === 'logits' &&
      looksLikeProbabilities(raw, batch.size, numClasses)
    ) {
      probabilityWarningGiven = true;
      warnings.push(
        `The output '${session.output.name}' looks like probabilities (rows in [0, 1] summing to 1) but model.outputs is 'logits'; set model.outputs: probabilities so that confidences are right.`,
      );
    }
    const scored = scoreBatch(probabilities, batch.size, numClasses, labels, topK);
    updateMetricState(state, labels, scored, batch.size);
    updateCalibrationState(calibration, probabilities, labels, batch.size);
    for (let j = 0; j < batch.size; j++) {
      const index = batch.indices[j];
      records.labels[index] = labels[j];
      records.predictions[index] = scored.predictions[j];
      records.confidences[index] = scored.confidences[j];
      records.seen[index] = 1;
      for (const column of testSet.sliceColumns) {
        const sliceState = sliceStateFor(
          sliceStates,
          column,
          testSet.samples[index].slices[column] ?? '',
          numClasses,
          topK,
        );
        addSample(sliceState, labels[j], scored.predictions[j], scored.topKHits[j]);
      }
    }
    done += batch.size;
    onProgress?.(done, total);
  }
  if (done !== total || records.seen.includes(0)) {
    throw new Error(`evaluated ${done} of ${total} samples; some samples were not scored`);
  }
  return { state, calibration, sliceStates, topK, ...records, inferenceSeconds: inferenceMs / 1000 };
}

function sliceStateFor(
  sliceStates: Map<string, Map<string, MetricState>>,
  column: string,
  value: string,
  numClasses: number,
  topK: number,
): MetricState {
  let byValue = sliceStates.get(column);
  if (!byValue) {
    byValue = new Map();
    sliceStates.set(column, byValue);
  }
  let state = byValue.get(value);
  if (!state) {
    state = createMetricState(numClasses, topK);
    byValue.set(value, state);
  }
  return state;
}

interface ReportParts {
  config: EvalConfig;
  testSet: TestSet;
  digest: string;
  locked: boolean;
  identity: ModelIdentity;
  runtime: LoadedRuntime;
  preprocess: PreprocessOptions;
  scored: ScoredTestSet;
  warnings: string[];
  threads: { decodeWorkers: number; intraOpThreads: number | null };
  totalSeconds: number;
}

/** Computes the metrics from the accumulated state and assembles the report document. */
function buildReport(parts: ReportParts): Report {
  const { config, testSet, scored, warnings } = parts;
  const { state, sliceStates, topK } = scored;
  const total = testSet.samples.length;
  const confidence = config.statistics.confidence;
  const { classes, confusionMatrix, ...headline } = computeMetrics(state, config.classes, confidence);
  const slices: SliceReport[] = [];
  for (const [column, byValue] of sliceStates) {
    for (const value of [...byValue.keys()].sort()) {
      const sliceState = byValue.get(value)!;
      const {
        classes: sliceClasses,
        confusionMatrix: _matrix,
        ...sliceHeadline
      } = computeMetrics(sliceState, config.classes, confidence);
      slices.push({
        column,
        value,
        samples: sliceState.count,
        metrics: sliceHeadline,
        classes: sliceClasses,
      });
    }
  }
  for (const c of classes) {
    if (!c.evaluable) {
      warnings.push(`Class '${c.name}' has no samples in the test set: its recall is not evaluable.`);
    }
  }

  const support: Record<string, number> = {};
  for (const c of classes) support[c.name] = c.support;
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'evalgate', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    task: config.task,
    model: parts.identity,
    testSet: {
      digest: parts.digest,
      locked: parts.locked,
      format: testSet.format,
      source: displaySource(config.testSet.source, config.baseDir),
      size: total,
      support,
    },
    classNames: config.classes,
    metrics: headline,
    classes,
    confusionMatrix,
    slices,
    calibration: {
      ...computeCalibration(scored.calibration),
      state: calibrationStateToJSON(scored.calibration),
    },
    ...(config.costs ? { cost: computeCost(config.costs, confusionMatrix, confidence) } : {}),
    environment: describeEnvironment(parts.runtime.version, config.device),
    settings: {
      batchSize: config.batchSize,
      ...parts.threads,
      seed: config.seed,
      topK,
      confidence,
      preprocess: { ...parts.preprocess },
    },
    samples: {
      ids: testSet.samples.map((s) => s.id),
      labels: Array.from(scored.labels),
      predictions: Array.from(scored.predictions),
      confidences: Array.from(scored.confidences, (c) => Math.round(c * 1e6) / 1e6),
    },
    timing: {
      totalSeconds: round(parts.totalSeconds, 3),
      inferenceSeconds: round(scored.inferenceSeconds, 3),
      samplesPerSecond: round(total / Math.max(parts.totalSeconds, 1e-9), 1),
    },
    warnings,
  };
}

/** k for top-k accuracy: as configured, else 5 when there are at least 5 classes, else off (0). */
export function resolveTopK(configured: number | null, numClasses: number): number {
  if (configured !== null) return Math.min(configured, numClasses);
  return numClasses >= 5 ? 5 : 0;
}

/**
 * The lock to check: the configured one, else the default inside the test set; none for
 * `lock: none`, and none for a downloaded test set without one, which its sha256 pin already fixes.
 */
function resolveLockPath(config: EvalConfig, testSetRoot: string): string | undefined {
  if (config.testSet.lock === null) return undefined;
  if (config.testSet.lock !== undefined) return config.testSet.lock;
  return config.testSet.source.kind === 'url' ? undefined : defaultLockPath(testSetRoot);
}

async function checkLock(
  lockPath: string | undefined,
  pinned: boolean,
  testSet: TestSet,
  classNames: string[],
  hasher: FileHasher | undefined,
): Promise<{ digest: string; locked: boolean }> {
  if (lockPath === undefined) {
    // A download pinned by sha256 is as fixed as a locked folder.
    return { digest: await computeDigest(testSet, hasher), locked: pinned };
  }
  const { digest } = await verifyLock(await readLock(lockPath), testSet, classNames, hasher, lockPath);
  return { digest, locked: true };
}

function resolvePreprocess(config: EvalConfig, session: ModelSession, testSet: TestSet): PreprocessOptions {
  const layout = config.preprocess.layout;
  const shape = session.sampleShape;
  const modelShape = `[N, ${shape.map((d) => (d < 0 ? '?' : d)).join(', ')}]`;
  let channels: number;
  if (testSet.featureLength !== undefined || layout === 'flat') {
    // Flat inputs carry no channel axis: the colour mode decides how many values a pixel gives.
    channels = config.preprocess.color === 'gray' ? 1 : 3;
  } else if (shape.length !== 3) {
    throw new InputError(
      `the model input '${session.input.name}' is ${modelShape}, which is not an image layout, but preprocess.layout is ${layout}`,
      { where: 'preprocess.layout', hint: 'use layout: flat for [N, D] inputs' },
    );
  } else {
    const [first, , last] = shape;
    const modelChannels = layout === 'NCHW' ? first : last;
    const otherLayout = layout === 'NCHW' ? 'NHWC' : 'NCHW';
    const otherChannels = layout === 'NCHW' ? last : first;
    // Channel counts a model takes are 1 (gray) or 3 (colour); anything else at the channel axis of
    // the configured layout, with 1 or 3 at the other end, is almost surely the other layout.
    if (modelChannels > 0 && !isChannelCount(modelChannels) && isChannelCount(otherChannels)) {
      throw new InputError(
        `the model input '${session.input.name}' is ${modelShape}, which reads as ${otherLayout} (${otherChannels} channel(s)), ` +
          `but preprocess.layout is ${layout}, which would make ${modelChannels} channels`,
        { where: 'preprocess.layout', hint: `set preprocess.layout: ${otherLayout}` },
      );
    }
    channels = modelChannels > 0 ? modelChannels : config.preprocess.color === 'gray' ? 1 : 3;
  }
  return { ...config.preprocess, channels };
}

function isChannelCount(n: number): boolean {
  return n === 1 || n === 3;
}

function nameNonFiniteSamples(error: NonFiniteOutputError, indices: number[], testSet: TestSet): InputError {
  const ids = error.rows.map((row) => testSet.samples[indices[row]].id);
  const shown = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ` and ${ids.length - 10} more` : '');
  return new InputError(
    `the model produced NaN or infinite outputs for ${ids.length} of the ${indices.length} samples in one batch ` +
      `(${shown}); evaluation stopped at the first such batch`,
    {
      where: 'model',
      hint: 'check the preprocessing (scale, mean, std) against what the model was trained with, and the model export',
    },
  );
}

async function describeModel(
  modelPath: string,
  config: EvalConfig,
  session: ModelSession,
): Promise<ModelIdentity> {
  // onnxruntime loads the whole file anyway; read it once for both its identity and its metadata.
  const bytes = await readFile(modelPath);
  const info = readOnnxModelInfo(bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let totalSize = bytes.length;
  const externalData: Array<{ path: string; sha256: string; size: number }> = [];
  for (const location of info?.externalDataFiles ?? []) {
    const file = path.resolve(path.dirname(modelPath), location);
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
    const hashed = await hashFile(file);
    externalData.push({ path: location, ...hashed });
    totalSize += hashed.size;
  }
  return {
    source: displaySource(config.model.source, config.baseDir),
    sha256,
    size: totalSize,
    parameterCount: info?.parameterCount ?? null,
    externalData,
    inputs: session.inputs,
    outputs: session.outputs,
    input: session.input.name,
    output: session.output.name,
    outputKind: config.model.outputKind,
  };
}

function displaySource(source: EvalConfig['model']['source'], baseDir: string): string {
  if (source.kind === 'url') return source.url;
  const relative = path.relative(baseDir, source.path);
  return relative.startsWith('..') || path.isAbsolute(relative) ? source.path : relative || '.';
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
