// Reading a dropped or fetched file into a table in the browser: the same reader as the command line
// (bindings/io), so the page opens the same formats (.npy, .csv, .tsv, .json, text optionally gzipped; .parquet,
// .arrow/.arrows and .jsonl, whose libraries load only when such a file is opened) with the
// same header rule and the same refusals. `label` is a column name, a 0-based index, "last", "auto" (the
// first column of words) or null / −1 for none; `vector` names the list column that holds the vector (null: the
// reader's default, the only one). The layout is written back the same way (Parquet, Arrow with the file's other
// columns).

import { readTable as readBytes, TableError, writeTableBytes, type Table } from "../../bindings/io/index.ts";

export { TableError, writeTableBytes, type Table };

export function readTable(name: string, bytes: ArrayBuffer, label: string | number | null, vector: string | null = null): Promise<Table> {
  return readBytes(name, new Uint8Array(bytes), { labelColumn: label, ...(vector !== null && { vectorColumn: vector }) });
}
