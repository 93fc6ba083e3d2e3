// Small generated Parquet, Arrow IPC and JSONL files for the table tests: a few clusters of 8-D points as one
// list column `embedding` (or as numeric columns d0…d7), with an id and a name kept as metadata.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import {
  Field, Float32, Int32, List, makeData, makeVector, Table, tableFromIPC, tableToIPC, Utf8, vectorFromArray, type Vector,
} from "apache-arrow";
import * as pw from "parquet-wasm/esm";

const require = createRequire(import.meta.url);
await pw.default({ module_or_path: readFileSync(require.resolve("parquet-wasm/esm/parquet_wasm_bg.wasm")) });

export const N = 120;
export const D = 8;

/** n × d values in 3 separated clusters, deterministic. */
export function points(n = N, d = D): Float32Array {
  const v = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) v[i * d + j] = (i % 3) * 4 + Math.sin(i * 7.1 + j * 1.3);
  return v;
}

export function listVector(values: Float32Array, n: number, d: number): Vector {
  const child = makeData({ type: new Float32(), length: n * d, data: values, nullCount: 0 });
  const valueOffsets = Int32Array.from({ length: n + 1 }, (_, i) => i * d);
  return makeVector(makeData({ type: new List(new Field("item", new Float32(), true)), length: n, valueOffsets, child, nullCount: 0 }));
}

export function metadataColumns(n = N): Record<string, Vector> {
  return {
    id: vectorFromArray(Array.from({ length: n }, (_, i) => i * 10), new Int32()),
    name: vectorFromArray(Array.from({ length: n }, (_, i) => `point ${i} (${["a", "b", "c"][i % 3]})`), new Utf8()),
  };
}

/** The list-column table: id, name, embedding. */
export function listTable(values = points()): Table {
  return new Table({ ...metadataColumns(), embedding: listVector(values, N, D) });
}

/** The numeric-columns table: id, name, d0 … d7 (id is numeric too, so it is named as the label). */
export function columnsTable(values = points()): Table {
  const columns: Record<string, Vector> = { name: metadataColumns().name };
  for (let j = 0; j < D; j++) columns[`d${j}`] = vectorFromArray(Array.from({ length: N }, (_, i) => values[i * D + j]), new Float32());
  return new Table(columns);
}

export function parquetOf(table: Table, rowGroup = 50): Uint8Array {
  const props = new pw.WriterPropertiesBuilder().setMaxRowGroupSize(rowGroup).build();
  return pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, "stream")), props);
}

export function arrowOf(table: Table, stream = false): Uint8Array {
  return tableToIPC(table, stream ? "stream" : "file");
}

export function jsonlOf(rows: Record<string, unknown>[]): string {
  return rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

export function listRows(values = points()): Record<string, unknown>[] {
  return Array.from({ length: N }, (_, i) => ({ id: i * 10, name: `point ${i} (${["a", "b", "c"][i % 3]})`, embedding: Array.from(values.subarray(i * D, i * D + D)) }));
}

/** A Parquet or Arrow file's table. */
export function readBack(bytes: Uint8Array, parquet: boolean): Table {
  return tableFromIPC(parquet ? pw.readParquet(bytes).intoIPCStream() : bytes);
}
