// `cne transform`: load a saved model, then stream the input's rows through it a block at a time (placed here,
// or by a fleet of transform workers with --endpoint), writing each block's positions as it completes, with a
// journal that lets an interrupted run continue where it stopped.

import { createHash } from "node:crypto";
import { openAsBlob } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { CneModelError, Embedding, loadModel } from "../index.ts";
import { CliError, describeSystemError, fileError } from "./errors.ts";
import { INPUT_FORMATS, formatOf, readTable, type Table } from "./read.ts";
import { OUTPUT_FORMATS } from "./write.ts";
import { readMetadataColumns, writeTableBytes, type LayoutColumns } from "../io/index.ts";
import "./parquet-wasm.ts";
import { runSession } from "./session.ts";
import { checkDistinctPaths, checkWritable } from "./preflight.ts";
import type { TransformCommand } from "./model-args.ts";
import { openRowSource, type RowSource } from "./stream/source.ts";
import { openSink, sinkFormatOf } from "./stream/sink.ts";
import { runStream, type PlaceBlock } from "./stream/run.ts";
import { createFleet, FleetError } from "./stream/fleet.ts";

async function readModel(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    fileError(file, `cannot read: ${describeSystemError(error)}`);
  }
}

/** A .json or .jsonl input is read whole, as one table: its rows are streamed from memory (with its other
 * columns kept for a table output). */
async function wholeFileSource(file: string, labelColumn: string | undefined, vectorColumn: string | undefined): Promise<RowSource & { table: Table }> {
  const table = await readTable(file, labelColumn, { vectorColumn });
  const info = await stat(file);
  return {
    table,
    dim: table.dim,
    rows: table.n,
    fingerprint: `${info.size}:${Math.round(info.mtimeMs)}`,
    start: { row: 0, byte: 0 },
    async *blocks(from, chunkRows) {
      for (let row = from.row; row < table.n; row += chunkRows) {
        const end = Math.min(table.n, row + chunkRows);
        yield { values: table.values.subarray(row * table.dim, end * table.dim), n: end - row, next: { row: end, byte: 0 }, read: end / table.n };
      }
    },
  };
}

/** The input's columns other than the vector (a Parquet file reads only those). */
async function metadataOf(file: string, format: "parquet" | "arrow" | "arrows", command: TransformCommand): Promise<LayoutColumns["metadata"]> {
  try {
    return await readMetadataColumns(format, await openAsBlob(file), { vectorColumn: command.vectorColumn, labelColumn: command.labelColumn });
  } catch (error) {
    fileError(file, `cannot read its other columns: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function runTransform(command: TransformCommand): Promise<number> {
  return runSession(command.input, command.quiet, async ({ signal, progress, compute }) => {
    const kind = formatOf(command.input);
    if (!kind) fileError(command.input, `unknown input format (expected ${INPUT_FORMATS})`);
    const format = sinkFormatOf(command.out);
    if (!format) fileError(command.out, `unknown output format (expected ${OUTPUT_FORMATS})`);
    checkDistinctPaths([{ what: "model", path: command.model }, { what: "input", path: command.input }], [{ what: "--out", path: command.out }]);
    checkWritable(command.out);
    const bytes = await readModel(command.model);
    const modelDigest = createHash("sha256").update(bytes).digest("hex");
    let model: Awaited<ReturnType<typeof loadModel>>;
    try {
      model = await loadModel(bytes, command.threads === undefined ? {} : { threads: command.threads });
    } catch (error) {
      if (error instanceof CneModelError) fileError(command.model, error.message.replace(/^cne-wasm: /, ""));
      throw error;
    }
    const fleet = command.endpoints.length > 0
      ? createFleet({
          endpoints: command.endpoints, concurrency: command.concurrency, retries: command.retries, timeoutMs: command.timeout * 1000,
          modelDigest, signal,
          onRetry: (url, error) => { if (!command.quiet) process.stderr.write(`cne: ${url}: ${error.message.split("\n")[0]} (retrying)\n`); },
        })
      : undefined;
    try {
      if (command.epochs !== undefined && !(model instanceof Embedding)) {
        fileError(command.model, "--epochs applies to non-parametric models only (a parametric model places rows by a forward pass)");
      }
      if (command.knn !== undefined && !(model instanceof Embedding)) {
        fileError(command.model, "--knn applies to non-parametric models only (a parametric model places rows by a forward pass)");
      }
      if (fleet && (command.epochs !== undefined || command.knn !== undefined)) {
        fileError(command.model, "--epochs and --knn apply to placing here; transform workers use the model's defaults");
      }
      const whole = kind.format === "json" || kind.format === "jsonl" ? await wholeFileSource(command.input, command.labelColumn, command.vectorColumn) : undefined;
      const source = whole ?? await openRowSource(command.input, { labelColumn: command.labelColumn, header: command.header, vectorColumn: command.vectorColumn });
      if (source.dim !== model.dim) {
        fileError(command.input, `has ${source.dim} columns; the model was fitted on ${model.dim} (--label-column drops a column that is not data)`);
      }
      const table = format === "parquet" || format === "arrow" || format === "arrows";
      if (table && model.outDim !== 2) fileError(command.out, `a ${format} layout holds columns x and y: this model places rows in ${model.outDim} dimensions (write .npy, .csv or .json)`);
      // a table output: the input's other columns (read once, at the end), then x and y
      const assemble = async (positions: Float32Array, rows: number) => {
        const columns: LayoutColumns = whole
          ? { metadata: whole.table.metadata, labels: whole.table.labels }
          : { metadata: kind.format === "parquet" || kind.format === "arrow" || kind.format === "arrows" ? await metadataOf(command.input, kind.format, command) : undefined };
        try {
          return await writeTableBytes(format, positions, rows, 2, columns);
        } catch (error) {
          fileError(command.out, `cannot write: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      const sink = await openSink(command.out, {
        model: modelDigest, input: source.fingerprint, chunkRows: command.chunkRows, dim: model.dim, outDim: model.outDim, format,
      }, command.resume, table ? assemble : undefined);
      if (sink.resumed && !command.quiet) process.stderr.write(`cne: continuing ${command.out} from row ${sink.rowsDone} (--no-resume starts afresh)\n`);
      const m = model;
      const place: PlaceBlock = fleet
        ? (values, rows) => fleet.place(values, rows, m.outDim)
        : (values) => m instanceof Embedding ? m.transform(values, { nEpochs: command.epochs, knn: command.knn, signal }) : m.transform(values);
      let rows: number;
      try {
        rows = await compute(() => runStream(source, sink, place, {
          chunkRows: command.chunkRows,
          window: fleet ? fleet.capacity : 1,
          signal,
          onRows: (_done, read) => progress.update(read, "transform"),
        }));
      } catch (error) {
        await sink.close();
        if (error instanceof FleetError) throw new CliError(error.message);
        throw error;
      }
      await sink.finish();
      if (!command.quiet) process.stderr.write(`cne: wrote ${command.out} (${rows} × ${model.outDim})\n`);
      if (fleet && !command.quiet) process.stderr.write(`cne: placed by ${fleet.summary()}\n`);
    } finally {
      await fleet?.close();
      model.destroy();
    }
  });
}
