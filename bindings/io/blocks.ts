// Row blocks of a Parquet or Arrow file's vector column, from a given row on, for the streamed transform:
// Parquet is read one row group at a time from a Blob (never whole), Arrow one record batch at a time (its
// batches are views of the file's bytes). Each block is a fresh n × dim float32 matrix.

import { tableFromIPC } from "apache-arrow";
import { fail } from "./errors.ts";
import { readArrowIpc } from "./arrow-ipc.ts";
import { loadParquet } from "./parquet.ts";
import { chooseVectorColumns, copyListColumn, copyNumericColumns, type VectorChoice } from "./vector-column.ts";
import type { Table as ArrowTable } from "apache-arrow";

export interface VectorBlock {
  values: Float32Array;
  n: number;
}

export interface VectorBlocks {
  /** values per row */
  dim: number;
  /** rows in the file */
  rows: number;
  /** blocks of the vector from row `from` on, in file order (a row group or record batch at most each) */
  blocks(from: number): AsyncGenerator<VectorBlock, void, undefined>;
}

function widthOf(table: ArrowTable, names: readonly string[], kind: "list" | "columns"): number {
  if (kind === "columns") return names.length;
  const first = table.getChild(names[0])!.data.find((d) => d.length > 0);
  if (!first) fail("no data rows");
  if ("listSize" in first.type) return first.type.listSize as number;
  const offsets = first.valueOffsets as Int32Array;
  return offsets[first.offset + 1] - offsets[first.offset];
}

/** The vector of a table's rows as one n × dim matrix; `rowBase` places errors in the file. */
function vectorOf(table: ArrowTable, names: readonly string[], kind: "list" | "columns", dim: number, rowBase: number): Float32Array {
  const values = new Float32Array(table.numRows * dim);
  if (kind === "list") copyListColumn(names[0], table.getChild(names[0])!.data, values, rowBase, dim);
  else copyNumericColumns(table, names, values, rowBase);
  return values;
}

export async function parquetBlocks(blob: Blob, choice: VectorChoice): Promise<VectorBlocks> {
  const pw = await loadParquet();
  let file: Awaited<ReturnType<typeof pw.ParquetFile.fromFile>>;
  try {
    file = await pw.ParquetFile.fromFile(blob);
  } catch (error) {
    fail(`not a readable Parquet file: ${error instanceof Error ? error.message : String(error)}`);
  }
  const meta = file.metadata();
  const groupRows = Array.from({ length: meta.numRowGroups() }, (_, g) => meta.rowGroup(g).numRows());
  const rows = groupRows.reduce((a, b) => a + b, 0);
  if (rows === 0) fail("no data rows");
  const head = tableFromIPC((await file.read({ rowGroups: [0], limit: 1 })).intoIPCStream());
  const layout = chooseVectorColumns(head.schema.fields, choice);
  const dim = widthOf(head, layout.names, layout.kind);
  return {
    dim,
    rows,
    async *blocks(from) {
      let start = 0;
      for (let g = 0; g < groupRows.length; start += groupRows[g], g++) {
        if (start + groupRows[g] <= from) continue;
        const part = tableFromIPC((await file.read({ rowGroups: [g], columns: layout.names })).intoIPCStream());
        const values = vectorOf(part, layout.names, layout.kind, dim, start);
        const skip = Math.max(0, from - start);
        yield { values: values.subarray(skip * dim), n: part.numRows - skip };
      }
    },
  };
}

export function arrowBlocks(bytes: Uint8Array, choice: VectorChoice): VectorBlocks {
  let table: ArrowTable;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    fail(`not a readable Arrow IPC file or stream: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (table.numRows === 0) fail("no data rows");
  const layout = chooseVectorColumns(table.schema.fields, choice);
  const dim = widthOf(table, layout.names, layout.kind);
  return {
    dim,
    rows: table.numRows,
    async *blocks(from) {
      let start = 0;
      for (const batch of table.batches) {
        const length = batch.numRows;
        if (start + length > from && length > 0) {
          const part = table.slice(start, start + length);
          const values = vectorOf(part, layout.names, layout.kind, dim, start);
          const skip = Math.max(0, from - start);
          yield { values: values.subarray(skip * dim), n: length - skip };
        }
        start += length;
      }
    },
  };
}

/** The columns of a Parquet or Arrow file other than its vector (undefined when there are none), read once:
 * what the streamed transform writes back beside x and y. Parquet reads only those columns. */
export async function metadataColumns(format: "parquet" | "arrow" | "arrows", blob: Blob, choice: VectorChoice): Promise<ArrowTable | undefined> {
  if (format !== "parquet") {
    const table = readArrowIpc(new Uint8Array(await blob.arrayBuffer()));
    const layout = chooseVectorColumns(table.schema.fields, choice);
    const others = table.schema.fields.map((f) => f.name).filter((name) => !layout.names.includes(name));
    return others.length > 0 ? table.select(others) : undefined;
  }
  const pw = await loadParquet();
  const file = await pw.ParquetFile.fromFile(blob);
  try {
    const head = tableFromIPC((await file.read({ rowGroups: [0], limit: 1 })).intoIPCStream());
    const layout = chooseVectorColumns(head.schema.fields, choice);
    const others = head.schema.fields.map((f) => f.name).filter((name) => !layout.names.includes(name));
    return others.length > 0 ? tableFromIPC((await file.read({ columns: others })).intoIPCStream()) : undefined;
  } finally {
    file.free();
  }
}
