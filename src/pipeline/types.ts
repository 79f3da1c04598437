/** Contracts of the pipeline: what the adapters (CLI, action) give the evaluation flow. */
import type { FetchLike } from '../artifacts/fetchArtifact.js';
import type { ResolveOnnxRuntimeOptions } from '../runtime/resolveOnnxRuntime.js';
import type { LoadedRuntime } from '../runtime/types.js';
import type { RemoteCache } from '../shared/remoteCache.js';

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
