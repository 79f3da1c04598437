/**
 * An onnxruntime inference session wrapped for evaluation: picks the model's input and output by
 * name, checks them against the config, and turns any batch into class probabilities whatever the
 * model's batch dimension (dynamic, or fixed at 1 or N), element type (float32 or float16) and
 * output kind (logits, probabilities, log-probabilities).
 */
import { stat } from 'node:fs/promises';
import { errorMessage, InputError } from '../shared/errors.js';
import { decodeFloat16, encodeFloat16 } from '../shared/float16.js';
import { findNonFiniteRows, toProbabilities } from './outputProbabilities.js';
import { product } from '../shared/shape.js';
import { describeFedShape, describeShape, sampleDims, sampleShapeMatches } from './tensorShapes.js';
import type { ModelSession, OpenModelOptions, OrtModule, TensorInfo } from './types.js';
import { countOf } from '../shared/plural.js';

export { looksLikeProbabilities, toProbabilities } from './outputProbabilities.js';
export { describeShape } from './tensorShapes.js';

type OrtSession = Awaited<ReturnType<OrtModule['InferenceSession']['create']>>;
type OrtTensor = InstanceType<OrtModule['Tensor']>;

/** Element types evalgate can feed and read; anything else is refused with a message. */
const FLOAT_TYPES = new Set(['float32', 'float16', 'float64']);

/**
 * The model produced NaN or infinite scores. `rows` are batch-local indices of the affected
 * samples, so the caller can name them by sample id.
 */
export class NonFiniteOutputError extends InputError {
  readonly rows: number[];

  constructor(outputName: string, rows: number[], size: number) {
    const shown = rows.slice(0, 10).join(', ') + (rows.length > 10 ? `, ... (${rows.length - 10} more)` : '');
    super(
      `the model output '${outputName}' has NaN or infinite values for ${rows.length} of ${countOf(size, 'sample')} in the batch (batch rows ${shown})`,
      {
        code: 'E_MODEL_OUTPUTS',
        where: 'model',
        hint: 'check the preprocessing (scale, mean, std) against what the model was trained with, and the model export',
      },
    );
    this.rows = rows;
  }
}

export async function openModelSession(ort: OrtModule, options: OpenModelOptions): Promise<ModelSession> {
  const { modelPath, numClasses, outputKind } = options;
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new InputError(`the class list must hold at least one class, got ${numClasses}`, {
      code: 'E_CONFIG_INVALID',
      where: 'classes',
    });
  }
  await assertModelFile(modelPath);
  const session = await createSession(ort, options);
  try {
    const inputs = session.inputMetadata.map(toTensorInfo);
    const outputs = session.outputMetadata.map(toTensorInfo);
    const input = pickInput(inputs, options.inputName, modelPath);
    const output = pickOutput(outputs, options.outputName, modelPath);
    checkOutputClasses(output, numClasses);
    const fixedBatchSize = typeof input.shape[0] === 'number' && input.shape[0] > 0 ? input.shape[0] : null;
    const modelSampleShape = sampleDims(input.shape);
    return new OnnxModelSession(ort, session, {
      inputs,
      outputs,
      input,
      output,
      fixedBatchSize,
      sampleShape: modelSampleShape,
      numClasses,
      outputKind,
    });
  } catch (error) {
    await session.release();
    throw error;
  }
}

async function assertModelFile(modelPath: string): Promise<void> {
  const info = await stat(modelPath).catch(() => null);
  if (info === null) {
    throw new InputError(`the model file '${modelPath}' does not exist`, {
      code: 'E_FILE_NOT_FOUND',
      where: 'model.path',
      hint: 'check model.path (relative paths resolve against the config file folder)',
    });
  }
  if (!info.isFile()) {
    throw new InputError(`the model path '${modelPath}' is not a file`, {
      code: 'E_MODEL_INVALID',
      where: 'model.path',
      hint: 'point model.path at an .onnx file',
    });
  }
}

async function createSession(ort: OrtModule, options: OpenModelOptions): Promise<OrtSession> {
  const { modelPath, executionProvider } = options;
  const executionProviders = executionProvider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'];
  // The session's logLevel below covers the session only: the process-wide logger, which
  // onnxruntime-node sets up at the first session from `env.logLevel` (default 'warning'), writes
  // its errors in red straight to stderr, e.g. a whole "Failed to load library
  // libonnxruntime_providers_shared.so" dump when the CUDA provider cannot load, beside the
  // message evalgate gives for the same failure. 'fatal': only what ends the process.
  if (ort.env !== undefined && ort.env.logLevel !== 'fatal') ort.env.logLevel = 'fatal';
  try {
    // By path, not by bytes: onnxruntime then finds external weights (model.onnx.data) next to the model.
    return await ort.InferenceSession.create(modelPath, {
      executionProviders,
      ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
      // Spinning threads burn the cores that decode workers need between operators; sleeping ones
      // give them back (measured: 7.4 s instead of 8.3 s for a 50,000-image run on 2 cores).
      ...(options.allowSpinning === false
        ? { extra: { session: { intra_op: { allow_spinning: '0' } } } }
        : {}),
      // 4 = fatal only: evalgate reports onnxruntime's errors itself, with what to do about them;
      // its own log lines (warnings about unused initializers, coloured error dumps) would only confuse.
      logSeverityLevel: 4,
    });
  } catch (error) {
    const reason = errorMessage(error);
    if (executionProvider === 'cuda' && /cuda|provider/i.test(reason)) {
      throw new InputError(`the CUDA execution provider could not be loaded: ${reason}`, {
        code: 'E_RUNTIME_UNAVAILABLE',
        where: 'device',
        hint: 'GPU inference needs the onnxruntime CUDA provider libraries and a CUDA driver; use device: cpu meanwhile',
        cause: error,
      });
    }
    if (/protobuf parsing failed|invalid model|model_proto/i.test(reason)) {
      throw new InputError(`'${modelPath}' is not a valid ONNX model (onnxruntime: ${reason})`, {
        code: 'E_MODEL_INVALID',
        where: 'model.path',
        hint: 'point model.path at a model exported to ONNX (for example with torch.onnx.export)',
        cause: error,
      });
    }
    throw new InputError(`onnxruntime could not load the model '${modelPath}': ${reason}`, {
      code: 'E_MODEL_INVALID',
      where: 'model.path',
      hint: 'a model with external weights needs its .data file next to it; the model opset must be supported by this onnxruntime',
      cause: error,
    });
  }
}

function toTensorInfo(meta: OrtSession['inputMetadata'][number]): TensorInfo {
  if (!meta.isTensor) return { name: meta.name, isTensor: false, type: null, shape: [] };
  return { name: meta.name, isTensor: true, type: meta.type, shape: [...meta.shape] };
}

function describeValue(info: TensorInfo): string {
  return info.isTensor
    ? `'${info.name}' ${info.type} ${describeShape(info.shape)}`
    : `'${info.name}' (not a tensor)`;
}

function pickInput(inputs: TensorInfo[], inputName: string | undefined, modelPath: string): TensorInfo {
  let input: TensorInfo | undefined;
  if (inputName !== undefined) {
    input = inputs.find((i) => i.name === inputName);
    if (input === undefined) {
      throw new InputError(
        `the model has no input named '${inputName}'; its inputs are ${inputs.map(describeValue).join(', ')}`,
        { code: 'E_MODEL_INVALID', where: 'model.input', hint: 'set model.input to one of the names above' },
      );
    }
  } else if (inputs.length === 1) {
    input = inputs[0];
  } else {
    throw new InputError(
      `the model '${modelPath}' has ${inputs.length} inputs (${inputs.map(describeValue).join(', ')}); say which one takes the images`,
      {
        code: 'E_MODEL_INVALID',
        where: 'model.input',
        hint: 'set model.input to the name of the image input',
      },
    );
  }
  if (!input.isTensor || input.type === null || !FLOAT_TYPES.has(input.type)) {
    throw new InputError(
      `the model input ${describeValue(input)} is not a float tensor; evalgate feeds float32 or float16 images`,
      {
        code: 'E_MODEL_INVALID',
        where: 'model.input',
        hint: 'export the model with a float input (preprocessing happens in evalgate)',
      },
    );
  }
  return input;
}

function pickOutput(outputs: TensorInfo[], outputName: string | undefined, modelPath: string): TensorInfo {
  const usable = outputs.filter((o) => o.isTensor && o.type !== null && FLOAT_TYPES.has(o.type));
  const usableNames = usable.map((o) => `'${o.name}'`).join(', ');
  const useInstead =
    usable.length > 0
      ? `set model.output to a float tensor output: ${usableNames}`
      : 'export the model with a float tensor output of class scores';
  let output: TensorInfo | undefined;
  if (outputName !== undefined) {
    output = outputs.find((o) => o.name === outputName);
    if (output === undefined) {
      throw new InputError(
        `the model has no output named '${outputName}'; its outputs are ${outputs.map(describeValue).join(', ')}`,
        { code: 'E_MODEL_OUTPUTS', where: 'model.output', hint: useInstead },
      );
    }
  } else {
    const nonTensors = outputs.filter((o) => !o.isTensor);
    if (nonTensors.length > 0) {
      // scikit-learn exports (skl2onnx) put class probabilities in a ZipMap: a sequence of maps.
      throw new InputError(
        `the model '${modelPath}' has non-tensor outputs (${nonTensors.map((o) => `'${o.name}'`).join(', ')}, such as a scikit-learn ZipMap) that evalgate cannot read as class scores`,
        { code: 'E_MODEL_OUTPUTS', where: 'model.output', hint: useInstead },
      );
    }
    if (outputs.length !== 1) {
      throw new InputError(
        `the model '${modelPath}' has ${outputs.length} outputs (${outputs.map(describeValue).join(', ')}); say which one holds the class scores`,
        {
          code: 'E_MODEL_OUTPUTS',
          where: 'model.output',
          hint: 'set model.output to its name, and model.outputs to logits, probabilities or log-probabilities',
        },
      );
    }
    output = outputs[0];
  }
  if (!output.isTensor) {
    throw new InputError(
      `the model output '${output.name}' is not a tensor (for example a scikit-learn ZipMap, a sequence of maps) and cannot be read as class scores`,
      { code: 'E_MODEL_OUTPUTS', where: 'model.output', hint: useInstead },
    );
  }
  if (output.type === null || !FLOAT_TYPES.has(output.type)) {
    throw new InputError(`the model output ${describeValue(output)} is not a float tensor of class scores`, {
      code: 'E_MODEL_OUTPUTS',
      where: 'model.output',
      hint: useInstead,
    });
  }
  return output;
}

/** The output must be [N, classes], tolerating trailing 1s ([N, classes, 1, 1] from a conv head). */
function checkOutputClasses(output: TensorInfo, numClasses: number): void {
  if (output.shape.length === 0) return; // unknown rank: checked on the first batch
  const perSample = stripTrailingOnes(output.shape.slice(1));
  if (perSample.length === 1 && typeof perSample[0] === 'number' && perSample[0] > 0) {
    if (perSample[0] !== numClasses) throw classCountError(output, perSample[0], numClasses);
    return;
  }
  if (perSample.length === 1 || perSample.every((d) => typeof d !== 'number' || d <= 0 || d === 1)) return;
  throw new InputError(
    `the model output '${output.name}' has shape ${describeShape(output.shape)}, not [N, classes]`,
    {
      code: 'E_MODEL_OUTPUTS',
      where: 'model.output',
      hint: 'choose the output that holds one score per class (model.output)',
    },
  );
}

function stripTrailingOnes<T>(dims: T[]): T[] {
  let end = dims.length;
  while (end > 1 && dims[end - 1] === 1) end--;
  return dims.slice(0, end);
}

function classCountError(output: TensorInfo, modelClasses: number, numClasses: number): InputError {
  return new InputError(
    `the model output '${output.name}' has ${modelClasses} class scores per sample (shape ${describeShape(output.shape)}) but the config lists ${numClasses} classes`,
    {
      code: 'E_MODEL_OUTPUTS',
      where: 'classes',
      hint: `list exactly one class name per model output, in the model's output order (classes or classes-file)`,
    },
  );
}

interface SessionShape {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  input: TensorInfo;
  output: TensorInfo;
  fixedBatchSize: number | null;
  sampleShape: number[];
  numClasses: number;
  outputKind: OpenModelOptions['outputKind'];
}

class OnnxModelSession implements ModelSession {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  readonly input: TensorInfo;
  readonly output: TensorInfo;
  readonly fixedBatchSize: number | null;
  readonly sampleShape: number[];
  private readonly numClasses: number;
  private readonly outputKind: OpenModelOptions['outputKind'];

  constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    shape: SessionShape,
  ) {
    this.inputs = shape.inputs;
    this.outputs = shape.outputs;
    this.input = shape.input;
    this.output = shape.output;
    this.fixedBatchSize = shape.fixedBatchSize;
    this.sampleShape = shape.sampleShape;
    this.numClasses = shape.numClasses;
    this.outputKind = shape.outputKind;
  }

  async run(data: Float32Array, size: number, sampleShape: number[]): Promise<Float32Array> {
    const raw = await this.runRaw(data, size, sampleShape);
    return toProbabilities(raw, size, this.numClasses, this.outputKind);
  }

  async runRaw(data: Float32Array, size: number, sampleShape: number[]): Promise<Float32Array> {
    const numClasses = this.numClasses;
    if (size === 0) return new Float32Array(0);
    this.checkSampleShape(sampleShape);
    const sampleLength = product(sampleShape);
    if (data.length < size * sampleLength) {
      throw new Error(
        `batch data holds ${data.length} values, fewer than ${size} samples of ${sampleLength}`,
      );
    }
    const raw = new Float32Array(size * numClasses);
    // A fixed batch dimension is fed exactly that many rows: chunks of it, the last padded with zeros.
    const chunk = this.fixedBatchSize ?? size;
    for (let start = 0; start < size; start += chunk) {
      const count = Math.min(chunk, size - start);
      const fed = this.fixedBatchSize ?? count;
      let rows = data.subarray(start * sampleLength, (start + count) * sampleLength);
      if (fed !== count) {
        const padded = new Float32Array(fed * sampleLength);
        padded.set(rows);
        rows = padded;
      }
      await this.infer(
        rows,
        fed,
        sampleShape,
        raw.subarray(start * numClasses, (start + count) * numClasses),
      );
    }
    const bad = findNonFiniteRows(raw, size, numClasses, this.outputKind);
    if (bad.length > 0) throw new NonFiniteOutputError(this.output.name, bad, size);
    return raw;
  }

  async close(): Promise<void> {
    await this.session.release();
  }

  private checkSampleShape(sampleShape: number[]): void {
    if (this.input.shape.length === 0) return; // the model does not declare its input rank
    if (sampleShapeMatches(this.sampleShape, sampleShape)) return;
    throw new InputError(
      `the model input '${this.input.name}' expects ${describeShape(this.input.shape)} but preprocessing produces ${describeFedShape(this.input.shape, sampleShape)}`,
      {
        code: 'E_MODEL_INVALID',
        where: 'preprocess',
        hint: 'check preprocess.resize / center-crop, preprocess.color and preprocess.layout against the model input',
      },
    );
  }

  /** One session.run of exactly `fed` rows; writes the scores of the first rows (the real ones) into `into`. */
  private async infer(
    rows: Float32Array,
    fed: number,
    sampleShape: number[],
    into: Float32Array,
  ): Promise<void> {
    const dims = [fed, ...sampleShape];
    const type = this.input.type;
    let tensor: OrtTensor;
    if (type === 'float16') tensor = new this.ort.Tensor('float16', encodeFloat16(rows), dims);
    else if (type === 'float64') tensor = new this.ort.Tensor('float64', Float64Array.from(rows), dims);
    else tensor = new this.ort.Tensor('float32', rows, dims);
    let results: Awaited<ReturnType<OrtSession['run']>>;
    try {
      results = await this.session.run({ [this.input.name]: tensor }, [this.output.name]);
    } catch (error) {
      // Usually a shape the model's graph cannot take (its declared input left H and W open).
      const reason = errorMessage(error);
      throw new InputError(
        `onnxruntime could not run the model on input '${this.input.name}' of shape ${describeShape(dims)} ` +
          `(the model declares ${describeShape(this.input.shape)}): ${reason}`,
        {
          code: 'E_MODEL_INVALID',
          where: 'preprocess',
          hint: 'check preprocess.resize / center-crop, color and layout against what the model was exported with',
          cause: error,
        },
      );
    }
    const out = results[this.output.name] as OrtTensor;
    try {
      const perSample = out.dims.length > 0 && out.dims[0] === fed ? product(out.dims.slice(1)) : -1;
      if (perSample !== this.numClasses) {
        if (perSample > 0 && out.dims.length >= 2) {
          throw classCountError({ ...this.output, shape: [...out.dims] }, perSample, this.numClasses);
        }
        throw new InputError(
          `the model output '${this.output.name}' has shape [${out.dims.join(',')}] for a batch of ${fed}; expected [${fed},${this.numClasses}]`,
          {
            code: 'E_MODEL_OUTPUTS',
            where: 'model.output',
            hint: 'choose the output that holds one score per class (model.output)',
          },
        );
      }
      // Copied before dispose() releases the tensor's data; padded rows fall outside `into`.
      copyAsFloat32(out, into);
    } finally {
      out.dispose();
    }
  }
}

/** Copies the first `into.length` values of a float tensor into `into` as float32. */
function copyAsFloat32(tensor: OrtTensor, into: Float32Array): void {
  const data = tensor.data;
  const n = into.length;
  if (data instanceof Float32Array) {
    into.set(data.subarray(0, n));
  } else if (tensor.type === 'float16' && data instanceof Uint16Array) {
    // float16 arrives as raw bits in a Uint16Array where Node has no Float16Array (before v24).
    decodeFloat16(data.subarray(0, n), into);
  } else {
    const values = data as ArrayLike<number>;
    for (let i = 0; i < n; i++) into[i] = values[i];
  }
}
