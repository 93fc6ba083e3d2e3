// `cne transform` streams Parquet and Arrow inputs a row group (record batch) at a time: the result has the
// bits of the in-memory transform, whatever the blocks; and the block source starts at any row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAsBlob } from "node:fs";
import { Table } from "apache-arrow";
import { openVectorBlocks } from "../dist/io/index.js";
import "../dist/cli/parquet-wasm.js";
import { runCli, tempDir } from "./cli/files.ts";
import { arrowOf, listVector, metadataColumns, parquetOf } from "./io-files.ts";
import { bytesOf as bytes, npyData, STREAM_DIM as dim, streamFixture } from "./stream-fixture.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const N = 3000;
let many: Float32Array;
let expected: Float32Array;

beforeAll(async () => {
  ({ many, expected } = await streamFixture(tmp, N));
  const table = new Table({ id: metadataColumns(N).id, embedding: listVector(many, N, dim) });
  tmp.write("many.parquet", parquetOf(table, 700));
  tmp.write("many.arrows", arrowOf(table, true));
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

/** The blocks' rows joined into one matrix. */
function joined(parts: Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  expect(out.length % dim).toBe(0);
  return out;
}

describe("text and .npy read a block at a time by the readers of whole files", () => {
  // 400 rows: a header, a quoted label column whose cells hold commas and line breaks, blank lines, CRLF ends
  const rows = 400;
  const values = new Float32Array(rows * 3).map((_, i) => Math.fround(Math.sin(i * 0.37) * 100));
  const lines = ["x,name,y,z"];
  for (let i = 0; i < rows; i++) {
    const label = i % 7 === 0 ? `"row ${i},\nsecond line"` : i % 5 === 0 ? `"say ""${i}"""` : `r${i}`;
    lines.push(`${values[i * 3]},${label},${values[i * 3 + 1]},${values[i * 3 + 2]}${i % 3 === 0 ? "\r" : ""}`);
    if (i % 50 === 49) lines.push("");
  }
  const text = lines.join("\n") + "\n";

  it("CSV pieces (plain and gzipped) give the whole-file reader's rows; every block end is a place to resume from", async () => {
    const { gzipSync } = await import("node:zlib");
    const { readTable } = await import("../dist/io/index.js");
    const { delimitedBlocks, blobText } = await import("../dist/io/delimited-blocks.js");
    const whole = await readTable("t.csv", new TextEncoder().encode(text), { labelColumn: "name" });
    expect([whole.n, whole.dim]).toEqual([rows, 3]);
    for (const gzip of [false, true]) {
      const blob = new Blob([gzip ? gzipSync(text) : text]);
      const source = await delimitedBlocks(blobText(blob, gzip), { delimiter: ",", labelColumn: "name", pieceBytes: 700 });
      expect(source.dim).toBe(3);
      const blocks = [];
      for await (const b of source.blocks(source.start)) blocks.push({ ...b, values: b.values.slice() });
      expect(blocks.length, "many pieces").toBeGreaterThan(10);
      expect(joined(blocks.map((b) => b.values), 3)).toEqual(whole.values);
      for (let k = 1; k < blocks.length; k++) expect(blocks[k].start).toEqual(blocks[k - 1].end);
      expect(blocks.at(-1)!.end.line).toBe(text.split("\n").length); // the lines of the file, and one past the last
      // from the start of the 6th block on: the rest of the rows
      const from = blocks[5].start;
      const rest = [];
      for await (const b of source.blocks(from)) rest.push(b.values.slice());
      expect(joined(rest, 3)).toEqual(whole.values.subarray(from.row * 3));
    }
  });

  it("a bad row in a later piece is named by its line in the file", async () => {
    const { delimitedBlocks, blobText } = await import("../dist/io/delimited-blocks.js");
    const fileLines = text.split("\n");
    const at = fileLines.findIndex((l, i) => i > 300 && l.startsWith("-") && !l.includes('"') && !l.endsWith("\r"));
    const drain = async (t: string) => {
      const source = await delimitedBlocks(blobText(new Blob([t]), false), { delimiter: ",", labelColumn: "name", pieceBytes: 700 });
      for await (const _ of source.blocks(source.start)) { /* read */ }
    };
    const ragged = fileLines.map((l, i) => (i === at ? l + ",9" : l)).join("\n");
    await expect(drain(ragged)).rejects.toThrow(`line ${at + 1}: ragged row: 5 fields, expected 4`);
    const word = fileLines.map((l, i) => (i === at ? l.replace(/^[^,]+/, "oops") : l)).join("\n");
    await expect(drain(word)).rejects.toThrow(`line ${at + 1}, column 1: "oops" is not a number`);
  });

  it(".npy of several dtypes, from any row, gives the whole-file reader's values; a cut-short file is refused up front", async () => {
    const { readTable } = await import("../dist/io/index.js");
    const { npyBlocks } = await import("../dist/io/npy-blocks.js");
    const { npyFile } = await import("./cli/files.ts");
    const n = 5000, d = 6;
    const ints = Int32Array.from({ length: n * d }, (_, i) => (i * 7919) % 2001 - 1000);
    for (const [descr, data] of [["<f8", Float64Array.from(ints, (v) => v / 7)], ["<i4", ints], ["|u1", Uint8Array.from(ints, (v) => v & 255)]] as const) {
      const file = npyFile(descr, data, [n, d]);
      const whole = await readTable("x.npy", file);
      const source = await npyBlocks(new Blob([file]));
      expect([source.dim, source.rows]).toEqual([d, n]);
      const parts = [];
      for await (const b of source.blocks(1234)) parts.push(b.values.slice());
      expect(joined(parts, d), descr).toEqual(whole.values.subarray(1234 * d));
      await expect(npyBlocks(new Blob([file.subarray(0, file.length - 3)]))).rejects.toThrow(`truncated: shape (${n}, ${d}) needs ${n * d} values`);
    }
  });

  it("the command's source cuts them into blocks of exactly chunkRows rows, and resumes from any block's next position", async () => {
    const { openRowSource } = await import("../dist/cli/stream/source.js");
    const file = tmp.write("labelled.csv", text);
    const source = await openRowSource(file, { labelColumn: "name", pieceBytes: 700 });
    const all = [];
    for await (const b of source.blocks(source.start, 37)) all.push({ values: b.values.slice(), n: b.n, next: b.next });
    expect(all.slice(0, -1).every((b) => b.n === 37)).toBe(true);
    expect(all.reduce((a, b) => a + b.n, 0)).toBe(rows);
    const values = joined(all.map((b) => b.values), 3);
    for (const k of [0, 3, 7, all.length - 2]) {
      const rest = [];
      for await (const b of source.blocks(all[k].next, 37)) rest.push(b.values.slice());
      expect(joined(rest, 3), `after block ${k}`).toEqual(values.subarray(all[k].next.row * 3));
    }
  });
});
