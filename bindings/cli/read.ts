// The command line's side of reading: the file system (only regular files, within a size bound) and the
// messages, which name the flags. Parsing is the shared reader's (bindings/io), the same as the page's.

import { openAsBlob } from "node:fs";
import { open, stat } from "node:fs/promises";
import { EMBEDDING_OPTIONS } from "../options/embedding.ts";
import { INPUT_FORMATS, inputFormatOf, readColumnar, readLabelList, readTable as readBytes, TableError } from "../io/index.ts";
import "./parquet-wasm.ts";
import type { LabelColumn, ReadOptions, Table } from "../io/index.ts";
import { CliError, describeSystemError, fileError } from "./errors.ts";

export type { LabelColumn, Table };
export { INPUT_FORMATS };

/** Files larger than this are refused for too few rows before they are parsed (a smaller one is parsed, so
 * that a problem in its content is reported first, and the embedding's own check names n). */
const EARLY_ROW_CHECK_BYTES = 1024 * 1024;

/** The default of --max-input-bytes: 2 GiB. */
export const DEFAULT_MAX_INPUT_BYTES = 2 * 1024 ** 3;

export interface InputOptions {
  /** --header / --no-header; undefined for the rule */
  header?: boolean;
  /** --max-input-bytes */
  maxInputBytes?: number;
  /** refuse, before parsing, a file that cannot hold this many rows (the fit's minimum) */
  minRows?: { rows: number; k: number };
  /** --vector-column: Parquet, Arrow and JSONL */
  vectorColumn?: string;
  /** --neighbors-column: Parquet, Arrow and JSONL, with --k (undefined: as many as a row lists) */
  neighborsColumn?: string;
  neighborsK?: number;
}


/** The format of a path by its extension, with whether it is gzipped; undefined when unknown. */
export function formatOf(file: string): ReturnType<typeof inputFormatOf> {
  return inputFormatOf(file);
}

/** The fewest rows an embedding of these options can fit: more than k, and at least 3. */
export function minRowsFor(options: { k?: number }): { rows: number; k: number } {
  const k = options.k ?? EMBEDDING_OPTIONS.k.default;
  return { rows: Math.max(k + 1, 3), k };
}

function kindOf(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/** The size of a regular file of at most `maxBytes`; devices, FIFOs and sockets are refused unread. */
async function regularFileSize(file: string, maxBytes: number): Promise<number> {
  let size: number;
  try {
    const stats = await stat(file);
    if (stats.isDirectory()) fileError(file, "cannot read: is a directory, not a file");
    if (!stats.isFile()) fileError(file, `cannot read: ${kindOf(stats)}, not a regular file (save the data to a file first)`);
    size = stats.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    fileError(file, `cannot read: ${describeSystemError(error)}`);
  }
  if (size > maxBytes) fileError(file, `${size} bytes, more than --max-input-bytes ${maxBytes}: raise --max-input-bytes to read it`);
  return size;
}

/** The bytes of a regular file of at most `maxBytes`; devices, FIFOs and sockets are refused unread. */
export async function readFileBytes(file: string, maxBytes = DEFAULT_MAX_INPUT_BYTES): Promise<Uint8Array> {
  const size = await regularFileSize(file, maxBytes);
  try {
    const handle = await open(file, "r");
    try {
      // what the file holds now, read up to its size when stated (it may be written to meanwhile). A Buffer:
      // the reader's byte searches (line breaks, quotes) then run at memory speed.
      const bytes = Buffer.allocUnsafeSlow(size);
      let at = 0;
      while (at < size) {
        const { bytesRead } = await handle.read(bytes, at, size - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return at === size ? bytes : bytes.subarray(0, at);
    } finally {
      await handle.close();
    }
  } catch (error) {
    fileError(file, `cannot read: ${describeSystemError(error)}`);
  }
}

/** A shared reader's error as the command line says it: the file first, and the flag that helps. */
function cliErrorOf(file: string, error: unknown, maxBytes: number): never {
  if (!(error instanceof TableError)) throw error;
  let advice = "";
  if (error.kind === "first-row-value") advice = " (line 1 was read as data: give --header if it names the columns)";
  if (error.kind === "size") advice = ` (--max-input-bytes ${maxBytes}: raise it to read this file)`;
  throw new CliError(`${file}: ${error.message}${advice}`);
}

function tooFewRows(file: string, bound: { atMost: number; exact: boolean }, min: { rows: number; k: number }): void {
  if (bound.atMost >= min.rows) return;
  const n = bound.exact ? `n = ${bound.atMost}` : `n ≤ ${bound.atMost} (the file has ${bound.atMost} line${bound.atMost === 1 ? "" : "s"})`;
  if (bound.atMost <= min.k) fileError(file, `${n} is too small for --k = ${min.k}: need n > --k`);
  fileError(file, `${n} is too small: need at least 3 points`);
}

/** Reads a data file; `labelColumn` moves one column out of the features into `labels`. */
export async function readTable(file: string, labelColumn?: LabelColumn, input: InputOptions = {}): Promise<Table> {
  const maxBytes = input.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const kind = inputFormatOf(file);
  if (!kind) fileError(file, `unknown input format (expected ${INPUT_FORMATS})`);
  if (kind.format === "parquet") {
    // read a row group at a time from the file, never whole into memory
    await regularFileSize(file, maxBytes);
    try {
      return await readColumnar("parquet", await openAsBlob(file), { labelColumn, vectorColumn: input.vectorColumn, neighborsColumn: input.neighborsColumn, neighborsK: input.neighborsK, maxBytes });
    } catch (error) {
      cliErrorOf(file, error, maxBytes);
    }
  }
  const bytes = await readFileBytes(file, maxBytes);
  const min = input.minRows;
  const options: ReadOptions = {
    labelColumn,
    header: input.header,
    vectorColumn: input.vectorColumn,
    neighborsColumn: input.neighborsColumn,
    neighborsK: input.neighborsK,
    maxBytes,
    onRowBound: min && bytes.length > EARLY_ROW_CHECK_BYTES ? (bound) => tooFewRows(file, bound, min) : undefined,
  };
  try {
    const table = await readBytes(file, bytes, options);
    const numbers = table.lines?.columnNumbersLine;
    if (numbers !== undefined) {
      const width = table.columns.length;
      const shown = Array.from({ length: Math.min(width, 5) }, (_, j) => j).join(",") + (width > 5 ? ",…" : "");
      process.stderr.write(`cne: warning: ${file}: line ${numbers} is ${shown}, the column numbers pandas writes as a header for unnamed columns, and was read as data: give --header to skip it, or --no-header to keep it without this warning\n`);
    }
    return table;
  } catch (error) {
    cliErrorOf(file, error, maxBytes);
  }
}

/** Why a text table has fewer rows than lines ("" when it has as many): the header, blank lines, quoted line breaks. */
export function describeRows(file: string, table: Table): string {
  const lines = table.lines;
  if (!lines || lines.lines === table.n) return "";
  const why: string[] = [];
  if (lines.headerLine !== undefined) why.push(`line ${lines.headerLine} is a header`);
  if (lines.blank > 0) why.push(`${lines.blank} blank line${lines.blank === 1 ? "" : "s"}`);
  if (lines.continued > 0) why.push(`${lines.continued} line break${lines.continued === 1 ? "" : "s"} inside quoted fields`);
  return `${table.n} rows from the ${lines.lines} lines of ${file}: ${why.join(", ")}`;
}

/** Labels from a file: one per line (text), or a 1-D (or n × 1) .npy; their count must be `n`. */
export async function readLabels(file: string, n: number, maxInputBytes = DEFAULT_MAX_INPUT_BYTES): Promise<string[]> {
  const bytes = await readFileBytes(file, maxInputBytes);
  try {
    return await readLabelList(file, bytes, n, maxInputBytes);
  } catch (error) {
    cliErrorOf(file, error, maxInputBytes);
  }
}
