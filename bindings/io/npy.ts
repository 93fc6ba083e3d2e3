// .npy through npyjs: reading a 2-D numeric array (every dtype numpy writes for numbers, C order) as float32
// with every value checked finite, and writing float32 tables.

import { dump, parse as parseNpy, type NpyArray } from "npyjs";
import { fail } from "./errors.ts";
import { isNpy } from "./formats.ts";

/** Dtypes read as numbers; bool ("b1") as 0/1. */
const NUMERIC_DTYPES = new Set(["b1", "f2", "f4", "f8", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"]);

export type NumericNpy = NpyArray & { data: ArrayLike<number | bigint | boolean> };

/** npyjs's parse of a numeric C-order array (its data may be shorter than its shape: the caller checks). */
function parseNumeric(buffer: ArrayBuffer): NpyArray {
  let array: NpyArray;
  try {
    array = parseNpy(buffer);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/Unsupported dtype/.test(message)) fail(`unsupported dtype (${message.replace(/^.*: /, "")}); use float32, float64 or an integer type, little-endian`);
    fail(`not a valid .npy file (${message})`);
  }
  if (!NUMERIC_DTYPES.has(array.dtype)) fail(`unsupported dtype ${array.dtype}; use float32, float64 or an integer type`);
  if (array.fortranOrder) fail("Fortran-order arrays are not supported: save a C-order array (numpy.ascontiguousarray)");
  return array;
}

/** Parses .npy bytes into a numeric array with its shape, checking dtype, order and length. */
export function parseNpyChecked(bytes: Uint8Array): NumericNpy {
  // npyjs views the data at its offset in the buffer it is given: give it a buffer of exactly the file. A large
  // file read whole already has a buffer of its own; copy only when the bytes are a window of a larger one.
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const buffer = (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
  const array = parseNumeric(buffer);
  const count = array.shape.reduce((a, b) => a * b, 1);
  const data = array.data as unknown as ArrayLike<number>;
  if (data.length < count) fail(`truncated: shape (${array.shape.join(", ")}) needs ${count} values, the file holds ${data.length}`);
  return array as NumericNpy;
}

/** A 2-D numeric .npy as float32 (n × dim), every value checked finite. */
export function readNpyMatrix(bytes: Uint8Array, onRowBound?: (bound: { atMost: number; exact: boolean }) => void): { values: Float32Array; n: number; dim: number } {
  const array = parseNpyChecked(bytes);
  if (array.shape.length !== 2) fail(`expected a 2-D array, got shape (${array.shape.join(", ")})`);
  const [n, dim] = array.shape;
  if (n < 1 || dim < 1) fail(`empty array of shape (${n}, ${dim})`);
  onRowBound?.({ atMost: n, exact: true });
  return { values: checkedFloat32(array.data, n, dim, 0), n, dim };
}

/**
 * The first n × dim values of `data` as float32, every value checked finite (errors name rows from `firstRow`).
 * float32 data is used where it lies in the file's buffer (no second copy of a large input); other dtypes are
 * converted.
 */
function checkedFloat32(data: NumericNpy["data"], n: number, dim: number, firstRow: number): Float32Array {
  const inPlace = data instanceof Float32Array;
  const values = inPlace ? data.subarray(0, n * dim) : new Float32Array(n * dim);
  for (let i = 0; i < n * dim; i++) {
    const v = Number(data[i]);
    if (!inPlace) values[i] = v;
    if (!Number.isFinite(values[i])) {
      const problem = Number.isNaN(v) ? "NaN value" : `${v} is infinite or outside the float32 range`;
      fail(problem, { row: firstRow + Math.floor(i / dim), index: i % dim });
    }
  }
  return values;
}

/** Where the rows of a 2-D numeric .npy lie, from its header: for reading them a block at a time. */
export interface NpyRowsLayout {
  n: number;
  dim: number;
  /** the header's bytes (magic to padding): the data starts right after them */
  header: Uint8Array;
  /** bytes per row */
  rowBytes: number;
}

/** The layout of a 2-D numeric .npy from its first bytes (at least its header), with the checks of readNpyMatrix. */
export function npyRowsLayout(head: Uint8Array): NpyRowsLayout {
  if (head.length < 12 || !isNpy(head)) fail("not a valid .npy file (no NUMPY magic)");
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  // NPY 1.0 gives the header's length in 2 bytes, later versions in 4
  const dataOffset = head[6] <= 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
  if (dataOffset > head.length) fail(`not a valid .npy file (a header of ${dataOffset} bytes; the bytes read hold ${head.length})`);
  const header = head.slice(0, dataOffset);
  const array = parseNumeric(header.buffer);
  if (array.shape.length !== 2) fail(`expected a 2-D array, got shape (${array.shape.join(", ")})`);
  const [n, dim] = array.shape;
  if (n < 1 || dim < 1) fail(`empty array of shape (${n}, ${dim})`);
  // "f4" → 4 bytes, "b1" → 1: the numeric dtypes name their size
  return { n, dim, header, rowBytes: dim * Number(array.dtype.slice(1)) };
}

/** Rows of a .npy's data (`bytes`: whole rows from row `firstRow` on) as float32, every value checked finite. */
export function npyRowsAsFloat32(layout: NpyRowsLayout, bytes: Uint8Array, firstRow: number): Float32Array {
  const n = Math.floor(bytes.length / layout.rowBytes);
  // npyjs reads the data after a header: the file's own, so that dtype and byte order are read as in the file
  const whole = new Uint8Array(layout.header.length + n * layout.rowBytes);
  whole.set(layout.header);
  whole.set(bytes.subarray(0, n * layout.rowBytes), layout.header.length);
  return checkedFloat32(parseNumeric(whole.buffer).data as NumericNpy["data"], n, layout.dim, firstRow);
}

/** An n × dim float32 table as .npy bytes (NPY 1.0, little-endian, C order). */
export function npyBytes(values: Float32Array, n: number, dim: number): Uint8Array {
  return new Uint8Array(dump(values.subarray(0, n * dim), [n, dim]));
}
