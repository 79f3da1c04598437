import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOnnxModelInfo } from '../../src/artifacts/onnxModelInfo.js';

const models = path.resolve('__tests__/__fixtures__/models');
const read = (name: string) => readOnnxModelInfo(new Uint8Array(readFileSync(path.join(models, name))));

describe('readOnnxModelInfo', () => {
  it('finds the external-data file that holds a model’s weights', () => {
    expect(read('digits-external.onnx')?.externalDataFiles).toEqual(['digits-external.onnx.data']);
    expect(read('digits-batch1.onnx')?.externalDataFiles).toEqual([]);
  });

  it('counts the same parameters whether the weights are inline or external', () => {
    const inline = read('digits-batch1.onnx')!.parameterCount;
    // The fixture CNN: conv 1->16 (3x3), conv 16->32 (3x3), linear 512->64, linear 64->10, with biases
    const expected = 16 * 9 + 16 + 32 * 16 * 9 + 32 + 512 * 64 + 64 + 64 * 10 + 10;
    expect(inline).toBe(expected);
    expect(read('digits-external.onnx')!.parameterCount).toBe(inline);
  });

  it('returns null for a file that is not a protobuf', () => {
    expect(read('not-a-model.onnx')).toBeNull();
  });
});
