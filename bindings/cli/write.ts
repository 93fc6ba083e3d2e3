// Writing the command's outputs: every file is written to a temporary file beside it and renamed into place
// only when complete, so a failed write (a full disk, an interrupted run) leaves the previous file as it was
// and no temporary file behind. The bytes come from the shared writer (bindings/io).

import { chmod, open, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { OUTPUT_FORMATS, formatFloat32, outputFormatOf, tableBytes, writeTableBytes, type LayoutColumns, type TableFormat } from "../io/index.ts";
import { describeSystemError, fileError } from "./errors.ts";

export { OUTPUT_FORMATS, formatFloat32, outputFormatOf };
export type OutputFormat = TableFormat;

export function embeddingBytes(format: OutputFormat, values: Float32Array, n: number, dim: number): Uint8Array {
  return tableBytes(format, values, n, dim);
}

/** The file a write to `file` replaces: through a symlink to its target, so the link is kept. */
async function targetOf(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    return file;
  }
}

/** Writes the bytes to `file` through a temporary file beside it and a rename. */
export async function writeBytes(file: string, bytes: Uint8Array | string): Promise<void> {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const target = await targetOf(file);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let created = false;
  try {
    const previous = await stat(target).catch(() => undefined);
    const handle = await open(temp, "wx");
    created = true;
    try {
      let at = 0;
      while (at < data.length) at += (await handle.write(data, at, data.length - at)).bytesWritten;
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (previous) await chmod(temp, previous.mode & 0o7777);
    await rename(temp, target);
    created = false;
  } catch (error) {
    if (created) await unlink(temp).catch(() => undefined);
    fileError(file, `cannot write: ${describeSystemError(error)}`);
  }
}

/** Writes the n × dim embedding in the format of the file's extension; Parquet and Arrow get the input's
 * metadata columns (or its labels) before x and y. */
export async function writeEmbedding(file: string, values: Float32Array, n: number, dim: number, columns: LayoutColumns = {}): Promise<void> {
  const format = outputFormatOf(file);
  if (!format) fileError(file, `unknown output format (expected ${OUTPUT_FORMATS})`);
  let bytes: Uint8Array;
  try {
    bytes = await writeTableBytes(format, values, n, dim, columns);
  } catch (error) {
    fileError(file, `cannot write: ${error instanceof Error ? error.message : String(error)}`);
  }
  await writeBytes(file, bytes);
}
