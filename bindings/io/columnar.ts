// The columnar formats' readers and writers in one module, imported lazily by table.ts and write.ts: a page
// that opens a CSV never loads apache-arrow or the Parquet wasm.

import type { Table as ArrowTable } from "apache-arrow";
import { readArrowIpc } from "./arrow-ipc.ts";
import { tableFromArrow } from "./arrow-table.ts";
import { arrowBytes, layoutTable, type LayoutColumns } from "./arrow-write.ts";
import { readJsonl } from "./jsonl.ts";
import { parquetBytes, readParquet } from "./parquet.ts";
import type { ReadOptions, Table } from "./types.ts";

export function readArrowTable(bytes: Uint8Array, options: ReadOptions): Table {
  return tableFromArrow(readArrowIpc(bytes), options);
}

export function readJsonlTable(bytes: Uint8Array, options: ReadOptions): Table {
  return tableFromArrow(readJsonl(bytes), options);
}

export function readParquetTable(data: Blob | Uint8Array, options: ReadOptions): Promise<Table> {
  return readParquet(data, options);
}

/** The layout and the input's metadata as Parquet or Arrow IPC bytes. */
export async function layoutBytes(format: "parquet" | "arrow" | "arrows", xy: Float32Array, n: number, columns: LayoutColumns): Promise<Uint8Array> {
  const table: ArrowTable = layoutTable(xy, n, columns);
  return format === "parquet" ? parquetBytes(table) : arrowBytes(table, format === "arrows");
}

export { layoutTable, type LayoutColumns };
