/*
  Copyright (c) 2008, Adobe Systems Incorporated
  All rights reserved.

  Redistribution and use in source and binary forms, with or without
  modification, are permitted provided that the following conditions are
  met:

  * Redistributions of source code must retain the above copyright notice,
    this list of conditions and the following disclaimer.

  * Redistributions in binary form must reproduce the above copyright
    notice, this list of conditions and the following disclaimer in the
    documentation and/or other materials provided with the distribution.

  * Neither the name of Adobe Systems Incorporated nor the names of its
    contributors may be used to endorse or promote products derived from
    this software without specific prior written permission.

  THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS
  IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO,
  THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR
  PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT OWNER OR
  CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL,
  EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO,
  PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR
  PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF
  LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING
  NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
  SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
*/
/*
  JPEG encoder ported to JavaScript and optimized by Andreas Ritter, www.bytestrom.eu, 11/2009.
  Basic GUI blocking jpeg encoder.
*/
/**
 * A TypeScript port of jpeg-js 0.4.4's encoder (node_modules/jpeg-js/lib/encoder.js, BSD-3-Clause,
 * the licence above; docs/contributing.md "Vendored code"). Its output is the same, byte for byte,
 * as jpeg-js `encode(image, quality)` for an image without comments or EXIF (a test holds it to
 * that). jpeg-js builds every table on every `encode` call — 65,535 bit codes among them, about
 * 23 ms a call — and exports no way to reuse an encoder; here the quality-independent tables are
 * built once, at load, and never change, and the quantisation tables of a quality (128 numbers)
 * are computed per call. The arithmetic is jpeg-js's, in the same order and in doubles, so the
 * quantised coefficients and the entropy-coded bytes are its own.
 */

const ZIGZAG: readonly number[] = [
  0, 1, 5, 6, 14, 15, 27, 28, 2, 4, 7, 13, 16, 26, 29, 42, 3, 8, 12, 17, 25, 30, 41, 43, 9, 11, 18, 24, 31,
  40, 44, 53, 10, 19, 23, 32, 39, 45, 52, 54, 20, 22, 33, 38, 46, 51, 55, 60, 21, 34, 37, 47, 50, 56, 59, 61,
  35, 36, 48, 49, 57, 58, 62, 63,
];

const STD_DC_LUMINANCE_NRCODES: readonly number[] = [0, 0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const STD_DC_LUMINANCE_VALUES: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const STD_AC_LUMINANCE_NRCODES: readonly number[] = [0, 0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d];
const STD_AC_LUMINANCE_VALUES: readonly number[] = [
  0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71,
  0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72,
  0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37,
  0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
  0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83,
  0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3,
  0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
  0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
  0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
];
const STD_DC_CHROMINANCE_NRCODES: readonly number[] = [0, 0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
const STD_DC_CHROMINANCE_VALUES: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const STD_AC_CHROMINANCE_NRCODES: readonly number[] = [0, 0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77];
const STD_AC_CHROMINANCE_VALUES: readonly number[] = [
  0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22,
  0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1,
  0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x35, 0x36,
  0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
  0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a,
  0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a,
  0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba,
  0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
  0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
];

/** The IJG example quantisation tables (JPEG standard, Annex K), in natural order. */
const STD_LUMINANCE_QT: readonly number[] = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
  29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
  121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const STD_CHROMINANCE_QT: readonly number[] = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/** The AAN DCT's scale factors per row and column. */
const AASF: readonly number[] = [
  1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.5411961, 0.275899379,
];

/** A Huffman table: code and code length per symbol (0 length: the symbol has no code). */
interface HuffmanTable {
  readonly code: Int32Array;
  readonly length: Int32Array;
}

/** jpeg-js computeHuffmanTbl: canonical codes from the counts per length and the symbols. */
function huffmanTable(nrcodes: readonly number[], values: readonly number[]): HuffmanTable {
  const code = new Int32Array(256);
  const length = new Int32Array(256);
  let codeValue = 0;
  let position = 0;
  for (let k = 1; k <= 16; k++) {
    for (let j = 1; j <= nrcodes[k]!; j++) {
      const symbol = values[position]!;
      code[symbol] = codeValue;
      length[symbol] = k;
      position++;
      codeValue++;
    }
    codeValue *= 2;
  }
  return { code, length };
}

const YDC_HT = huffmanTable(STD_DC_LUMINANCE_NRCODES, STD_DC_LUMINANCE_VALUES);
const UVDC_HT = huffmanTable(STD_DC_CHROMINANCE_NRCODES, STD_DC_CHROMINANCE_VALUES);
const YAC_HT = huffmanTable(STD_AC_LUMINANCE_NRCODES, STD_AC_LUMINANCE_VALUES);
const UVAC_HT = huffmanTable(STD_AC_CHROMINANCE_NRCODES, STD_AC_CHROMINANCE_VALUES);

/** Offset of value 0 in CATEGORY and BITCODE (jpeg-js indexes them by 32767 + value). */
const VALUE_OFFSET = 32767;

/**
 * jpeg-js initCategoryNumber: per value v in [−32767, 32767] (index 32767 + v), its magnitude
 * category (bit count) and the bits that code it (v for v > 0, v + 2^category − 1 for v < 0).
 */
function categoryTables(): { category: Int32Array; bitcode: Int32Array } {
  const category = new Int32Array(65535);
  const bitcode = new Int32Array(65535);
  let lower = 1;
  let upper = 2;
  for (let cat = 1; cat <= 15; cat++) {
    for (let nr = lower; nr < upper; nr++) {
      category[VALUE_OFFSET + nr] = cat;
      bitcode[VALUE_OFFSET + nr] = nr;
    }
    for (let nr = -(upper - 1); nr <= -lower; nr++) {
      category[VALUE_OFFSET + nr] = cat;
      bitcode[VALUE_OFFSET + nr] = upper - 1 + nr;
    }
    lower <<= 1;
    upper <<= 1;
  }
  return { category, bitcode };
}

const { category: CATEGORY, bitcode: BITCODE } = categoryTables();

/** jpeg-js initRGBYUVTable: the fixed-point RGB → YCbCr products (16 fractional bits). */
function rgbYuvTable(): Int32Array {
  const table = new Int32Array(2048);
  for (let i = 0; i < 256; i++) {
    table[i] = 19595 * i;
    table[i + 256] = 38470 * i;
    table[i + 512] = 7471 * i + 0x8000;
    table[i + 768] = -11059 * i;
    table[i + 1024] = -21709 * i;
    table[i + 1280] = 32768 * i + 0x807fff;
    table[i + 1536] = -27439 * i;
    table[i + 1792] = -5329 * i;
  }
  return table;
}

const RGB_YUV_TABLE = rgbYuvTable();

/** The quantisation tables of one quality: as written to the file (zigzag order) and as divisors of the DCT. */
interface QuantTables {
  readonly y: Int32Array;
  readonly uv: Int32Array;
  readonly fdtblY: Float64Array;
  readonly fdtblUV: Float64Array;
}

/** jpeg-js setQuality + initQuantTables: IJG scaling of the standard tables, clamped to [1, 255]. */
function quantTables(quality: number): QuantTables {
  // jpeg-js: quality 0 means its default, 50; below 1 is 1, above 100 is 100.
  const q = quality === 0 ? 50 : Math.min(100, Math.max(1, quality));
  const sf = q < 50 ? Math.floor(5000 / q) : Math.floor(200 - q * 2);
  const y = new Int32Array(64);
  const uv = new Int32Array(64);
  for (let i = 0; i < 64; i++) {
    y[ZIGZAG[i]!] = clampQuant(Math.floor((STD_LUMINANCE_QT[i]! * sf + 50) / 100));
    uv[ZIGZAG[i]!] = clampQuant(Math.floor((STD_CHROMINANCE_QT[i]! * sf + 50) / 100));
  }
  const fdtblY = new Float64Array(64);
  const fdtblUV = new Float64Array(64);
  let k = 0;
  for (let row = 0; row < 8; row++) {
    for (let col = 0; col < 8; col++) {
      fdtblY[k] = 1.0 / (y[ZIGZAG[k]!]! * AASF[row]! * AASF[col]! * 8.0);
      fdtblUV[k] = 1.0 / (uv[ZIGZAG[k]!]! * AASF[row]! * AASF[col]! * 8.0);
      k++;
    }
  }
  return { y, uv, fdtblY, fdtblUV };
}

function clampQuant(t: number): number {
  return Math.min(255, Math.max(1, t));
}

/** A growable byte buffer with jpeg-js's bit writer (0xFF bytes of entropy-coded data are stuffed with 0x00). */
class ByteWriter {
  private bytes: Uint8Array;
  private size = 0;
  private bitByte = 0;
  private bitPos = 7;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(1024, capacity));
  }

  byte(value: number): void {
    if (this.size === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.size++] = value;
  }

  word(value: number): void {
    this.byte((value >> 8) & 0xff);
    this.byte(value & 0xff);
  }

  bits(value: number, length: number): void {
    let posval = length - 1;
    while (posval >= 0) {
      if (value & (1 << posval)) this.bitByte |= 1 << this.bitPos;
      posval--;
      this.bitPos--;
      if (this.bitPos < 0) {
        if (this.bitByte === 0xff) {
          this.byte(0xff);
          this.byte(0);
        } else {
          this.byte(this.bitByte);
        }
        this.bitPos = 7;
        this.bitByte = 0;
      }
    }
  }

  /** jpeg-js's fill of the last byte with 1 bits before the EOI marker. */
  alignWithOnes(): void {
    if (this.bitPos >= 0) this.bits((1 << (this.bitPos + 1)) - 1, this.bitPos + 1);
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.size);
  }
}

/**
 * jpeg-js's AAN float DCT of 8 values in place: data[off], data[off + step], … data[off + 7·step]
 * (step 1 for a row of the block, 8 for a column), in jpeg-js's order of operations.
 */
function fdct8(data: Float64Array, off: number, step: number): void {
  const d0 = data[off]!;
  const d1 = data[off + step]!;
  const d2 = data[off + 2 * step]!;
  const d3 = data[off + 3 * step]!;
  const d4 = data[off + 4 * step]!;
  const d5 = data[off + 5 * step]!;
  const d6 = data[off + 6 * step]!;
  const d7 = data[off + 7 * step]!;
  const tmp0 = d0 + d7;
  const tmp7 = d0 - d7;
  const tmp1 = d1 + d6;
  const tmp6 = d1 - d6;
  const tmp2 = d2 + d5;
  const tmp5 = d2 - d5;
  const tmp3 = d3 + d4;
  const tmp4 = d3 - d4;
  let tmp10 = tmp0 + tmp3;
  const tmp13 = tmp0 - tmp3;
  let tmp11 = tmp1 + tmp2;
  let tmp12 = tmp1 - tmp2;
  data[off] = tmp10 + tmp11;
  data[off + 4 * step] = tmp10 - tmp11;
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: jpeg-js's 9-digit cos(π/4); Math.SQRT1_2 would change the bytes
  const z1 = (tmp12 + tmp13) * 0.707106781;
  data[off + 2 * step] = tmp13 + z1;
  data[off + 6 * step] = tmp13 - z1;
  tmp10 = tmp4 + tmp5;
  tmp11 = tmp5 + tmp6;
  tmp12 = tmp6 + tmp7;
  const z5 = (tmp10 - tmp12) * 0.382683433;
  const z2 = 0.5411961 * tmp10 + z5;
  const z4 = 1.306562965 * tmp12 + z5;
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: jpeg-js's 9-digit cos(π/4); Math.SQRT1_2 would change the bytes
  const z3 = tmp11 * 0.707106781;
  const z11 = tmp7 + z3;
  const z13 = tmp7 - z3;
  data[off + 5 * step] = z13 + z2;
  data[off + 3 * step] = z13 - z2;
  data[off + step] = z11 + z4;
  data[off + 7 * step] = z11 - z4;
}

/** jpeg-js fDCTQuant: the AAN float DCT of one 8×8 block (in place), quantised, rounded half away from 0. */
function fdctQuant(data: Float64Array, fdtbl: Float64Array, out: Int32Array): void {
  for (let row = 0; row < 64; row += 8) fdct8(data, row, 1);
  for (let column = 0; column < 8; column++) fdct8(data, column, 8);
  for (let i = 0; i < 64; ++i) {
    const v = data[i]! * fdtbl[i]!;
    out[i] = v > 0.0 ? (v + 0.5) | 0 : (v - 0.5) | 0;
  }
}

/** Per-call scratch of the block coder. */
interface BlockScratch {
  readonly quantised: Int32Array;
  readonly zigzagged: Int32Array;
}

/** jpeg-js processDU: DCT, quantise, zigzag, and Huffman-code one block; returns its DC value. */
function codeBlock(
  writer: ByteWriter,
  block: Float64Array,
  fdtbl: Float64Array,
  previousDC: number,
  dc: HuffmanTable,
  ac: HuffmanTable,
  scratch: BlockScratch,
): number {
  const { quantised, zigzagged: du } = scratch;
  fdctQuant(block, fdtbl, quantised);
  for (let j = 0; j < 64; ++j) du[ZIGZAG[j]!] = quantised[j]!;
  const diff = du[0]! - previousDC;
  const dcValue = du[0]!;
  if (diff === 0) {
    writer.bits(dc.code[0]!, dc.length[0]!);
  } else {
    const pos = VALUE_OFFSET + diff;
    const cat = CATEGORY[pos]!;
    writer.bits(dc.code[cat]!, dc.length[cat]!);
    writer.bits(BITCODE[pos]!, cat);
  }
  let end0pos = 63;
  while (end0pos > 0 && du[end0pos] === 0) end0pos--;
  if (end0pos === 0) {
    writer.bits(ac.code[0x00]!, ac.length[0x00]!);
    return dcValue;
  }
  let i = 1;
  while (i <= end0pos) {
    const startpos = i;
    while (du[i] === 0 && i <= end0pos) ++i;
    let nrzeroes = i - startpos;
    if (nrzeroes >= 16) {
      const runs = nrzeroes >> 4;
      for (let r = 1; r <= runs; ++r) writer.bits(ac.code[0xf0]!, ac.length[0xf0]!);
      nrzeroes &= 0xf;
    }
    const pos = VALUE_OFFSET + du[i]!;
    const cat = CATEGORY[pos]!;
    const symbol = (nrzeroes << 4) + cat;
    writer.bits(ac.code[symbol]!, ac.length[symbol]!);
    writer.bits(BITCODE[pos]!, cat);
    i++;
  }
  if (end0pos !== 63) writer.bits(ac.code[0x00]!, ac.length[0x00]!);
  return dcValue;
}

function writeHeaders(writer: ByteWriter, tables: QuantTables, width: number, height: number): void {
  writer.word(0xffd8); // SOI
  // APP0 (JFIF 1.1, no density units, no thumbnail)
  writer.word(0xffe0);
  writer.word(16);
  for (const b of [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0]) writer.byte(b);
  writer.word(1);
  writer.word(1);
  writer.byte(0);
  writer.byte(0);
  // DQT
  writer.word(0xffdb);
  writer.word(132);
  writer.byte(0);
  for (let i = 0; i < 64; i++) writer.byte(tables.y[i]!);
  writer.byte(1);
  for (let i = 0; i < 64; i++) writer.byte(tables.uv[i]!);
  // SOF0: baseline, 8 bits, three components at 1×1 sampling (4:4:4)
  writer.word(0xffc0);
  writer.word(17);
  writer.byte(8);
  writer.word(height);
  writer.word(width);
  for (const b of [3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]) writer.byte(b);
  // DHT
  writer.word(0xffc4);
  writer.word(0x01a2);
  const huffman: ReadonlyArray<readonly [number, readonly number[], readonly number[]]> = [
    [0x00, STD_DC_LUMINANCE_NRCODES, STD_DC_LUMINANCE_VALUES],
    [0x10, STD_AC_LUMINANCE_NRCODES, STD_AC_LUMINANCE_VALUES],
    [0x01, STD_DC_CHROMINANCE_NRCODES, STD_DC_CHROMINANCE_VALUES],
    [0x11, STD_AC_CHROMINANCE_NRCODES, STD_AC_CHROMINANCE_VALUES],
  ];
  for (const [info, nrcodes, values] of huffman) {
    writer.byte(info);
    for (let i = 0; i < 16; i++) writer.byte(nrcodes[i + 1]!);
    for (const v of values) writer.byte(v);
  }
  // SOS
  writer.word(0xffda);
  writer.word(12);
  for (const b of [3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0]) writer.byte(b);
}

/**
 * Encodes `rgba` (width × height pixels, 4 bytes each; alpha ignored) as a baseline JPEG at IJG
 * `quality` (clamped to 1–100; 0 means 50), exactly as jpeg-js `encode({ data, width, height }, quality)`.
 * Edge blocks repeat the last row and column, as jpeg-js does.
 */
export function encodeJpeg(rgba: Uint8Array, width: number, height: number, quality: number): Uint8Array {
  const tables = quantTables(quality);
  const writer = new ByteWriter(width * height + 1024);
  writeHeaders(writer, tables, width, height);
  const ydu = new Float64Array(64);
  const udu = new Float64Array(64);
  const vdu = new Float64Array(64);
  const scratch: BlockScratch = { quantised: new Int32Array(64), zigzagged: new Int32Array(64) };
  let dcy = 0;
  let dcu = 0;
  let dcv = 0;
  const quadWidth = width * 4;
  for (let y = 0; y < height; y += 8) {
    for (let x = 0; x < quadWidth; x += 32) {
      const start = quadWidth * y + x;
      for (let pos = 0; pos < 64; pos++) {
        const row = pos >> 3;
        const col = (pos & 7) * 4;
        let p = start + row * quadWidth + col;
        if (y + row >= height) p -= quadWidth * (y + 1 + row - height);
        if (x + col >= quadWidth) p -= x + col - quadWidth + 4;
        const r = rgba[p]!;
        const g = rgba[p + 1]!;
        const b = rgba[p + 2]!;
        ydu[pos] = ((RGB_YUV_TABLE[r]! + RGB_YUV_TABLE[g + 256]! + RGB_YUV_TABLE[b + 512]!) >> 16) - 128;
        udu[pos] =
          ((RGB_YUV_TABLE[r + 768]! + RGB_YUV_TABLE[g + 1024]! + RGB_YUV_TABLE[b + 1280]!) >> 16) - 128;
        vdu[pos] =
          ((RGB_YUV_TABLE[r + 1280]! + RGB_YUV_TABLE[g + 1536]! + RGB_YUV_TABLE[b + 1792]!) >> 16) - 128;
      }
      dcy = codeBlock(writer, ydu, tables.fdtblY, dcy, YDC_HT, YAC_HT, scratch);
      dcu = codeBlock(writer, udu, tables.fdtblUV, dcu, UVDC_HT, UVAC_HT, scratch);
      dcv = codeBlock(writer, vdu, tables.fdtblUV, dcv, UVDC_HT, UVAC_HT, scratch);
    }
  }
  writer.alignWithOnes();
  writer.word(0xffd9); // EOI
  return writer.result();
}
