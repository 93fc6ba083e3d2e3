// `cne transform` streams Parquet and Arrow inputs a row group (record batch) at a time: the result has the
// bits of the in-memory transform, whatever the blocks; and the block source starts at any row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { openAsBlob } from "node:fs";
import { Table } from "apache-arrow";
import { loadModel } from "../dist/index.js";
import { openVectorBlocks } from "../dist/io/index.js";
import "../dist/cli/parquet-wasm.js";
import { clusters, runCli, tempDir } from "./cli/files.ts";
import { arrowOf, listVector, metadataColumns, parquetOf } from "./io-files.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const dim = 8;
const { rows } = clusters(300, dim);
const N = 3000;
const many = new Float32Array(N * dim);
for (let i = 0; i < N; i++) for (let j = 0; j < dim; j++) many[i * dim + j] = rows[i % 300][j] + 0.01 * Math.floor(i / 300);
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const npyData = (file: string) => readFileSync(file).subarray(128);
let expected: Float32Array;

beforeAll(async () => {
  tmp.write("train.csv", rows.map((r) => r.join(",")).join("\n") + "\n");
  const table = new Table({ id: metadataColumns(N).id, embedding: listVector(many, N, dim) });
  tmp.write("many.parquet", parquetOf(table, 700));
  tmp.write("many.arrows", arrowOf(table, true));
  const fit = runCli(["fit", tmp.path("train.csv"), "--save-model", tmp.path("m.cne"), "--epochs", "20", "--quiet"]);
  expect(fit.status, fit.stderr).toBe(0);
  const model = await loadModel(new Uint8Array(readFileSync(tmp.path("m.cne"))));
  expected = await model.transform(many);
  model.destroy();
}, 180000);

describe("cne transform of Parquet and Arrow, streamed", () => {
  it("blocks of any size give the in-memory transform's bits", () => {
    for (const [input, chunk] of [["many.parquet", "500"], ["many.parquet", "4096"], ["many.arrows", "999"]] as const) {
      const out = tmp.path(`out-${input}-${chunk}.npy`);
      const t = runCli(["transform", tmp.path("m.cne"), tmp.path(input), "--out", out, "--chunk-rows", chunk]);
      expect(t.status, t.stderr).toBe(0);
      expect(t.stderr).toMatch(new RegExp(`wrote .*\\(${N} × 2\\)`));
      expect(npyData(out).equals(bytes(expected)), `${input}, blocks of ${chunk}`).toBe(true);
    }
  }, 180000);

  it("the block source starts at any row: row groups before it are not read, the rest equal the file's rows", async () => {
    for (const [name, format] of [["many.parquet", "parquet"], ["many.arrows", "arrows"]] as const) {
      const source = await openVectorBlocks(format, await openAsBlob(tmp.path(name)));
      expect([source.dim, source.rows]).toEqual([dim, N]);
      const from = 1234;
      const parts: Float32Array[] = [];
      let n = 0;
      for await (const block of source.blocks(from)) {
        parts.push(block.values.slice());
        n += block.n;
      }
      expect(n).toBe(N - from);
      if (format === "parquet") expect(parts[0].length / dim).toBe(1400 - from); // the rest of the second row group
      const joined = new Float32Array(n * dim);
      parts.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
      expect(joined).toEqual(many.subarray(from * dim));
    }
  });
});
