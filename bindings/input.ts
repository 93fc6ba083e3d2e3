// Turns user data into one validated row-major Float32Array with its shape. Everything else in the bindings
// can then trust n, dim and the values.

import { fail } from "./errors.ts";

/** Data as users hold it: a flat row-major Float32Array (with n and dim) or an array of rows. */
export type DataInput = Float32Array | Float64Array | ArrayLike<number> | readonly (ArrayLike<number>)[];

export interface Matrix {
  values: Float32Array;
  n: number;
  dim: number;
}

function isRows(data: unknown): data is readonly ArrayLike<number>[] {
  return Array.isArray(data) && (data.length === 0 || typeof data[0] !== "number");
}

/**
 * Normalises `data` to a row-major Float32Array. For flat input, `n` or `dim` (or both) must be given; for
 * rows they are inferred and, if given, checked. Finiteness is checked later, in the core.
 */
export function toMatrix(data: DataInput, shape: { n?: number; dim?: number } = {}): Matrix {
  if (data === null || data === undefined) fail("data is required");
  if (isRows(data)) {
    const n = data.length;
    if (n === 0) fail("data has no rows");
    const first = data[0];
    if (first === null || typeof first !== "object" || typeof first.length !== "number") {
      fail("data must be a Float32Array or an array of rows (arrays of numbers)");
    }
    const dim = first.length;
    if (dim === 0) fail("data rows are empty (dim = 0)");
    if (shape.n !== undefined && shape.n !== n) fail(`n = ${shape.n} but data has ${n} rows`);
    if (shape.dim !== undefined && shape.dim !== dim) fail(`dim = ${shape.dim} but rows have ${dim} values`);
    checkFitsCore(n, dim);
    const values = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const row = data[i];
      if (!row || typeof row.length !== "number") fail(`row ${i} is not an array`);
      if (row.length !== dim) fail(`ragged rows: row ${i} has ${row.length} values, row 0 has ${dim}`);
      for (let j = 0; j < dim; j++) {
        const v = row[j];
        if (typeof v !== "number") fail(`row ${i}, column ${j} is not a number (${typeof v})`);
        values[i * dim + j] = v;
      }
    }
    return { values, n, dim };
  }
  if (typeof (data as ArrayLike<number>).length !== "number") {
    fail("data must be a Float32Array or an array of rows (arrays of numbers)");
  }
  const flat = data as ArrayLike<number>;
  const length = flat.length;
  if (length === 0) fail("data is empty");
  let { n, dim } = shape;
  if (n === undefined && dim === undefined) fail("flat data needs its shape: pass n and dim (or one of them)");
  if (n === undefined) n = length / dim!;
  if (dim === undefined) dim = length / n;
  checkCount("n", n);
  checkCount("dim", dim!);
  if (n * dim! !== length) fail(`data has ${length} values but n × dim = ${n} × ${dim} = ${n * dim!}`);
  checkFitsCore(n, dim!);
  const values = flat instanceof Float32Array ? flat : Float32Array.from(flat);
  return { values, n, dim: dim! };
}

/** A wasm32 memory addresses at most 4 GiB (65,536 pages of 64 KiB); the core keeps the data in one. */
export const WASM32_MAX_BYTES = 2 ** 32;

/** Refuses, before anything is allocated, data whose rows alone would not fit in the core's memory. */
export function checkFitsCore(n: number, dim: number): void {
  const bytes = n * paddedStride(dim) * 4;
  if (bytes >= WASM32_MAX_BYTES) {
    const gib = (b: number) => (b / 2 ** 30).toFixed(1);
    fail(
      `n × dim = ${n} × ${dim} needs ${gib(bytes)} GiB of the core's memory for the data alone, beyond the ` +
        `${gib(WASM32_MAX_BYTES)} GiB a WebAssembly (wasm32) memory can hold; reduce dim (e.g. PCA first), or fit on a ` +
        `sample of the rows and stream-transform the rest (README, "Data past one machine")`,
    );
  }
}

export function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) fail(`${name} must be a positive integer, got ${value}`);
}

/** Floats per row in the core: dim rounded up to a multiple of 4, so kernels step by whole v128 lanes. */
export function paddedStride(dim: number): number {
  return (dim + 3) & ~3;
}
