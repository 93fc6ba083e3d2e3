// The one table reader of the CLI and the explorer page: a file's name and bytes in, a numeric table (with
// labels, column names and how its rows relate to its lines) out, or a TableError naming the place and the
// problem. Pure: no Node imports, no file system; the caller reads the bytes.

import { fail } from "./errors.ts";
import { FORMATS, INPUT_FORMATS, inputFormatOf, isGzip } from "./formats.ts";
import { gunzip } from "./gzip.ts";
import { readDelimited } from "./delimited.ts";
import { readJson } from "./json.ts";
import { parseNpyChecked, readNpyMatrix } from "./npy.ts";
import { defaultColumns, resolveLabelColumn, splitNumericLabels } from "./columns.ts";
import { decodeWhole, splitLines } from "./text.ts";
import type { ReadOptions, Table } from "./types.ts";
import type { VectorBlocks } from "./blocks.ts";
import type { VectorChoice } from "./vector-column.ts";
import type { Table as ArrowTable } from "apache-arrow";

function checkSize(bytes: Uint8Array, maxBytes: number | undefined): void {
  if (maxBytes !== undefined && bytes.length > maxBytes) fail(`${bytes.length} bytes, more than the bound on input size (${maxBytes} bytes)`, {}, "size");
}

/** The bytes, gunzipped when the name ends in .gz or they begin with the gzip magic. */
async function plainBytes(bytes: Uint8Array, gzipName: boolean, maxBytes: number | undefined): Promise<Uint8Array> {
  checkSize(bytes, maxBytes);
  if (!gzipName && !isGzip(bytes)) return bytes;
  return gunzip(bytes, maxBytes);
}

/** Parquet (a Blob, so it is read a row group at a time) or Arrow IPC; their libraries load on first use. */
export async function readColumnar(format: "parquet" | "arrow" | "arrows", data: Blob | Uint8Array, options: ReadOptions = {}): Promise<Table> {
  const columnar = await import("./columnar.ts");
  return format === "parquet" ? columnar.readParquetTable(data, options) : columnar.readArrowTable(data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer()), options);
}

/** The columns of a Parquet or Arrow file other than its vector, for writing them back beside a layout. */
export async function readMetadataColumns(format: "parquet" | "arrow" | "arrows", data: Blob, choice: VectorChoice = {}): Promise<ArrowTable | undefined> {
  const blocks = await import("./blocks.ts");
  return blocks.metadataColumns(format, data, choice);
}

/** Row blocks of a Parquet or Arrow file's vector from a given row on (the streamed transform's source). */
export async function openVectorBlocks(format: "parquet" | "arrow" | "arrows", data: Blob, choice: VectorChoice = {}): Promise<VectorBlocks> {
  const blocks = await import("./blocks.ts");
  return format === "parquet" ? blocks.parquetBlocks(data, choice) : blocks.arrowBlocks(new Uint8Array(await data.arrayBuffer()), choice);
}

export async function readTable(name: string, bytes: Uint8Array, options: ReadOptions = {}): Promise<Table> {
  const kind = inputFormatOf(name, bytes);
  if (!kind) fail(`unknown input format (expected ${INPUT_FORMATS})`);
  const spec = FORMATS[kind.format];
  if (options.neighborsColumn !== undefined && !spec.columnar) fail(`a neighbors column is read from Parquet, Arrow or JSONL tables, not from .${kind.format}`);
  if (kind.format === "npy") {
    checkSize(bytes, options.maxBytes);
    const { values, n, dim } = readNpyMatrix(bytes, options.onRowBound);
    const columns = defaultColumns(dim);
    const labelColumn = resolveLabelColumn(options.labelColumn === "auto" ? undefined : options.labelColumn, dim);
    if (labelColumn < 0) return { values, n, dim, columns, labelColumn };
    const split = splitNumericLabels(values, n, dim, labelColumn);
    return { values: split.values, n, dim: dim - 1, columns, labelColumn, labels: split.labels };
  }
  if (kind.format === "parquet" || kind.format === "arrow" || kind.format === "arrows") {
    checkSize(bytes, options.maxBytes);
    return readColumnar(kind.format, bytes, options);
  }
  const text = await plainBytes(bytes, kind.gzip, options.maxBytes);
  if (kind.format === "json") return readJson(text, options);
  if (kind.format === "jsonl") {
    const { readJsonlTable } = await import("./columnar.ts");
    return readJsonlTable(text, options);
  }
  return readDelimited(text, spec.delimiter!, options);
}

/** Labels from a file: one per line (text, optionally gzipped; LF, CR LF or CR line ends), or a 1-D (or n × 1) .npy; `n` of them. */
export async function readLabelList(name: string, bytes: Uint8Array, n: number, maxBytes?: number): Promise<string[]> {
  let labels: string[];
  if (name.toLowerCase().endsWith(".npy")) {
    checkSize(bytes, maxBytes);
    const array = parseNpyChecked(bytes);
    const shape = array.shape;
    if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) fail(`labels must be a 1-D array, got shape (${shape.join(", ")})`);
    labels = Array.from({ length: shape[0] }, (_, i) => String(array.data[i]));
  } else {
    const text = decodeWhole(await plainBytes(bytes, name.toLowerCase().endsWith(".gz"), maxBytes), "a label file");
    const lines = splitLines(text);
    while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
    labels = lines.map((l, i) => {
      const label = l.trim();
      if (label === "") fail("empty label", { line: i + 1 });
      return label;
    });
  }
  if (labels.length !== n) fail(`${labels.length} labels, but the data has ${n} rows`);
  return labels;
}
