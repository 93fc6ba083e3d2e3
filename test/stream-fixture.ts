// What the streamed-transform tests share: a model fitted by `cne fit` on 300 rows of three 8-D clusters, N rows
// to stream through it (those rows, shifted a little per copy), and the in-memory transform of all N, which
// every streamed result must equal bit for bit.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { loadModel } from "../dist/index.js";
import { clusters, runCli, type tempDir } from "./cli/files.ts";

export const STREAM_DIM = 8;

export interface StreamFixture {
  /** the model file, fitted on `train` */
  model: string;
  /** the N streamed rows, row-major */
  many: Float32Array;
  n: number;
  /** the model's in-memory transform of `many` */
  expected: Float32Array;
}

/** Fits the model into `tmp` (m.cne, from train.csv) and transforms `n` rows in memory. */
export async function streamFixture(tmp: ReturnType<typeof tempDir>, n: number): Promise<StreamFixture> {
  const dim = STREAM_DIM;
  const { rows } = clusters(300, dim);
  const many = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) many[i * dim + j] = rows[i % 300][j] + 0.01 * Math.floor(i / 300);
  tmp.write("train.csv", rows.map((r) => r.join(",")).join("\n") + "\n");
  const fit = runCli(["fit", tmp.path("train.csv"), "--save-model", tmp.path("m.cne"), "--epochs", "20", "--quiet"]);
  expect(fit.status, fit.stderr).toBe(0);
  const model = await loadModel(new Uint8Array(readFileSync(tmp.path("m.cne"))));
  const expected = await model.transform(many);
  model.destroy();
  return { model: tmp.path("m.cne"), many, n, expected };
}

/** The bytes of a Float32Array, for bit-for-bit comparisons. */
export const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The data of a float32 .npy file written by `cne transform` (its header is 128 bytes). */
export const npyData = (file: string) => readFileSync(file).subarray(128);

/** The rows as CSV text, with a header line of names when `header`. */
export function csvOf(values: Float32Array, dim: number, header = true): string {
  const names = Array.from({ length: dim }, (_, j) => String.fromCharCode(97 + j)).join(",");
  const lines = Array.from({ length: values.length / dim }, (_, i) => Array.from(values.subarray(i * dim, (i + 1) * dim)).join(","));
  return (header ? names + "\n" : "") + lines.join("\n") + "\n";
}
