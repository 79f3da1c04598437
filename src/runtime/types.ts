/** Contracts of the runtime stage: onnxruntime loading and inference sessions. */
import type * as Ort from 'onnxruntime-node';

export type OrtModule = typeof Ort;

export type OutputKind = 'logits' | 'probabilities' | 'log-probabilities';
export type ExecutionProvider = 'cpu' | 'cuda';

/** Which place the runtime was resolved from, in the order they are tried. */
export type RuntimeOrigin =
  | 'onnxruntime-path'
  | 'node_modules'
  | 'tool-cache'
  | 'actions-cache'
  | 'npm-install';

export interface LoadedRuntime {
  ort: OrtModule;
  version: string;
  /** Where the module was found, for the report and for error messages. */
  source: string;
  /** Which resolver found it (absent for runtimes made by hand, e.g. in tests). */
  via?: RuntimeOrigin;
}

/** Metadata of one model input or output, as the model declares it. */
export interface TensorInfo {
  name: string;
  isTensor: boolean;
  /** ONNX element type ('float32', 'float16', 'int64', ...); null for non-tensor values. */
  type: string | null;
  /** Dimensions; symbolic or unknown dimensions are strings (e.g. 'batch'). */
  shape: Array<number | string>;
}

export interface OpenModelOptions {
  /** Path to the .onnx file; external weights are resolved next to it by onnxruntime. */
  modelPath: string;
  /** Input to feed; required when the model has several inputs. */
  inputName?: string;
  /** Output to read; required when the model has several tensor outputs. Chosen by name, never by order. */
  outputName?: string;
  outputKind: OutputKind;
  numClasses: number;
  executionProvider: ExecutionProvider;
  /** Threads for one operator on the CPU; onnxruntime's default (all cores) when absent. */
  intraOpThreads?: number;
  /** false: onnxruntime's idle threads sleep instead of spinning (other threads need the cores). */
  allowSpinning?: boolean;
}

export interface ModelSession {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  input: TensorInfo;
  output: TensorInfo;
  /** The batch dimension when the model fixes it (1 or N); null when dynamic. */
  fixedBatchSize: number | null;
  /** Per-sample input dims after the batch axis; -1 where symbolic. */
  sampleShape: number[];
  /**
   * Runs one batch of `size` samples (sample-major float32 data of `sampleShape`) and returns
   * `size * numClasses` class probabilities. Pads to a fixed batch size and drops the padded
   * rows; converts float16 in and out; applies softmax/exp by `outputKind`.
   * Throws NonFiniteOutputError when any output value is NaN or infinite.
   */
  run(data: Float32Array, size: number, sampleShape: number[]): Promise<Float32Array>;
  /**
   * Like `run`, but returns the chosen output's raw scores (`size * numClasses`, float32, padded
   * rows dropped, float16 decoded) before softmax/exp, for checks on what the model really emits
   * (for example `looksLikeProbabilities` when `outputKind` is 'logits'). Same NaN check as `run`.
   */
  runRaw(data: Float32Array, size: number, sampleShape: number[]): Promise<Float32Array>;
  close(): Promise<void>;
}
