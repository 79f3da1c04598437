/**
 * Reads what the report needs from an ONNX file without a protobuf library: the number of
 * parameters (elements of all initializers) and the external-data files the weights live in,
 * so that the model's identity (sha256, size) covers `model.onnx.data` as well as `model.onnx`.
 *
 * Field numbers are from onnx/onnx.proto: ModelProto.graph = 7; GraphProto.initializer = 5;
 * TensorProto.dims = 1, external_data = 13 (StringStringEntryProto key = 1, value = 2).
 */

export interface OnnxModelInfo {
  parameterCount: number;
  /** External-data locations, relative to the model's folder, in first-seen order. */
  externalDataFiles: string[];
}

/** Returns null when the bytes are not a parsable protobuf (onnxruntime then gives the real error). */
export function readOnnxModelInfo(bytes: Uint8Array): OnnxModelInfo | null {
  try {
    const info: OnnxModelInfo = { parameterCount: 0, externalDataFiles: [] };
    for (const field of fields(bytes, 0, bytes.length)) {
      if (field.number === 7 && field.wireType === 2) readGraph(bytes, field.start, field.end, info);
    }
    return info;
  } catch {
    return null;
  }
}

function readGraph(bytes: Uint8Array, start: number, end: number, info: OnnxModelInfo): void {
  for (const field of fields(bytes, start, end)) {
    if (field.number === 5 && field.wireType === 2) readTensor(bytes, field.start, field.end, info);
  }
}

function readTensor(bytes: Uint8Array, start: number, end: number, info: OnnxModelInfo): void {
  let elements = 1;
  for (const field of fields(bytes, start, end)) {
    if (field.number === 1) {
      if (field.wireType === 0) elements *= field.value;
      else if (field.wireType === 2) {
        // packed repeated int64
        let offset = field.start;
        while (offset < field.end) {
          const [value, next] = readVarint(bytes, offset);
          elements *= value;
          offset = next;
        }
      }
    } else if (field.number === 13 && field.wireType === 2) {
      let key = '';
      let value = '';
      for (const entry of fields(bytes, field.start, field.end)) {
        const text = new TextDecoder().decode(bytes.subarray(entry.start, entry.end));
        if (entry.number === 1) key = text;
        else if (entry.number === 2) value = text;
      }
      if (key === 'location' && value && !info.externalDataFiles.includes(value)) {
        info.externalDataFiles.push(value);
      }
    }
  }
  info.parameterCount += elements;
}

interface Field {
  number: number;
  wireType: number;
  /** Varint value (wire type 0). */
  value: number;
  /** Payload range (wire type 2). */
  start: number;
  end: number;
}

function* fields(bytes: Uint8Array, start: number, end: number): Generator<Field> {
  let offset = start;
  while (offset < end) {
    const [key, afterKey] = readVarint(bytes, offset);
    const number = Math.floor(key / 8);
    const wireType = key % 8;
    offset = afterKey;
    if (wireType === 0) {
      const [value, next] = readVarint(bytes, offset);
      yield { number, wireType, value, start: offset, end: next };
      offset = next;
    } else if (wireType === 1) {
      offset += 8;
    } else if (wireType === 2) {
      const [length, next] = readVarint(bytes, offset);
      if (next + length > end) throw new Error('truncated field');
      yield { number, wireType, value: 0, start: next, end: next + length };
      offset = next + length;
    } else if (wireType === 5) {
      offset += 4;
    } else {
      throw new Error(`unsupported wire type ${wireType}`);
    }
    if (number === 0) throw new Error('field number 0');
  }
  if (offset !== end) throw new Error('field overran its message');
}

/** Varints up to 2^53 (dims and lengths in practice); uses multiplication to stay exact past 2^31. */
function readVarint(bytes: Uint8Array, offset: number): [number, number] {
  let result = 0;
  let multiplier = 1;
  let position = offset;
  for (;;) {
    if (position >= bytes.length) throw new Error('truncated varint');
    const byte = bytes[position++];
    result += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return [result, position];
    multiplier *= 128;
    if (multiplier > 2 ** 63) throw new Error('varint too long');
  }
}
