// Row blocks of a CSV or TSV file (optionally gzipped) from a given place on, for the streamed transform: the
// text is read as a stream and cut into pieces of about PIECE_BYTES that end at a line break outside quotes, and
// each piece is parsed by delimited.ts, the reader of whole files (the same quoting, header rule, label column,
// checks and errors). Memory holds one piece and its rows, whatever the size of the file.
//
// A piece starts at a row boundary, which is a place to resume from: its row, byte offset (in the decompressed
// text) and line. The first piece (byte 0) decides the header and the width, as the whole-file reader would;
// later pieces are data only, and a row of another width is refused with its line in the file. Lines end at
// LF, CR LF or a lone CR (old Mac files), as the parser reads them, so a file of any of them is cut in pieces.

import { fail, TableError } from "./errors.ts";
import { gzipTextSize } from "./gzip.ts";
import { readDelimited } from "./delimited.ts";
import { lineEnds, rowBound } from "./text.ts";
import type { LabelColumn } from "./types.ts";

/** Bytes of text per piece (a piece grows to the next line break outside quotes). */
export const PIECE_BYTES = 1024 * 1024;

/** A row boundary of the text: the row that starts there, its byte offset and its 1-based line. */
export interface TextPosition {
  row: number;
  byte: number;
  line: number;
}

export interface TextBlock {
  values: Float32Array;
  n: number;
  /** where the block's first row starts, and where the row after its last starts */
  start: TextPosition;
  end: TextPosition;
  /** the part of the file read through the block's end, 0 to 1 (OpenedText.readFraction): progress */
  read: number;
}

export interface DelimitedBlocks {
  /** values per row (the label column, if any, taken out) */
  dim: number;
  /** the beginning of the file */
  start: TextPosition;
  /** blocks of whole rows from `from` (a row boundary given by an earlier block, or `start`) on */
  blocks(from: TextPosition): AsyncGenerator<TextBlock, void, undefined>;
}

export interface DelimitedOptions {
  delimiter: string;
  header?: boolean;
  labelColumn?: LabelColumn;
  pieceBytes?: number;
}

/** The text's bytes from byte `from` on (decompressed, for a gzipped file), and how far into the file a place
 * of the text is: progress. */
export interface OpenedText {
  stream: ReadableStream<Uint8Array>;
  /** The part of the file, 0 to 1, read to reach text byte `textByte` of those the stream has given. */
  readFraction(textByte: number): number;
}

/** Opens the text at byte `from` (a gzipped file is read from its start, the bytes before `from` skipped). */
export type TextOpener = (from: number) => OpenedText;

/**
 * A Blob's text from a byte on: sliced, or gunzipped from the start with the bytes before `from` dropped. The
 * part read of a gzipped file is the text's bytes of its size by the gzip trailer (exact for one member under
 * 4 GiB), or, when the text outgrows that (several members, 4 GiB or more), the compressed bytes read of the
 * file's (which run ahead of the text: the decompressor takes in more than it has given out): the lesser of the
 * two, so it never falls and ends at 1.
 */
export function blobText(blob: Blob, gzip: boolean): TextOpener {
  if (!gzip) return (from) => ({ stream: blob.slice(from).stream(), readFraction: (textByte) => Math.min(1, textByte / Math.max(1, blob.size)) });
  return (from) => {
    let read = 0, textSize = 0;
    const counted = new TransformStream<Uint8Array<ArrayBuffer>, BufferSource>({
      // no bytes pass before the trailer is known, so that every fraction is taken the same way
      async start() {
        textSize = await gzipTextSize(blob);
      },
      transform(chunk, out) {
        read += chunk.length;
        out.enqueue(chunk);
      },
    });
    let skip = from;
    const dropBefore = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, out) {
        if (skip >= chunk.length) skip -= chunk.length;
        else {
          out.enqueue(skip > 0 ? chunk.subarray(skip) : chunk);
          skip = 0;
        }
      },
    });
    const stream = blob.stream().pipeThrough(counted).pipeThrough(new DecompressionStream("gzip")).pipeThrough(dropBefore);
    return { stream, readFraction: (textByte) => Math.min(textSize > 0 ? textByte / textSize : 1, read / Math.max(1, blob.size)) };
  };
}

const LF = 10, CR = 13, QUOTE = 34;

/**
 * The end (after its line break: LF, CR LF or a lone CR) of the first line that ends at or after byte
 * `begin + size − 1` outside quotes, quotes counted from `begin` (a row boundary); −1 when `bytes` holds none.
 * `lineEnd` is lineEnds(bytes) of text.ts, called with places that never decrease.
 */
function cutAfter(bytes: Uint8Array, lineEnd: (from: number) => number, begin: number, size: number): number {
  let inside = false;
  let quote = bytes.indexOf(QUOTE, begin);
  for (let end = lineEnd(begin + size - 1); end >= 0; end = lineEnd(end)) {
    while (quote >= 0 && quote < end) {
      inside = !inside;
      quote = bytes.indexOf(QUOTE, quote + 1);
    }
    if (!inside) return end;
  }
  return -1;
}

/** Pieces of the stream of about `size` bytes that end at a line break outside quotes (the last: the rest). */
async function* piecesOf(stream: ReadableStream<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let parts: Uint8Array[] = [], total = 0, need = size;
  const joined = () => {
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(total);
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return out;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      total += value.length;
      if (total < need) continue;
      const bytes = joined();
      // a CR at the end of what is read so far may be the first half of a CR LF: no cut there yet
      const lineEnd = lineEnds(bytes, false);
      let begin = 0;
      for (let cut = cutAfter(bytes, lineEnd, 0, size); cut >= 0; cut = cutAfter(bytes, lineEnd, begin, size)) {
        yield bytes.subarray(begin, cut);
        begin = cut;
      }
      parts = begin === bytes.length ? [] : [bytes.subarray(begin)];
      total = bytes.length - begin;
      // a row longer than a piece (a long quoted field): read on until it ends
      need = begin === 0 ? 2 * total : size;
    }
    if (total > 0) yield joined();
  } catch (error) {
    if (error instanceof TableError) throw error;
    fail(`cannot read: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    // also when the reader of the pieces stops early
    await reader.cancel().catch(() => {});
  }
}

/** The 1-based line, counted from `line`, of the first row of a piece (after its blank lines). */
function firstRowLine(bytes: Uint8Array, line: number): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === LF || (b === CR && bytes[i + 1] !== LF)) line++;
    else if (b !== CR && b !== 32 && b !== 9) break;
  }
  return line;
}

export async function delimitedBlocks(open: TextOpener, options: DelimitedOptions): Promise<DelimitedBlocks> {
  const size = options.pieceBytes ?? PIECE_BYTES;
  const start: TextPosition = { row: 0, byte: 0, line: 1 };
  /** How later pieces are read: the first rows' width (and its line) and label column. */
  interface Shape { width: number; widthLine: number; labelColumn: number; names: Uint8Array }
  /**
   * The rows of a piece at `at`: the first piece of the file by the caller's options; a later one after a line
   * of names of the file's width, so that the reader holds every row to that width and takes none as a header.
   */
  const parse = (bytes: Uint8Array, at: TextPosition, later: Shape | undefined) => {
    const named = later ? new Uint8Array(later.names.length + bytes.length) : bytes;
    if (later) named.set(later.names), named.set(bytes, later.names.length);
    const shift = later ? 1 : 0;
    try {
      const table = readDelimited(named, options.delimiter, later ? { header: true, labelColumn: later.labelColumn < 0 ? null : later.labelColumn } : { header: options.header, labelColumn: options.labelColumn });
      if (table.lines) table.lines.lines -= shift;
      return table;
    } catch (error) {
      if (!(error instanceof TableError)) throw error;
      // a piece of blank lines only (the end of a file) holds no rows
      if (later && error.problem === "no data rows") return undefined;
      const line = error.place.line === undefined ? undefined : error.place.line - shift + at.line - 1;
      const problem = later ? error.problem.replace(/\(as in line 1\)$/, `(as in line ${later.widthLine})`) : error.problem;
      throw new TableError(problem, { ...error.place, line }, error.kind);
    }
  };

  // the first piece decides the header, the width and the label column
  let shape: Shape | undefined, dim = 0;
  for await (const bytes of piecesOf(open(0).stream, size)) {
    const table = parse(bytes, start, undefined);
    if (!table) break;
    const width = table.columns.length;
    const names = Array.from({ length: width }, (_, j) => `c${j}`).join(options.delimiter) + "\n";
    shape = { width, widthLine: table.lines?.headerLine ?? firstRowLine(bytes, 1), labelColumn: table.labelColumn, names: new TextEncoder().encode(names) };
    dim = table.dim;
    break;
  }
  if (!shape) fail("no data rows");
  const later = shape;

  return {
    dim,
    start,
    async *blocks(from) {
      const at = { ...from };
      const text = open(from.byte);
      for await (const bytes of piecesOf(text.stream, size)) {
        const table = parse(bytes, at, at.byte === 0 ? undefined : later);
        const lines = table?.lines?.lines ?? rowBound(bytes);
        const end = { row: at.row + (table?.n ?? 0), byte: at.byte + bytes.length, line: at.line + lines };
        if (table) yield { values: table.values, n: table.n, start: { ...at }, end, read: text.readFraction(end.byte) };
        Object.assign(at, end);
      }
    },
  };
}
