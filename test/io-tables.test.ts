// Parquet, Arrow IPC (file and stream) and JSONL through `cne embed`: the vector from one list column (found,
// or named by --vector-column) or from the numeric columns; the other columns kept and written back beside
// x and y in Parquet and Arrow; one-line refusals that name the problem; and the page's reader agreeing with
// the command line's on the same files.
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Bool, Field, Float32, Int32, List, makeData, makeVector, Table, Utf8, vectorFromArray } from "apache-arrow";
import { runCli, tempDir } from "./cli/files.ts";
import { arrowOf, columnsTable, D, jsonlOf, listRows, listTable, listVector, metadataColumns, N, parquetOf, points, readBack } from "./io-files.ts";
import { readTable as readInPage } from "../explorer/src/parse.ts";
import { setParquetWasm } from "../bindings/io/parquet-source.ts";
import { readTable as readInCli } from "../dist/cli/read.js";
import { createRequire } from "node:module";

setParquetWasm(() => readFileSync(createRequire(import.meta.url).resolve("parquet-wasm/esm/parquet_wasm_bg.wasm")));

const tmp = tempDir();
afterAll(() => tmp.remove());

const FAST = ["--epochs", "60", "--seed", "7", "--quiet", "--threads", "1"];

tmp.write("list.parquet", parquetOf(listTable()));
tmp.write("list.arrow", arrowOf(listTable()));
tmp.write("list.arrows", arrowOf(listTable(), true));
tmp.write("list.jsonl", jsonlOf(listRows()));
tmp.write("columns.parquet", parquetOf(columnsTable()));
tmp.write("columns.arrow", arrowOf(columnsTable()));

/** A file's bytes as the page gets them from a drop: an ArrayBuffer of exactly the file. */
function fileBuffer(name: string): ArrayBuffer {
  const bytes = readFileSync(tmp.path(name));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function embed(input: string, out: string, ...extra: string[]): Table {
  const result = runCli(["embed", input, "--out", out, ...FAST, ...extra], tmp.dir);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return readBack(readFileSync(tmp.path(out)), out.endsWith(".parquet"));
}

function xyOf(table: Table): Float32Array {
  const x = table.getChild("x")!.toArray() as Float32Array;
  const y = table.getChild("y")!.toArray() as Float32Array;
  return Float32Array.from({ length: 2 * x.length }, (_, i) => (i % 2 === 0 ? x[i >> 1] : y[i >> 1]));
}

function expectMetadataKept(table: Table): void {
  expect(table.numRows).toBe(N);
  expect(table.schema.fields.map((f) => f.name)).toEqual(["id", "name", "x", "y"]);
  expect(String(table.schema.fields[2].type)).toBe("Float32");
  const ids = Array.from(table.getChild("id")!.toArray() as ArrayLike<number>, Number);
  expect(ids).toEqual(Array.from({ length: N }, (_, i) => i * 10));
  expect(table.getChild("name")!.get(5)).toBe("point 5 (c)");
  expect(xyOf(table).every(Number.isFinite)).toBe(true);
}

describe("cne embed round-trips the columnar formats", () => {
  const layouts: Record<string, Float32Array> = {};
  for (const input of ["list.parquet", "list.arrow", "list.arrows", "list.jsonl"]) {
    for (const out of [".parquet", ".arrow"]) {
      it(`${input} → ${out}: the metadata columns, then x and y`, () => {
        const table = embed(input, `out-${input}${out}`);
        expectMetadataKept(table);
        layouts[`${input}${out}`] = xyOf(table);
      });
    }
  }
  it("every input format gives the same layout, bit for bit (the same float32 vectors in)", () => {
    const first = Object.values(layouts)[0];
    expect(Object.keys(layouts).length).toBe(8);
    for (const [name, layout] of Object.entries(layouts)) expect(layout, name).toEqual(first);
  });
  it("clusters stay apart in the layout (the vectors were read, not zeros)", () => {
    const xy = layouts["list.parquet.parquet"];
    const centre = [0, 1, 2].map((c) => {
      let x = 0, y = 0, m = 0;
      for (let i = c; i < N; i += 3) (x += xy[2 * i]), (y += xy[2 * i + 1]), m++;
      return [x / m, y / m];
    });
    expect(Math.hypot(centre[0][0] - centre[1][0], centre[0][1] - centre[1][1])).toBeGreaterThan(1);
  });
  it("the numeric-columns form gives the list form's layout, and keeps the string column", () => {
    for (const input of ["columns.parquet", "columns.arrow"]) {
      const table = embed(input, `out-${input}.parquet`);
      expect(table.schema.fields.map((f) => f.name)).toEqual(["name", "x", "y"]);
      expect(xyOf(table)).toEqual(layouts["list.parquet.parquet"]);
    }
  });
  it("writes an Arrow IPC stream for .arrows, and a CSV/NPY layout from a Parquet input as before", () => {
    const table = embed("list.parquet", "out.arrows");
    expectMetadataKept(table);
    const csv = runCli(["embed", "list.parquet", "--out", "out.csv", ...FAST], tmp.dir);
    expect(csv.status).toBe(0);
    expect(readFileSync(tmp.path("out.csv"), "utf8").trim().split("\n")).toHaveLength(N);
  });
  it("--label-column by name keeps that column among the metadata", () => {
    const table = embed("list.parquet", "labelled.parquet", "--label-column", "name");
    expectMetadataKept(table);
  });
});

describe("--vector-column", () => {
  const values = points();
  const reversed = points().reverse();
  tmp.write("two.parquet", parquetOf(new Table({ ...metadataColumns(), a: listVector(values, N, D), b: listVector(reversed, N, D) })));
  it("two list columns: refused, naming both and the flag", () => {
    const result = runCli(["embed", "two.parquet", "--out", "o.parquet", ...FAST], tmp.dir);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^cne: two\.parquet: 2 list columns of numbers \("a", "b"\): name the vector with --vector-column$/);
  });
  it("named: reads that column, and writes the other list column back as metadata", () => {
    const a = embed("two.parquet", "a.parquet", "--vector-column", "a");
    const b = embed("two.parquet", "b.parquet", "--vector-column", "b");
    expect(a.schema.fields.map((f) => f.name)).toEqual(["id", "name", "b", "x", "y"]);
    expect(xyOf(a)).toEqual(xyOf(embed("list.parquet", "list-again.parquet")));
    expect(xyOf(b)).not.toEqual(xyOf(a));
  });
  it("a name that is not a column, or not a list column, is refused by name", () => {
    const missing = runCli(["embed", "two.parquet", "--out", "o.parquet", "--vector-column", "vec", ...FAST], tmp.dir);
    expect(missing.stderr.trim()).toMatch(/no column named "vec" for the vector \(columns: "id", "name", "a", "b"\)/);
    const scalar = runCli(["embed", "two.parquet", "--out", "o.parquet", "--vector-column", "name", ...FAST], tmp.dir);
    expect(scalar.stderr.trim()).toMatch(/column "name" is Utf8, not a list of numbers/);
  });
});

describe("refusals name the problem", () => {
  const n = N;
  const ragged = makeData({
    type: new List(new Field("item", new Float32(), true)), length: n, nullCount: 0,
    valueOffsets: Int32Array.from({ length: n + 1 }, (_, i) => i * D - (i > 40 ? 1 : 0)),
    child: makeData({ type: new Float32(), length: n * D, data: points(), nullCount: 0 }),
  });
  const nullMask = new Uint8Array(Math.ceil(n / 8)).fill(0xff);
  nullMask[1] &= ~(1 << 1); // row 9
  const withNull = makeData({
    type: new List(new Field("item", new Float32(), true)), length: n, nullCount: 1, nullBitmap: nullMask,
    valueOffsets: Int32Array.from({ length: n + 1 }, (_, i) => i * D),
    child: makeData({ type: new Float32(), length: n * D, data: points(), nullCount: 0 }),
  });
  const words = vectorFromArray(Array.from({ length: n }, (_, i) => [`w${i}`, "v"]), new List(new Field("item", new Utf8(), true)));
  const cases: [string, Table | string, RegExp][] = [
    ["no-vector.parquet", new Table({ name: metadataColumns().name, flag: vectorFromArray(Array.from({ length: n }, (_, i) => i % 2 === 0), new Bool()) }), /no vector column: no list column of numbers and no numeric columns \(columns: "name", "flag"\)/],
    ["ragged.parquet", new Table({ embedding: makeVector(ragged) }), /row 40 \(0-based\): ragged vector column "embedding": 7 values, expected 8 \(as in row 0\)/],
    ["ragged.arrow", new Table({ embedding: makeVector(ragged) }), /row 40 \(0-based\): ragged vector column "embedding": 7 values, expected 8/],
    ["null.arrow", new Table({ embedding: makeVector(withNull) }), /row 9 \(0-based\): null in the vector column "embedding"/],
    ["null.parquet", new Table({ embedding: makeVector(withNull) }), /row 9 \(0-based\): null in the vector column "embedding"/],
    ["words.parquet", new Table({ tokens: words }), /no vector column: "tokens" is a list of Utf8, not of numbers, and no column is numeric/],
    ["ragged.jsonl", jsonlOf([{ v: [1, 2, 3] }, { v: [1, 2, 3] }, { v: [4, 5] }, { v: [1, 2, 3] }]), /row 2 \(0-based\): ragged vector column "v": 2 values, expected 3/],
    ["null.jsonl", jsonlOf([{ v: [1, 2] }, { v: null }, { v: [1, 2] }, { v: [3, 4] }]), /row 1 \(0-based\): null in the vector column "v"/],
    ["bad.jsonl", '{"v": [1, 2]}\n{"v": [1, 2}\n', /line 2: invalid JSON/],
  ];
  for (const [name, content, message] of cases) {
    const bytes = typeof content === "string" ? content : name.endsWith(".parquet") ? parquetOf(content) : arrowOf(content);
    tmp.write(name, bytes);
    it(`${name}: ${message.source.slice(0, 60)}`, async () => {
      const result = runCli(["embed", name, "--out", "o.parquet", ...FAST, "--k", "2"], tmp.dir);
      expect(result.status).toBe(1);
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^cne: ${name.replace(".", "\\.")}: `));
      expect(lines[0]).toMatch(message);
      // the page's reader refuses the same file with the same words
      await expect(readInPage(name, fileBuffer(name), null)).rejects.toThrow(message);
    });
  }
});

describe("the page's reader agrees with the command line's", () => {
  for (const name of ["list.parquet", "list.arrow", "list.arrows", "list.jsonl", "columns.parquet", "columns.arrow"]) {
    it(name, async () => {
      const page = await readInPage(name, fileBuffer(name), "name");
      const cli = await readInCli(tmp.path(name), "name");
      expect([page.n, page.dim]).toEqual([N, D]);
      expect([cli.n, cli.dim]).toEqual([N, D]);
      expect(page.values).toEqual(cli.values);
      expect(page.values).toEqual(points());
      expect(page.labels).toEqual(cli.labels);
      expect(page.labels![4]).toBe("point 4 (b)");
    });
  }
});

describe("DuckDB opens the written Parquet (the layout Embedding Atlas reads: metadata, x, y, neighbors)", () => {
  it("cne embed's output: the metadata columns with their types, x and y as FLOAT", async () => {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    embed("list.jsonl", "duck.parquet", "--label-column", "name");
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    const file = tmp.path("duck.parquet").replaceAll("'", "''");
    const schema = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjects();
    expect(schema.map((r) => [r.column_name, r.column_type])).toEqual([["id", "DOUBLE"], ["name", "VARCHAR"], ["x", "FLOAT"], ["y", "FLOAT"]]);
    const rows = (await connection.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT name) AS names, max(abs(x)) AS mx FROM read_parquet('${file}')`)).getRowObjects();
    expect(Number(rows[0].n)).toBe(N);
    expect(Number(rows[0].names)).toBe(N);
    expect(Number(rows[0].mx)).toBeGreaterThan(0);
    connection.closeSync();
  });
  it("a neighbors column of {ids, distances} per row reads back as STRUCT(ids INTEGER[], distances FLOAT[])", async () => {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const { layoutBytes } = await import("../dist/io/columnar.js");
    const n = 5, k = 2;
    const ids = Int32Array.from({ length: n * k }, (_, i) => (Math.floor(i / k) + 1 + (i % k)) % n);
    const distances = Float32Array.from({ length: n * k }, (_, i) => 0.5 + i);
    const xy = Float32Array.from({ length: 2 * n }, (_, i) => i / 4);
    tmp.write("neighbors.parquet", await layoutBytes("parquet", xy, n, { labels: ["a", "b", "c", "d", "e"], neighbors: { ids, distances, k } }));
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    const file = tmp.path("neighbors.parquet").replaceAll("'", "''");
    const schema = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjects();
    expect(schema.map((r) => [r.column_name, r.column_type])).toEqual([["label", "VARCHAR"], ["x", "FLOAT"], ["y", "FLOAT"], ["neighbors", "STRUCT(ids INTEGER[], distances FLOAT[])"]]);
    const row = (await connection.runAndReadAll(`SELECT label, x, y, neighbors.ids[2] AS id2, neighbors.distances[1] AS d1 FROM read_parquet('${file}') WHERE label = 'c'`)).getRowObjects()[0];
    expect([row.label, row.x, row.y, row.id2, row.d1]).toEqual(["c", xy[4], xy[5], ids[5], distances[4]]);
    connection.closeSync();
  });
});
