// Parquet through parquet-wasm (Arrow's Rust reader and writer, compiled to WebAssembly): loaded only when a
// Parquet file is read or written, and read one row group at a time from a Blob (a file on disk in Node, a
// dropped File in the page), so memory holds the file's vector once, not the file's bytes beside it.

import { tableFromIPC, tableToIPC, type Table as ArrowTable } from "apache-arrow";
import type * as ParquetWasm from "parquet-wasm/esm";
import { fail } from "./errors.ts";
import { neighboursOfColumn } from "./neighbors-column.ts";
import { chooseVectorColumns, copyListColumn, copyNumericColumns, labelsOf } from "./vector-column.ts";
import type { ReadOptions, Table } from "./types.ts";

import { parquetWasmSource } from "./parquet-source.ts";

type ParquetModule = typeof ParquetWasm;

let loading: Promise<ParquetModule> | undefined;

export function loadParquet(): Promise<ParquetModule> {
  loading ??= (async () => {
    const module = await import("parquet-wasm/esm");
    await module.default({ module_or_path: await parquetWasmSource() });
    return module;
  })();
  return loading;
}

function arrowOf(table: ParquetWasm.Table): ArrowTable {
  return tableFromIPC(table.intoIPCStream());
}

async function openFile(pw: ParquetModule, blob: Blob): Promise<ParquetWasm.ParquetFile> {
  try {
    return await pw.ParquetFile.fromFile(blob);
  } catch (error) {
    fail(`not a readable Parquet file: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A Parquet file as a table: the vector column read row group by row group, the other columns once. */
export async function readParquet(data: Blob | Uint8Array, options: ReadOptions): Promise<Table> {
  const pw = await loadParquet();
  const blob = data instanceof Uint8Array ? new Blob([data as Uint8Array<ArrayBuffer>]) : data;
  const file = await openFile(pw, blob);
  try {
    const meta = file.metadata();
    const groups = meta.numRowGroups();
    const n = meta.fileMetadata().numRows();
    if (n === 0 || groups === 0) fail("no data rows");
    options.onRowBound?.({ atMost: n, exact: true });
    const head = arrowOf(await file.read({ rowGroups: [0], limit: 1 }));
    const layout = chooseVectorColumns(head.schema.fields, { vectorColumn: options.vectorColumn, labelColumn: options.labelColumn, neighborsColumn: options.neighborsColumn });
    const others = head.schema.fields.map((f) => f.name).filter((name) => !layout.names.includes(name));
    // the metadata columns (labels among them) in one read; a table of only the vector has none
    const metadata = others.length > 0 ? arrowOf(await file.read({ columns: others })) : undefined;
    let values: Float32Array | undefined;
    let dim = layout.kind === "columns" ? layout.names.length : undefined;
    let row = 0;
    for (let g = 0; g < groups; g++) {
      const part = arrowOf(await file.read({ rowGroups: [g], columns: layout.names }));
      if (part.numRows === 0) continue;
      if (layout.kind === "list") {
        const chunks = part.getChild(layout.names[0])!.data;
        if (values === undefined) {
          const first = chunks[0];
          dim = "listSize" in first.type ? (first.type.listSize as number) : (first.valueOffsets as Int32Array)[first.offset + 1] - (first.valueOffsets as Int32Array)[first.offset];
          values = new Float32Array(n * dim);
        }
        copyListColumn(layout.names[0], chunks, values.subarray(row * dim!), row, dim);
      } else {
        values ??= new Float32Array(n * dim!);
        copyNumericColumns(part, layout.names, values.subarray(row * dim!, (row + part.numRows) * dim!), row);
      }
      row += part.numRows;
    }
    const columns = head.schema.fields.map((f) => f.name);
    const labels = layout.label !== undefined && metadata ? labelsOf(metadata, layout.label) : undefined;
    // the neighbours come from the metadata columns (a column named as the vector is refused there)
    const neighbors = options.neighborsColumn !== undefined ? neighboursOfColumn(metadata ?? head, options.neighborsColumn, options.neighborsK) : undefined;
    return {
      values: values!, n, dim: dim!, columns, header: columns, labelColumn: layout.label !== undefined ? columns.indexOf(layout.label) : -1, labels, metadata,
      vectorColumns: layout.names, vectorCandidates: layout.candidates, ...(neighbors && { neighbors }),
    };
  } finally {
    file.free();
  }
}

/** An Arrow table as Parquet bytes (Snappy-compressed). */
export async function parquetBytes(table: ArrowTable): Promise<Uint8Array> {
  const pw = await loadParquet();
  const wasmTable = pw.Table.fromIPCStream(tableToIPC(table, "stream"));
  const properties = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).build();
  return pw.writeParquet(wasmTable, properties);
}
