// Row sources for the streaming transform: a data file read one block of rows at a time through the table
// readers of bindings/io (the ones every command uses: the same formats, header rule, label column, checks and
// errors), so memory holds a block or two whatever the file's size. The readers' blocks (a piece of text, a
// slice of .npy rows, a Parquet row group, an Arrow batch) are cut into blocks of exactly `chunkRows` rows here.
// Each block carries the position of the next one, which the resume journal stores: a re-run continues from
// there without reading what came before (gzipped text cannot seek: it is decompressed from the start).

import { openAsBlob } from "node:fs";
import { open, stat } from "node:fs/promises";
import { createHash } from "node:crypto";
import { CliError, describeSystemError, fileError } from "../errors.ts";
import { inputFormatOf, openVectorBlocks, TableError } from "../../io/index.ts";
import { npyBlocks } from "../../io/npy-blocks.ts";
import { blobText, delimitedBlocks, type TextPosition } from "../../io/delimited-blocks.ts";
import "../parquet-wasm.ts";

export interface SourcePosition {
  /** rows before this position */
  row: number;
  /** byte offset (decompressed, for .gz) of a row boundary at or before row `row`: reading resumes there */
  byte: number;
  /** text: the row that starts at `byte` (the rows from it to `row` are read again and skipped), and its line */
  byteRow?: number;
  line?: number;
}

export interface RowBlock {
  values: Float32Array;
  n: number;
  next: SourcePosition;
  /** the part of the input read through this block, 0 to 1: its rows of all (when known), else as the text
   * reader measures it (bytes of the file's; gzip: bindings/io/delimited-blocks.ts blobText) */
  read: number;
}

export interface RowSource {
  /** data columns per row (the label column, if any, taken out) */
  dim: number;
  /** rows in the file when known before reading it all (.npy, Parquet, Arrow) */
  rows?: number;
  /** identifies the file's content for a resume: size, modification time and a hash of its first bytes */
  fingerprint: string;
  /** where the first row starts */
  start: SourcePosition;
  /** blocks of up to `chunkRows` rows from `from` on */
  blocks(from: SourcePosition, chunkRows: number): AsyncGenerator<RowBlock, void, undefined>;
}

export interface SourceOptions {
  labelColumn?: string;
  /** Parquet and Arrow: the list column holding the vector */
  vectorColumn?: string;
  /** true/false forces a header line or none; undefined: the header rule (a first line of names only) */
  header?: boolean;
  /** text: bytes read and parsed at a time (default bindings/io's PIECE_BYTES) */
  pieceBytes?: number;
}

/** A reader's block: its rows, and for text where it starts and ends (row boundaries to resume from) and the
 * part of the file read through it. */
interface ReaderBlock {
  values: Float32Array;
  n: number;
  start?: TextPosition;
  end?: TextPosition;
  read?: number;
}

const HEAD_BYTES = 1 << 16;

async function fingerprintOf(file: string): Promise<string> {
  let handle;
  try {
    const info = await stat(file);
    if (!info.isFile()) fileError(file, "not a regular file (a streamed transform reads files, not devices or pipes)");
    handle = await open(file, "r");
    const head = new Uint8Array(Math.min(HEAD_BYTES, info.size));
    await handle.read(head, 0, head.length, 0);
    const hash = createHash("sha256").update(head).digest("hex").slice(0, 32);
    return `${info.size}:${Math.round(info.mtimeMs)}:${hash}`;
  } catch (error) {
    if (error instanceof CliError) throw error;
    return fileError(file, `cannot read: ${describeSystemError(error)}`);
  } finally {
    await handle?.close();
  }
}

/** A reader's error as the command line says it: the file first (and, for line 1 read as data, the flag that helps). */
function named(file: string, error: unknown): never {
  if (!(error instanceof TableError)) throw error;
  const advice = error.kind === "first-row-value" ? " (line 1 was read as data: give --header if it names the columns)" : "";
  throw new CliError(`${file}: ${error.message}${advice}`);
}

/**
 * Cuts a reader's blocks into blocks of `chunkRows` rows from row `from.row` on (the first `skip` rows read are
 * dropped: a text resume starts at the row boundary before its row). A block that ends inside a reader's block
 * resumes at that block's start; one that ends with it, at its end.
 */
async function* rechunk(file: string, reader: AsyncIterable<ReaderBlock>, dim: number, from: SourcePosition, skip: number, chunkRows: number, rows?: number): AsyncGenerator<RowBlock, void, undefined> {
  let values = new Float32Array(chunkRows * dim), filled = 0, row = from.row;
  let lastEnd: TextPosition | undefined;
  // the part read: rows of the file's when it says how many, else the reader's own measure of its last block
  let blockRead = 0;
  const read = () => (rows !== undefined ? Math.min(1, row / Math.max(1, rows)) : blockRead);
  let resume: TextPosition | undefined = from.byteRow === undefined ? undefined : { row: from.byteRow, byte: from.byte, line: from.line ?? 1 };
  const next = (): SourcePosition => (resume ? { row, byte: resume.byte, byteRow: resume.row, line: resume.line } : { row, byte: 0 });
  try {
    for await (const block of reader) {
      if (block.read !== undefined) blockRead = block.read;
      let at = Math.min(skip, block.n);
      skip -= at;
      while (at < block.n) {
        const take = Math.min(chunkRows - filled, block.n - at);
        values.set(block.values.subarray(at * dim, (at + take) * dim), filled * dim);
        filled += take;
        at += take;
        row += take;
        if (filled < chunkRows) continue;
        // the next block begins in this reader's block (read again on a resume), or after it
        if (block.start && block.end) resume = at < block.n ? block.start : block.end;
        yield { values, n: filled, next: next(), read: read() };
        values = new Float32Array(chunkRows * dim);
        filled = 0;
      }
      lastEnd = block.end;
    }
  } catch (error) {
    named(file, error);
  }
  if (lastEnd) resume = lastEnd;
  if (filled > 0) yield { values: values.subarray(0, filled * dim), n: filled, next: next(), read: read() };
}

export async function openRowSource(file: string, options: SourceOptions = {}): Promise<RowSource> {
  const fingerprint = await fingerprintOf(file);
  const kind = inputFormatOf(file);
  let blob: Blob;
  try {
    blob = await openAsBlob(file);
  } catch (error) {
    fileError(file, `cannot read: ${describeSystemError(error)}`);
  }
  try {
    if (kind?.format === "npy") {
      if (options.labelColumn !== undefined) fileError(file, "--label-column applies to text files; a .npy file holds data columns only");
      const source = await npyBlocks(blob);
      return {
        dim: source.dim,
        rows: source.rows,
        fingerprint,
        start: { row: 0, byte: 0 },
        blocks: (from, chunkRows) => rechunk(file, source.blocks(from.row), source.dim, from, 0, chunkRows, source.rows),
      };
    }
    if (kind?.format === "parquet" || kind?.format === "arrow" || kind?.format === "arrows") {
      const source = await openVectorBlocks(kind.format, blob, { vectorColumn: options.vectorColumn, labelColumn: options.labelColumn });
      return {
        dim: source.dim,
        rows: source.rows,
        fingerprint,
        // no byte offsets: a resume starts from the row group (or batch) that holds its row
        start: { row: 0, byte: 0 },
        blocks: (from, chunkRows) => rechunk(file, source.blocks(from.row), source.dim, from, 0, chunkRows, source.rows),
      };
    }
    if (kind?.format === "csv" || kind?.format === "tsv") {
      const source = await delimitedBlocks(blobText(blob, kind.gzip), {
        delimiter: kind.format === "tsv" ? "\t" : ",",
        header: options.header,
        labelColumn: options.labelColumn,
        pieceBytes: options.pieceBytes,
      });
      const start = source.start;
      return {
        dim: source.dim,
        fingerprint,
        start: { row: start.row, byte: start.byte, byteRow: start.row, line: start.line },
        blocks: (from, chunkRows) => {
          const at: TextPosition = { row: from.byteRow ?? 0, byte: from.byte, line: from.line ?? 1 };
          return rechunk(file, source.blocks(at), source.dim, from, from.row - at.row, chunkRows);
        },
      };
    }
  } catch (error) {
    named(file, error);
  }
  fileError(file, "a streamed transform reads .npy, .csv or .tsv (optionally .gz), .parquet or .arrow/.arrows");
}
