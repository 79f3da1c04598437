/** Where a report was made: OS, CPU, Node and onnxruntime versions, execution provider. */
import os from 'node:os';
import type { ExecutionProvider } from '../runtime/types.js';
import type { Environment } from './types.js';

export function describeEnvironment(onnxruntime: string, executionProvider: ExecutionProvider): Environment {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpu: cpus[0]?.model?.trim() || 'unknown',
    cpuCount: cpus.length,
    node: process.version,
    onnxruntime,
    executionProvider,
  };
}
