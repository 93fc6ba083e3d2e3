// Precomputed neighbours through the command line: --write-neighbors puts the fit's kNN beside x and y as
// Embedding Atlas's `neighbors` column ({ids, distances} per row), --neighbors-column reads one back in place of
// a search (the same layout bits as the run that searched), with one-line refusals of ragged rows, ids out of
// range and a k the column cannot give. And every command's table output (fit, transform streamed and in
// memory, spectrum) keeps the input's other columns before x and y, in files DuckDB opens.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readFileSync } from "node:fs";
import { Field, Float32, Float64, Int32, List, makeData, makeVector, Struct, Table, type Vector } from "apache-arrow";
import { createEmbedding, knn } from "../dist/index.js";
import { runCli, tempDir } from "./cli/files.ts";
import { arrowOf, D, jsonlOf, listRows, listTable, N, parquetOf, points, readBack } from "./io-files.ts";

// most tests run the command line a few times, each a process that loads the library: minutes on a busy machine
vi.setConfig({ testTimeout: 180000, hookTimeout: 180000 });

const tmp = tempDir();
afterAll(() => tmp.remove());

const FAST = ["--epochs", "40", "--seed", "3", "--quiet", "--threads", "1"];
const K = 6;

/** Runs the CLI, expecting success and a silent stderr (but for warnings when `warnings`: n = 120 is small for
 * a spectrum, which says so). */
function run(args: string[], warnings = false): void {
  const result = runCli(args, tmp.dir);
  const lines = result.stderr.split("\n").filter((l) => l !== "");
  expect(warnings ? lines.filter((l) => !l.startsWith("cne: warning: ")) : lines).toEqual([]);
  expect(result.status).toBe(0);
}

function fails(args: string[]): string {
  const result = runCli(args, tmp.dir);
  expect(result.status).toBe(1);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  return lines[0];
}

const read = (name: string) => readBack(readFileSync(tmp.path(name)), name.endsWith(".parquet"));
const names = (table: Table) => table.schema.fields.map((f) => f.name);

function xyOf(table: Table): Float32Array {
  const x = table.getChild("x")!.toArray() as Float32Array;
  const y = table.getChild("y")!.toArray() as Float32Array;
  return Float32Array.from({ length: 2 * x.length }, (_, i) => (i % 2 === 0 ? x[i >> 1] : y[i >> 1]));
}

/** A neighbors column of struct {ids: list<int32>, distances: list<float>} from per-row lists (ragged allowed). */
function neighborsVector(ids: number[][], distances?: number[][]): Vector {
  const n = ids.length;
  const list = (rows: number[][], type: Int32 | Float32 | Float64) => {
    const offsets = new Int32Array(n + 1);
    rows.forEach((r, i) => (offsets[i + 1] = offsets[i] + r.length));
    const values = type instanceof Int32 ? Int32Array.from(rows.flat()) : type instanceof Float32 ? Float32Array.from(rows.flat()) : Float64Array.from(rows.flat());
    const child = makeData({ type, length: values.length, data: values, nullCount: 0 } as never);
    return makeData({ type: new List(new Field("item", type, false)), length: n, valueOffsets: offsets, child, nullCount: 0 });
  };
  const fields = [new Field("ids", new List(new Field("item", new Int32(), false)), false)];
  const children = [list(ids, new Int32())];
  if (distances) {
    fields.push(new Field("distances", new List(new Field("item", new Float32(), false)), false));
    children.push(list(distances, new Float32()));
  }
  return makeVector(makeData({ type: new Struct(fields), length: n, children, nullCount: 0 }));
}

/** The neighbors column of a written table as row lists. */
function rowsOf(table: Table): { ids: number[][]; distances: number[][] } {
  const column = table.getChild("neighbors")!;
  const ids: number[][] = [], distances: number[][] = [];
  for (let i = 0; i < table.numRows; i++) {
    const cell = column.get(i)!;
    ids.push(Array.from(cell.ids.toArray() as Int32Array));
    distances.push(Array.from(cell.distances.toArray() as Float32Array));
  }
  return { ids, distances };
}

const data = points();
let searched: { indices: Int32Array; distances: Float32Array };
let searched15: { indices: Int32Array; distances: Float32Array };
let written: Table;

beforeAll(async () => {
  tmp.write("list.parquet", parquetOf(listTable()));
  tmp.write("list.jsonl", jsonlOf(listRows()));
  searched = await knn(data, { n: N, dim: D, k: K, threads: 1 });
  searched15 = await knn(data, { n: N, dim: D, k: 15, threads: 1 });
  run(["embed", "list.parquet", "--out", "searched.parquet", "--k", String(K), "--write-neighbors", ...FAST]);
  written = read("searched.parquet");
}, 120000);

describe("--write-neighbors", () => {
  it("writes the fit's kNN as {ids, distances} after x and y: the exact search's ids and euclidean distances", () => {
    expect(names(written)).toEqual(["id", "name", "x", "y", "neighbors"]);
    expect(String(written.schema.fields[4].type)).toBe("Struct<{ids:List<Int32>, distances:List<Float32>}>");
    const { ids, distances } = rowsOf(written);
    expect(ids.flat()).toEqual(Array.from(searched.indices));
    expect(Float32Array.from(distances.flat())).toEqual(searched.distances);
    // the distances are the data's euclidean distances (not the core's rescaled or squared ones)
    const [i, j] = [7, ids[7][0]];
    let sum = 0;
    for (let t = 0; t < D; t++) sum += (data[i * D + t] - data[j * D + t]) ** 2;
    expect(distances[7][0]).toBeCloseTo(Math.sqrt(sum), 4);
  });

  it("DuckDB reads it: neighbors as STRUCT(ids INTEGER[], distances FLOAT[])", async () => {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    const file = tmp.path("searched.parquet").replaceAll("'", "''");
    const schema = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjects();
    expect(schema.map((r) => r.column_type)).toEqual(["INTEGER", "VARCHAR", "FLOAT", "FLOAT", "STRUCT(ids INTEGER[], distances FLOAT[])"]);
    const row = (await connection.runAndReadAll(`SELECT len(neighbors.ids) AS k, neighbors.ids[1] AS first FROM read_parquet('${file}') WHERE id = 30`)).getRowObjects()[0];
    expect([Number(row.k), Number(row.first)]).toEqual([K, searched.indices[3 * K]]);
    connection.closeSync();
  });

  it("a t-SNE fit writes its 3 · perplexity neighbours with their distances, as a per-pair fit does; DuckDB reads them", async () => {
    run(["embed", "list.parquet", "--out", "tsne.parquet", "--loss", "tsne", "--perplexity", "5", "--write-neighbors", ...FAST]);
    const table = read("tsne.parquet");
    expect(names(table)).toEqual(["id", "name", "x", "y", "neighbors"]);
    expect(String(table.schema.fields[4].type)).toBe("Struct<{ids:List<Int32>, distances:List<Float32>}>");
    const { ids, distances } = rowsOf(table);
    expect(ids[0].length).toBe(15); // 3 × perplexity
    expect(ids.flat()).toEqual(Array.from(searched15.indices));
    expect(Float32Array.from(distances.flat())).toEqual(searched15.distances);
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    const file = tmp.path("tsne.parquet").replaceAll("'", "''");
    const row = (await connection.runAndReadAll(`SELECT len(neighbors.distances) AS k, neighbors.distances[1] AS nearest FROM read_parquet('${file}') WHERE id = 30`)).getRowObjects()[0];
    expect([Number(row.k), Number(row.nearest)]).toEqual([15, searched15.distances[3 * 15]]);
    connection.closeSync();
  });

  it("a per-pair fit at a t-SNE fit's Z keeps the first k of that fit's neighbours with their distances", async () => {
    const handle = createEmbedding(data, { n: N, dim: D, zBar: "tsne", nEpochs: 20, seed: 3, threads: 1, onWarning: () => {} });
    try {
      await handle.run();
      const graph = handle.knnGraph!;
      expect(graph.indices).toEqual(searched15.indices);
      expect(graph.distances).toEqual(searched15.distances);
    } finally {
      handle.destroy();
    }
  });

  it("needs a table output, and a fit that keeps a kNN graph", () => {
    expect(fails(["embed", "list.parquet", "--out", "o.npy", "--write-neighbors", ...FAST])).toMatch(/o\.npy: --write-neighbors adds a column to a table: write the layout as \.parquet, \.arrow or \.arrows/);
    expect(fails(["fit", "list.parquet", "--save-model", "p.cne", "--parametric", "--out", "p.parquet", "--write-neighbors", ...FAST])).toMatch(/a parametric fit keeps no kNN graph/);
  });
});

describe("--neighbors-column", () => {
  it("round trip: the written neighbors, read back in place of the search, give the same layout bits (Parquet, Arrow)", () => {
    const input = listTable();
    const withNeighbors = new Table({ ...Object.fromEntries(input.schema.fields.map((f) => [f.name, input.getChild(f.name)!])), neighbors: written.getChild("neighbors")! });
    tmp.write("given.parquet", parquetOf(withNeighbors));
    tmp.write("given.arrow", arrowOf(withNeighbors));
    for (const name of ["given.parquet", "given.arrow"]) {
      run(["embed", name, "--out", `${name}.out.parquet`, "--neighbors-column", "neighbors", "--write-neighbors", ...FAST]);
      const again = read(`${name}.out.parquet`);
      expect(names(again)).toEqual(["id", "name", "x", "y", "neighbors"]);
      expect(xyOf(again), name).toEqual(xyOf(written));
      // the neighbours given are the ones written back (k from the column: no --k)
      expect(rowsOf(again)).toEqual(rowsOf(written));
    }
  });

  it("the round trip under manhattan too: the search's L1 distances written, the same bits read back", () => {
    run(["embed", "list.parquet", "--out", "l1.parquet", "--k", String(K), "--metric", "manhattan", "--write-neighbors", ...FAST]);
    const l1 = read("l1.parquet");
    const { ids, distances } = rowsOf(l1);
    let sum = 0;
    for (let t = 0; t < D; t++) sum += Math.abs(data[5 * D + t] - data[ids[5][0] * D + t]);
    expect(distances[5][0]).toBeCloseTo(sum, 4);
    const input = listTable();
    tmp.write("given-l1.parquet", parquetOf(new Table({ ...Object.fromEntries(input.schema.fields.map((f) => [f.name, input.getChild(f.name)!])), neighbors: l1.getChild("neighbors")! })));
    run(["embed", "given-l1.parquet", "--out", "given-l1.out.parquet", "--metric", "manhattan", "--neighbors-column", "neighbors", ...FAST]);
    expect(xyOf(read("given-l1.out.parquet"))).toEqual(xyOf(l1));
  });

  it("Embedding Atlas's form, each row listing itself first at distance 0, from JSONL too: the same bits", () => {
    const { ids, distances } = rowsOf(written);
    const rows = listRows().map((r, i) => ({ ...r, neighbors: { ids: [i, ...ids[i]], distances: [0, ...distances[i]] } }));
    tmp.write("atlas.jsonl", jsonlOf(rows));
    run(["embed", "atlas.jsonl", "--out", "atlas.arrow", "--neighbors-column", "neighbors", ...FAST]);
    const again = read("atlas.arrow");
    expect(xyOf(again)).toEqual(xyOf(written));
    // without --write-neighbors the input's own neighbors column is kept as it was
    expect(names(again)).toEqual(["id", "name", "neighbors", "x", "y"]);
    // --k smaller than the column's: the nearest k of each row (a different graph, so another layout)
    run(["embed", "atlas.jsonl", "--out", "atlas-k3.parquet", "--neighbors-column", "neighbors", "--k", "3", "--write-neighbors", ...FAST]);
    expect(rowsOf(read("atlas-k3.parquet")).ids).toEqual(ids.map((r) => r.slice(0, 3)));
  });

  it("fit and spectrum read it too: fit's layout is embed's", () => {
    run(["fit", "given.parquet", "--save-model", "given.cne", "--out", "fit-given.parquet", "--neighbors-column", "neighbors", ...FAST]);
    expect(xyOf(read("fit-given.parquet"))).toEqual(xyOf(written));
    run(["spectrum", "given.parquet", "--out", "sp-given.parquet", "--s", "0,1", "--neighbors-column", "neighbors", ...FAST], true);
    expect(names(read("sp-given-s1.parquet"))).toEqual(["id", "name", "neighbors", "x", "y"]);
  });

  const n = N;
  const base = Array.from({ length: n }, (_, i) => [(i + 1) % n, (i + 2) % n, (i + 3) % n]);
  const withColumn = (column: Vector) => new Table({ id: listTable().getChild("id")!, embedding: listTable().getChild("embedding")!, neighbors: column });
  const refusals: [string, Table | string, string[], RegExp][] = [
    ["ragged.parquet", withColumn(neighborsVector(base.map((r, i) => (i === 17 ? r.slice(0, 2) : r)))), [], /row 17 \(0-based\): the neighbors column "neighbors" lists 2 ids, but row 0 lists 3: every row needs the same number of neighbours/],
    ["range.parquet", withColumn(neighborsVector(base.map((r, i) => (i === 40 ? [r[0], n + 5, r[2]] : r)))), [], new RegExp(`row 40 \\(0-based\\): the neighbors column "neighbors" has id ${n + 5}, not a row number in \\[0, ${n}\\)`)],
    ["lengths.arrow", withColumn(neighborsVector(base, base.map((r, i) => (i === 9 ? [1, 2] : [1, 2, 3])))), [], /row 9 \(0-based\): the neighbors column "neighbors" has 3 ids but 2 distances/],
    ["negative.arrow", withColumn(neighborsVector(base, base.map((r, i) => (i === 2 ? [1, -2, 3] : [1, 2, 3])))), [], /row 2 \(0-based\): the neighbors column "neighbors" has distance -2, not a finite non-negative number/],
    ["three.parquet", withColumn(neighborsVector(base)), ["--k", "5"], /row 0 \(0-based\): the neighbors column "neighbors" lists only 3 neighbours besides itself, fewer than k = 5/],
    ["shape.parquet", listTable(), ["--neighbors-column", "name"], /column "name" is Utf8, not \{ids, distances\} lists of numbers/],
    ["missing.parquet", listTable(), ["--neighbors-column", "nb"], /no column named "nb" for the neighbours/],
    ["plain.csv", Array.from({ length: 20 }, (_, i) => `${i},${i % 3}`).join("\n") + "\n", [], /a neighbors column is read from Parquet, Arrow or JSONL tables, not from \.csv/],
  ];
  for (const [name, content, flags, message] of refusals) {
    it(`refuses ${name}: ${message.source.slice(0, 50)}`, () => {
      tmp.write(name, typeof content === "string" ? content : name.endsWith(".parquet") ? parquetOf(content) : arrowOf(content));
      const line = fails(["embed", name, "--out", "o.parquet", "--neighbors-column", "neighbors", ...flags, ...FAST]);
      expect(line).toMatch(new RegExp(`^cne: ${name.replace(".", "\\.")}: `));
      expect(line).toMatch(message);
    });
  }
});

describe("every table output keeps the input's other columns", () => {
  beforeAll(() => {
    run(["fit", "list.parquet", "--save-model", "m.cne", "--out", "fit.parquet", ...FAST]);
  }, 120000);

  it("cne fit --out .parquet: id, name, x, y, the layout of cne embed with the same flags", () => {
    const fit = read("fit.parquet");
    expect(names(fit)).toEqual(["id", "name", "x", "y"]);
    run(["embed", "list.parquet", "--out", "embed.parquet", ...FAST]);
    expect(xyOf(fit)).toEqual(xyOf(read("embed.parquet")));
  });

  it("cne transform, streamed (Parquet by row group, Arrow by batch) and in memory (JSONL): the columns, then the .npy's positions", () => {
    run(["transform", "m.cne", "list.parquet", "--out", "placed.npy", "--quiet"]);
    const npy = readFileSync(tmp.path("placed.npy"));
    const positions = new Float32Array(npy.buffer.slice(npy.byteOffset + 128, npy.byteOffset + npy.length));
    tmp.write("list.arrows", arrowOf(listTable(), true));
    for (const [input, out] of [["list.parquet", "placed.parquet"], ["list.arrows", "placed.arrow"], ["list.jsonl", "placed-jsonl.parquet"]]) {
      run(["transform", "m.cne", input, "--out", out, "--chunk-rows", "32", "--quiet"]);
      const table = read(out);
      expect(names(table), out).toEqual(["id", "name", "x", "y"]);
      expect(Array.from(table.getChild("id")!.toArray() as ArrayLike<number>, Number)).toEqual(Array.from({ length: N }, (_, i) => i * 10));
      expect(xyOf(table), out).toEqual(positions);
    }
    // no partial file or journal is left
    expect(() => readFileSync(tmp.path("placed.parquet.partial"))).toThrow();
  });

  it("cne spectrum --out prefix.parquet: one table per s, each id, name, x, y", () => {
    run(["spectrum", "list.parquet", "--out", "sp.parquet", "--s", "0,1", ...FAST], true);
    const [s0, s1] = [read("sp-s0.parquet"), read("sp-s1.parquet")];
    expect(names(s0)).toEqual(["id", "name", "x", "y"]);
    expect(names(s1)).toEqual(["id", "name", "x", "y"]);
    expect(s1.getChild("name")!.get(4)).toBe("point 4 (b)");
    expect(xyOf(s1)).not.toEqual(xyOf(s0));
  });

  it("DuckDB opens the transform's and the spectrum's tables, all s at once by a glob", async () => {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    const path = (name: string) => tmp.path(name).replaceAll("'", "''");
    const placed = (await connection.runAndReadAll(`SELECT count(*) AS n, min(id) AS lo FROM read_parquet('${path("placed.parquet")}')`)).getRowObjects()[0];
    expect([Number(placed.n), Number(placed.lo)]).toEqual([N, 0]);
    const all = (await connection.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT filename) AS files FROM read_parquet('${path("sp-s*.parquet")}', filename = true)`)).getRowObjects()[0];
    expect([Number(all.n), Number(all.files)]).toEqual([2 * N, 2]);
    connection.closeSync();
  });
});
