// Writers of the embedding (.npy float32, .csv, .json), chosen by the output file's extension.

import { writeFile } from "node:fs/promises";
import { describeSystemError, fileError } from "./errors.ts";

export const OUTPUT_FORMATS = ".npy, .csv, .json";

export type OutputFormat = "npy" | "csv" | "json";

export function outputFormatOf(file: string): OutputFormat | undefined {
  const ext = file.toLowerCase().slice(file.lastIndexOf(".") + 1);
  return ext === "npy" || ext === "csv" || ext === "json" ? ext : undefined;
}

/**
 * An NPY 1.0 file of little-endian float32 in C order: magic, version, header length, a Python dict literal
 * padded with spaces so the data starts at a multiple of 64 bytes, then the values.
 */
export function npyBytes(values: Float32Array, n: number, dim: number): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${dim}), }`;
  const unpadded = 10 + dict.length + 1;
  const headerLength = Math.ceil(unpadded / 64) * 64 - 10;
  const header = dict + " ".repeat(headerLength - dict.length - 1) + "\n";
  const out = new Uint8Array(10 + headerLength + values.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, headerLength, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const data = new DataView(out.buffer, 10 + headerLength);
  for (let i = 0; i < values.length; i++) data.setFloat32(i * 4, values[i], true);
  return out;
}

/** The shortest decimal that reads back as the same float32. */
export function formatFloat32(v: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const s = v.toPrecision(digits);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(Number(v.toPrecision(9)));
}

function rowsOf(values: Float32Array, n: number, dim: number): string[][] {
  const rows: string[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row: string[] = new Array(dim);
    for (let j = 0; j < dim; j++) row[j] = formatFloat32(values[i * dim + j]);
    rows[i] = row;
  }
  return rows;
}

export function embeddingBytes(format: OutputFormat, values: Float32Array, n: number, dim: number): Uint8Array {
  if (format === "npy") return npyBytes(values, n, dim);
  const rows = rowsOf(values, n, dim);
  const text = format === "csv"
    ? rows.map((r) => r.join(",")).join("\n") + "\n"
    : "[\n" + rows.map((r) => `[${r.join(",")}]`).join(",\n") + "\n]\n";
  return new TextEncoder().encode(text);
}

export async function writeBytes(file: string, bytes: Uint8Array | string): Promise<void> {
  try {
    await writeFile(file, bytes);
  } catch (error) {
    fileError(file, `cannot write: ${describeSystemError(error)}`);
  }
}

/** Writes the n × dim embedding in the format of the file's extension. */
export async function writeEmbedding(file: string, values: Float32Array, n: number, dim: number): Promise<void> {
  const format = outputFormatOf(file);
  if (!format) fileError(file, `unknown output format (expected ${OUTPUT_FORMATS})`);
  await writeBytes(file, embeddingBytes(format, values, n, dim));
}
