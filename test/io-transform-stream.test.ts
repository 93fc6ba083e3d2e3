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

  it("lone CR (old Mac) and mixed LF, CR LF, CR line ends: pieces cut at every kind, the whole-file reader's rows and lines", async () => {
    const { readTable } = await import("../dist/io/index.js");
    const { blocks: textBlocks } = await import("../dist/io/text.js");
    const { delimitedBlocks } = await import("../dist/io/delimited-blocks.js");
    const whole = await readTable("t.csv", new TextEncoder().encode(text), { labelColumn: "name" });
    // in this order a CR is never followed by an LF of the next line end (a blank line between would merge)
    const ends = ["\r", "\r\n", "\n"];
    let k = 0;
    const variants = { "CR only": text.replace(/\r?\n/g, "\r"), mixed: text.replace(/\r?\n/g, () => ends[k++ % 3]) };
    for (const [name, variant] of Object.entries(variants)) {
      const bytes = new TextEncoder().encode(variant);
      const again = await readTable("t.csv", bytes, { labelColumn: "name" });
      expect(again.values, name).toEqual(whole.values);
      const oneBreak = (labels: string[]) => labels.map((l) => l.replace(/\r\n?|\n/g, "\n"));
      expect(oneBreak(again.labels!), name).toEqual(oneBreak(whole.labels!));
      expect(again.lines, name).toEqual(whole.lines);
      // the whole-file reader's blocks end at line ends outside quotes (not at LF only: one block of it all)
      const cut = [...textBlocks(bytes, 300)];
      expect(cut.length, name).toBeGreaterThan(20);
      expect(Buffer.concat(cut.map((b) => b.bytes))).toEqual(Buffer.from(bytes));
      // delivered 7 bytes at a time, so that a CR often ends what has arrived and its LF comes next
      const chunked = (from: number) => ({
        stream: new ReadableStream<Uint8Array>({
          start(controller) {
            for (let at = from; at < bytes.length; at += 7) controller.enqueue(bytes.slice(at, at + 7));
            controller.close();
          },
        }),
        readFraction: (textByte: number) => textByte / bytes.length,
      });
      const source = await delimitedBlocks(chunked, { delimiter: ",", labelColumn: "name", pieceBytes: 700 });
      const blocks = [];
      for await (const b of source.blocks(source.start)) blocks.push({ ...b, values: b.values.slice() });
      expect(blocks.length, `${name}: many pieces`).toBeGreaterThan(10);
      expect(joined(blocks.map((b) => b.values), 3), name).toEqual(whole.values);
      for (const b of blocks) expect(bytes[b.end.byte - 1] === 13 && bytes[b.end.byte] === 10, `${name}: a cut between CR and LF`).toBe(false);
      for (let j = 1; j < blocks.length; j++) expect(blocks[j].start).toEqual(blocks[j - 1].end);
      expect(blocks.at(-1)!.end.line).toBe(text.split("\n").length);
      const from = blocks[6].start;
      const rest = [];
      for await (const b of source.blocks(from)) rest.push(b.values.slice());
      expect(joined(rest, 3), `${name}: from block 6`).toEqual(whole.values.subarray(from.row * 3));
    }
  });

  it("a bad row after lone CRs is named by its line", async () => {
    const { delimitedBlocks, blobText } = await import("../dist/io/delimited-blocks.js");
    const lines = Array.from({ length: 300 }, (_, i) => `${i},${i % 7},${i % 11}`);
    lines[250] += ",9";
    const source = await delimitedBlocks(blobText(new Blob([lines.join("\r") + "\r"]), false), { delimiter: ",", pieceBytes: 300 });
    const drain = async () => {
      for await (const _ of source.blocks(source.start)) { /* read */ }
    };
    await expect(drain()).rejects.toThrow("line 251: ragged row: 4 fields, expected 3 (as in line 1)");
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

describe("progress of a streamed text input", () => {
  // 40,000 rows of 8 random values: 3 MB of text, 1.4 MB gzipped, read by the blob stream in many chunks
  let a = 7;
  const random = () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5).toFixed(7);
  const text = Array.from({ length: 40000 }, () => Array.from({ length: 8 }, random).join(",")).join("\n") + "\n";

  /** The `read` of each block the streamed transform writes, and what runStream reports, for `file`. */
  async function fractions(file: string): Promise<{ blocks: number[]; reported: number[]; rows: number }> {
    const { openRowSource } = await import("../dist/cli/stream/source.js");
    const { runStream } = await import("../dist/cli/stream/run.js");
    const source = await openRowSource(file, { pieceBytes: 64 * 1024 });
    const blocks: number[] = [];
    for await (const b of source.blocks(source.start, 500)) blocks.push(b.read);
    const reported: number[] = [];
    const sink = { rowsDone: 0, next: undefined, append: async () => {}, finish: async () => {}, close: async () => {} };
    const rows = await runStream(source, sink, async (_values, n) => new Float32Array(2 * n), { chunkRows: 500, window: 1, onRows: (_done, read) => reported.push(read) });
    return { blocks, reported, rows };
  }

  function expectRisingToOne(values: number[], what: string): void {
    expect(values.length, what).toBeGreaterThan(20);
    for (let i = 1; i < values.length; i++) expect(values[i], `${what}: block ${i} after ${values[i - 1]}`).toBeGreaterThanOrEqual(values[i - 1]);
    expect(values.every((v) => v >= 0 && v <= 1), what).toBe(true);
    expect(values.at(-1), what).toBe(1);
    // it rises through the run rather than jumping to the end: a tenth of the blocks in, a small part is read
    expect(values[Math.floor(values.length / 10)], what).toBeLessThan(0.3);
    expect(new Set(values).size, `${what}: distinct values`).toBeGreaterThan(10);
  }

  it("gzipped CSV: the text's bytes of its size by the gzip trailer, rising to 1 (not the text's bytes against the compressed size)", async () => {
    const { gzipSync } = await import("node:zlib");
    const file = tmp.write("progress.csv.gz", gzipSync(text));
    const { blocks, reported, rows } = await fractions(file);
    expect(rows).toBe(40000);
    expectRisingToOne(blocks, "blocks");
    expectRisingToOne(reported, "runStream");
  });

  it("gzipped CSV of two members (the trailer gives the last one's size): never falls, never passes 1, ends at 1", async () => {
    const { gzipSync } = await import("node:zlib");
    const cut = text.indexOf("\n", text.length - 2000) + 1;
    const file = tmp.write("members.csv.gz", Buffer.concat([gzipSync(text.slice(0, cut)), gzipSync(text.slice(cut))]));
    const { blocks, reported, rows } = await fractions(file);
    expect(rows).toBe(40000);
    for (const values of [blocks, reported]) {
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
      expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(values.at(-1)).toBe(1);
    }
  });

  it("plain CSV: the text's bytes through each block of the file's size", async () => {
    const file = tmp.write("progress.csv", text);
    const { blocks } = await fractions(file);
    expectRisingToOne(blocks, "blocks");
    const { openRowSource } = await import("../dist/cli/stream/source.js");
    const source = await openRowSource(file, { pieceBytes: 64 * 1024 });
    // a block's rows were read with the piece they end in: from its row boundary (where a resume starts) to the
    // piece's end, at most a piece or two of text further on
    for await (const b of source.blocks(source.start, 4096)) {
      expect(b.read * text.length).toBeGreaterThanOrEqual(b.next.byte);
      expect(b.read * text.length).toBeLessThanOrEqual(b.next.byte + 3 * 64 * 1024);
    }
  });
});
