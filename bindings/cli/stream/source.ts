// Row sources for the streaming transform: a data file read one block of rows at a time, so memory holds one
// block whatever the file's size. Each block carries the position of the next one (row and byte offset), which
// the resume journal stores: a re-run continues from there without reading what came before.
//   .npy: little-endian float32/float64/int C-order 2-D arrays, read by byte offset.
//   .csv/.tsv: one row a line, decoded in pieces; a header line is one of names only (the header rule of
//   bindings/io/header.ts, which no number, NaN or missing-value spelling trips), or as --header says; gzipped text cannot seek, so a resumed .gz is decompressed from the start and skipped.

import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { createHash } from "node:crypto";
import { describeSystemError, fileError } from "../errors.ts";
import { isHeaderRow, inputFormatOf, openVectorBlocks, TableError } from "../../io/index.ts";
import "../parquet-wasm.ts";

export interface SourcePosition {
  /** rows before this position */
  row: number;
  /** byte offset of the next row in the file (decompressed bytes for .gz) */
  byte: number;
}

export interface RowBlock {
  values: Float32Array;
  n: number;
  next: SourcePosition;
}

export interface RowSource {
  /** data columns per row (the label column, if any, taken out) */
  dim: number;
  /** rows in the file when known before reading it all (.npy) */
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
}

const HEAD_BYTES = 1 << 16;

async function fingerprintOf(file: string): Promise<{ fingerprint: string; size: number; head: Uint8Array }> {
  let handle;
  try {
    const info = await stat(file);
    if (!info.isFile()) fileError(file, "not a regular file (a streamed transform reads files, not devices or pipes)");
    handle = await open(file, "r");
    const head = new Uint8Array(Math.min(HEAD_BYTES, info.size));
    await handle.read(head, 0, head.length, 0);
    const hash = createHash("sha256").update(head).digest("hex").slice(0, 32);
    return { fingerprint: `${info.size}:${Math.round(info.mtimeMs)}:${hash}`, size: info.size, head };
  } catch (error) {
    if ((error as Error).name === "CliError") throw error;
    return fileError(file, `cannot read: ${describeSystemError(error)}`);
  } finally {
    await handle?.close();
  }
}

export async function openRowSource(file: string, options: SourceOptions = {}): Promise<RowSource> {
  const lower = file.toLowerCase();
  const { fingerprint, head } = await fingerprintOf(file);
  if (lower.endsWith(".npy")) {
    if (options.labelColumn !== undefined) fileError(file, "--label-column applies to text files; a .npy file holds data columns only");
    return npySource(file, head, fingerprint);
  }
  const kind = inputFormatOf(file);
  if (kind?.format === "parquet" || kind?.format === "arrow" || kind?.format === "arrows") return columnarSource(file, kind.format, fingerprint, options);
  const gzip = lower.endsWith(".gz");
  const base = gzip ? lower.slice(0, -3) : lower;
  if (base.endsWith(".csv") || base.endsWith(".tsv")) {
    return textSource(file, gzip, base.endsWith(".tsv") ? "\t" : ",", fingerprint, options);
  }
  fileError(file, "a streamed transform reads .npy, .csv or .tsv (optionally .gz), .parquet or .arrow/.arrows");
}

// ---- Parquet and Arrow: row groups / record batches of the vector column (bindings/io/blocks.ts) ----

async function columnarSource(file: string, format: "parquet" | "arrow" | "arrows", fingerprint: string, options: SourceOptions): Promise<RowSource> {
  const { openAsBlob } = await import("node:fs");
  const named = (error: unknown): never => {
    if (error instanceof TableError) fileError(file, error.message);
    throw error;
  };
  const source = await openVectorBlocks(format, await openAsBlob(file), { vectorColumn: options.vectorColumn, labelColumn: options.labelColumn }).catch(named);
  return {
    dim: source.dim,
    rows: source.rows,
    fingerprint,
    // no byte offsets: a resume starts from the row group (or batch) that holds its row
    start: { row: 0, byte: 0 },
    async *blocks(from, chunkRows) {
      let row = from.row;
      try {
        for await (const block of source.blocks(from.row)) {
          for (let at = 0; at < block.n; at += chunkRows) {
            const n = Math.min(chunkRows, block.n - at);
            row += n;
            yield { values: block.values.subarray(at * source.dim, (at + n) * source.dim), n, next: { row, byte: 0 } };
          }
        }
      } catch (error) {
        named(error);
      }
    },
  };
}

// ---- .npy ----

const NPY_TYPES: Record<string, { bytes: number; read: (v: DataView, at: number) => number }> = {
  "<f4": { bytes: 4, read: (v, at) => v.getFloat32(at, true) },
  "<f8": { bytes: 8, read: (v, at) => v.getFloat64(at, true) },
  "<i4": { bytes: 4, read: (v, at) => v.getInt32(at, true) },
  "<i8": { bytes: 8, read: (v, at) => Number(v.getBigInt64(at, true)) },
  "<u1": { bytes: 1, read: (v, at) => v.getUint8(at) },
  "|u1": { bytes: 1, read: (v, at) => v.getUint8(at) },
};

function npySource(file: string, head: Uint8Array, fingerprint: string): RowSource {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (head.length < 10 || magic.some((b, i) => head[i] !== b)) fileError(file, "not an .npy file (no NUMPY magic)");
  const major = head[6];
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = (major === 1 ? 10 : 12) + headerLength;
  if (dataStart > head.length) fileError(file, "the .npy header is longer than the file's first 64 KiB");
  const dict = new TextDecoder("latin1").decode(head.subarray(major === 1 ? 10 : 12, dataStart));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(dict)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(dict)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (!descr || !fortran || shapeText === undefined) fileError(file, "unreadable .npy header");
  if (fortran === "True") fileError(file, "Fortran-order .npy is not supported (save it in C order)");
  const type = NPY_TYPES[descr];
  if (!type) fileError(file, `.npy dtype ${descr} is not supported by the streamed transform (float32, float64, int32, int64, uint8)`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) fileError(file, `expected a 2-D array, shape (${shapeText})`);
  const [rows, dim] = shape;
  if (dim < 1) fileError(file, "rows have no values (shape (n, 0))");
  const rowBytes = dim * type.bytes;
  return {
    dim,
    rows,
    fingerprint,
    start: { row: 0, byte: dataStart },
    async *blocks(from, chunkRows) {
      const handle = await open(file, "r");
      try {
        const size = (await handle.stat()).size;
        if (dataStart + rows * rowBytes > size) fileError(file, `the .npy header says ${rows} rows of ${dim} values, but the file is cut short`);
        const buffer = new Uint8Array(chunkRows * rowBytes);
        for (let row = from.row; row < rows; ) {
          const n = Math.min(chunkRows, rows - row);
          const at = dataStart + row * rowBytes;
          const { bytesRead } = await handle.read(buffer, 0, n * rowBytes, at);
          if (bytesRead !== n * rowBytes) fileError(file, "the file changed or was cut short while being read", { row });
          const values = new Float32Array(n * dim);
          if (descr === "<f4" && buffer.byteOffset % 4 === 0) {
            values.set(new Float32Array(buffer.buffer, buffer.byteOffset, n * dim));
          } else {
            const v = new DataView(buffer.buffer, buffer.byteOffset, n * rowBytes);
            for (let i = 0; i < n * dim; i++) values[i] = type.read(v, i * type.bytes);
          }
          row += n;
          yield { values, n, next: { row, byte: dataStart + row * rowBytes } };
        }
      } finally {
        await handle.close();
      }
    },
  };
}

// ---- .csv / .tsv ----

/** Splits a line into cells; double-quoted cells may hold the delimiter ("" is a quote). */
function cellsOf(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let cell = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) { cells.push(cell); cell = ""; }
    else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/** The lines of a file from byte `from`, each with the byte offset after it (decompressing .gz from the start). */
async function* linesOf(file: string, gzip: boolean, from: number): AsyncGenerator<{ line: string; begin: number; end: number }> {
  const raw = createReadStream(file, gzip ? {} : { start: from });
  const input = gzip ? raw.pipe(createGunzip()) : raw;
  let offset = gzip ? 0 : from;
  let pending: Buffer = Buffer.alloc(0);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    for await (const piece of input as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? piece : (Buffer.concat([pending, piece]) as Buffer);
      let startOfLine = 0;
      for (let nl = pending.indexOf(10, 0); nl >= 0; nl = pending.indexOf(10, startOfLine)) {
        const lineBytes = pending.subarray(startOfLine, nl);
        const begin = offset + startOfLine, end = offset + nl + 1;
        startOfLine = nl + 1;
        if (end <= from) continue; // .gz: skipping to the resume point
        yield { line: decoder.decode(lineBytes).replace(/\r$/, ""), begin, end };
      }
      offset += startOfLine;
      pending = pending.subarray(startOfLine);
    }
    if (pending.length > 0 && offset + pending.length > from) {
      yield { line: decoder.decode(pending).replace(/\r$/, ""), begin: offset, end: offset + pending.length };
    }
  } catch (error) {
    if (error instanceof TypeError) fileError(file, "not UTF-8 text");
    if ((error as Error).name === "CliError") throw error;
    fileError(file, `cannot read: ${describeSystemError(error)}`);
  } finally {
    raw.destroy();
  }
}

async function textSource(file: string, gzip: boolean, delimiter: string, fingerprint: string, options: SourceOptions): Promise<RowSource> {
  // the first line decides the header and the width
  let first: { line: string; begin: number; end: number } | undefined;
  for await (const l of linesOf(file, gzip, 0)) {
    if (l.line.trim() === "") continue;
    first = l;
    break;
  }
  if (!first) fileError(file, "no rows");
  if (first.line.charCodeAt(0) === 0xfeff) first.line = first.line.slice(1);
  const firstCells = cellsOf(first.line, delimiter);
  const header = options.header ?? isHeaderRow(firstCells);
  const names = header ? firstCells.map((c) => c.trim()) : undefined;
  const width = firstCells.length;
  let label = -1;
  if (options.labelColumn !== undefined) {
    const spec = options.labelColumn;
    if (spec === "last") label = width - 1;
    else if (/^\d+$/.test(spec)) label = Number(spec);
    else label = names?.indexOf(spec) ?? -1;
    if (label < 0 || label >= width) fileError(file, `--label-column ${spec}: no such column (the file has ${width})`);
  }
  const dim = width - (label >= 0 ? 1 : 0);
  if (dim < 1) fileError(file, "no data columns");
  return {
    dim,
    fingerprint,
    start: { row: 0, byte: header ? first.end : first.begin },
    async *blocks(from, chunkRows) {
      let values = new Float32Array(chunkRows * dim), n = 0, row = from.row;
      let last = from.byte;
      for await (const { line, end } of linesOf(file, gzip, from.byte)) {
        last = end;
        const trimmed = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
        if (trimmed.trim() === "") continue;
        const cells = cellsOf(trimmed, delimiter);
        if (cells.length !== width) fileError(file, `row ${row} has ${cells.length} fields, the first has ${width}`, { row });
        let j = 0;
        for (let c = 0; c < width; c++) {
          if (c === label) continue;
          const s = cells[c].trim();
          const v = Number(s);
          if (s === "" || Number.isNaN(v) || !Number.isFinite(v)) fileError(file, `${JSON.stringify(s)} is not a finite number`, { row, index: c });
          values[n * dim + j++] = v;
        }
        n++;
        row++;
        if (n === chunkRows) {
          yield { values, n, next: { row, byte: end } };
          values = new Float32Array(chunkRows * dim);
          n = 0;
        }
      }
      if (n > 0) yield { values: values.subarray(0, n * dim), n, next: { row, byte: last } };
    },
  };
}
