/**
 * What identifies a model in a report: its sha256 and size (with any external data files), its
 * parameter count, and the tensors it was run through.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactSource } from '../config/types.js';
import type { ModelSession, OutputKind, TensorInfo } from '../runtime/types.js';
import { hashFile } from '../shared/hashFile.js';
import { displaySource } from '../config/displaySource.js';
import { readOnnxModelInfo } from './onnxModelInfo.js';

/** The model as the report names it (report/schema.ts checks that ModelIdentity is this shape). */
export interface ModelDescription {
  source: string;
  sha256: string;
  /** Bytes, external data included. */
  size: number;
  parameterCount: number | null;
  externalData: Array<{ path: string; sha256: string; size: number }>;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  input: string;
  output: string;
  outputKind: OutputKind;
}

export interface DescribeModelOptions {
  /** The model file as fetched. */
  modelPath: string;
  /** Where it came from (shown relative to `baseDir`). */
  source: ArtifactSource;
  baseDir: string;
  outputKind: OutputKind;
  session: Pick<ModelSession, 'inputs' | 'outputs' | 'input' | 'output'>;
}

export async function describeModel(options: DescribeModelOptions): Promise<ModelDescription> {
  const { modelPath, session } = options;
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
    source: displaySource(options.source, options.baseDir),
    sha256,
    size: totalSize,
    parameterCount: info?.parameterCount ?? null,
    externalData,
    inputs: session.inputs,
    outputs: session.outputs,
    input: session.input.name,
    output: session.output.name,
    outputKind: options.outputKind,
  };
}
