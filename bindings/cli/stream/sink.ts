// The streamed transform's output: blocks of coordinates appended to `<out>.partial` as they come, with a
// journal `<out>.partial.json` rewritten (temporary file + rename) after each block that says how many rows and
// bytes are complete and where the input's next block starts. A run killed at any point leaves a journal that
// names a complete prefix; a re-run with the same model, input and block size truncates the partial file to that
// prefix and goes on from there, so the result has the bits of an uninterrupted run. The final file appears
// only when complete (rename).
//   .npy: a 128-byte header written with the final row count at the end; .csv: one line a row; .json: rows.
//   .parquet/.arrow/.arrows: the blocks as raw float32, made into the table (with the input's other columns)
//   by the caller's `assemble` at the end; only the assembled file is ever seen at the output's name.

import { open, readFile, rename, rm, writeFile, type FileHandle } from "node:fs/promises";
import { describeSystemError, fileError } from "../errors.ts";
import { formatFloat32, outputFormatOf, writeBytes } from "../write.ts";
import type { SourcePosition } from "./source.ts";

export type SinkFormat = "npy" | "csv" | "json" | "parquet" | "arrow" | "arrows";

export function sinkFormatOf(file: string): SinkFormat | undefined {
  return outputFormatOf(file) as SinkFormat | undefined; // the writable formats are exactly these
}

/** Makes the final bytes of a table format from all rows' positions (n × outDim), once every block is in. */
export type AssembleTable = (positions: Float32Array, rows: number) => Promise<Uint8Array>;

const isTable = (format: SinkFormat) => format === "parquet" || format === "arrow" || format === "arrows";

/** What must match for a partial output to be continued. */
export interface StreamIdentity {
  model: string;
  input: string;
  chunkRows: number;
  dim: number;
  outDim: number;
  format: SinkFormat;
}

interface Journal extends StreamIdentity {
  version: 2;
  rowsDone: number;
  bytesDone: number;
  next: SourcePosition;
}

/** NPY 1.0 header of float32 C order, padded to `length` bytes (the data starts at a multiple of 64). */
const NPY_HEADER_BYTES = 128;
function npyHeader(rows: number, outDim: number): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${outDim}), }`;
  const headerLength = NPY_HEADER_BYTES - 10;
  const text = dict + " ".repeat(headerLength - dict.length - 1) + "\n";
  const out = new Uint8Array(NPY_HEADER_BYTES);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, headerLength, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

function encodeBlock(format: SinkFormat, values: Float32Array, outDim: number, first: boolean): Uint8Array {
  if (format === "npy" || isTable(format)) {
    const out = new Uint8Array(values.length * 4);
    const view = new DataView(out.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return out;
  }
  const n = values.length / outDim;
  const lines: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const cells: string[] = new Array(outDim);
    for (let j = 0; j < outDim; j++) cells[j] = formatFloat32(values[i * outDim + j]);
    lines[i] = format === "csv" ? cells.join(",") + "\n" : `${first && i === 0 ? "" : ",\n"}[${cells.join(",")}]`;
  }
  return new TextEncoder().encode(lines.join(""));
}

export interface StreamSink {
  /** rows already complete (from a resumed run), and where the input continues */
  rowsDone: number;
  next: SourcePosition | undefined;
  /** Appends a block and records it as complete. */
  append(values: Float32Array, next: SourcePosition): Promise<void>;
  /** Writes the header/closing bytes and renames the result into place. */
  finish(): Promise<void>;
  /** Closes the partial file, keeping it and its journal for a re-run. */
  close(): Promise<void>;
}

async function readJournal(file: string): Promise<Journal | undefined> {
  try {
    const j = JSON.parse(await readFile(file, "utf8")) as Journal;
    return j && j.version === 2 ? j : undefined;
  } catch {
    return undefined;
  }
}

const same = (a: StreamIdentity, b: StreamIdentity) =>
  a.model === b.model && a.input === b.input && a.chunkRows === b.chunkRows && a.dim === b.dim && a.outDim === b.outDim && a.format === b.format;

/**
 * Opens the output: continues a matching partial output when `resume`, else starts afresh (a stale partial
 * output of another model, input or block size is replaced).
 */
export async function openSink(out: string, identity: StreamIdentity, resume: boolean, assemble?: AssembleTable): Promise<StreamSink & { resumed: boolean }> {
  if (isTable(identity.format) && !assemble) throw new Error(`a ${identity.format} output needs assemble`);
  const partial = `${out}.partial`, journalFile = `${out}.partial.json`;
  const found = resume ? await readJournal(journalFile) : undefined;
  const resumed = found !== undefined && same(found, identity);
  let handle: FileHandle;
  let rowsDone = 0, bytesDone = 0;
  let next: SourcePosition | undefined;
  try {
    if (resumed) {
      handle = await open(partial, "r+");
      await handle.truncate(found.bytesDone);
      ({ rowsDone, bytesDone, next } = found);
    } else {
      await rm(journalFile, { force: true });
      handle = await open(partial, "w");
      const head = identity.format === "npy" ? npyHeader(0, identity.outDim) : identity.format === "json" ? new TextEncoder().encode("[\n") : new Uint8Array(0);
      await handle.write(head, 0, head.length, 0);
      bytesDone = head.length;
    }
  } catch (error) {
    fileError(partial, `cannot write: ${describeSystemError(error)}`);
  }
  const writeJournal = async () => {
    const journal: Journal = { version: 2, ...identity, rowsDone, bytesDone, next: next! };
    await writeFile(`${journalFile}.tmp`, JSON.stringify(journal));
    await rename(`${journalFile}.tmp`, journalFile);
  };
  return {
    resumed,
    rowsDone,
    next,
    async append(values, position) {
      const bytes = encodeBlock(identity.format, values, identity.outDim, rowsDone === 0);
      try {
        await handle.write(bytes, 0, bytes.length, bytesDone);
        await handle.datasync();
        bytesDone += bytes.length;
        rowsDone += values.length / identity.outDim;
        next = position;
        await writeJournal();
      } catch (error) {
        fileError(partial, `cannot write: ${describeSystemError(error)}`);
      }
    },
    async finish() {
      if (isTable(identity.format)) {
        let positions: Float32Array;
        try {
          await handle.close();
          const bytes = await readFile(partial);
          // little-endian float32, as encodeBlock wrote them (copied out to an aligned buffer of its own)
          positions = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytesDone));
        } catch (error) {
          fileError(partial, `cannot read back: ${describeSystemError(error)}`);
        }
        await writeBytes(out, await assemble!(positions, rowsDone));
        await rm(partial, { force: true });
        await rm(journalFile, { force: true });
        return;
      }
      try {
        if (identity.format === "npy") await handle.write(npyHeader(rowsDone, identity.outDim), 0, NPY_HEADER_BYTES, 0);
        if (identity.format === "json") {
          const tail = new TextEncoder().encode("\n]\n");
          await handle.write(tail, 0, tail.length, bytesDone);
        }
        await handle.datasync();
        await handle.close();
        await rename(partial, out);
        await rm(journalFile, { force: true });
      } catch (error) {
        fileError(out, `cannot write: ${describeSystemError(error)}`);
      }
    },
    async close() {
      await handle.close().catch(() => {});
    },
  };
}
