// `cne transform`: load a saved model, read new rows, place them, write their positions.

import { CneModelError, Embedding, loadModel } from "../index.ts";
import { fileError } from "./errors.ts";
import { INPUT_FORMATS, describeRows, formatOf, readFileBytes, readTable } from "./read.ts";
import { OUTPUT_FORMATS, outputFormatOf, writeEmbedding } from "./write.ts";
import { runSession } from "./session.ts";
import { checkDistinctPaths, checkWritable } from "./preflight.ts";
import type { TransformCommand } from "./model-args.ts";

export function runTransform(command: TransformCommand): Promise<number> {
  return runSession(command.input, command.quiet, async ({ signal, progress, compute }) => {
    if (!formatOf(command.input)) fileError(command.input, `unknown input format (expected ${INPUT_FORMATS})`);
    if (!outputFormatOf(command.out)) fileError(command.out, `unknown output format (expected ${OUTPUT_FORMATS})`);
    checkDistinctPaths([{ what: "model", path: command.model }, { what: "input", path: command.input }], [{ what: "--out", path: command.out }]);
    checkWritable(command.out);
    const file = await readFileBytes(command.model, command.reading.maxInputBytes);
    // a plain Uint8Array: a Buffer's slice() is a view, not the copy the model reader may take
    const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
    let model: Awaited<ReturnType<typeof loadModel>>;
    try {
      model = await loadModel(bytes);
    } catch (error) {
      if (error instanceof CneModelError) fileError(command.model, error.message.replace(/^cne-wasm: /, ""));
      throw error;
    }
    try {
      if (command.epochs !== undefined && !(model instanceof Embedding)) {
        fileError(command.model, "--epochs applies to non-parametric models only (a parametric model places rows by a forward pass)");
      }
      if (command.knn !== undefined && !(model instanceof Embedding)) {
        fileError(command.model, "--knn applies to non-parametric models only (a parametric model places rows by a forward pass)");
      }
      const table = await readTable(command.input, command.labelColumn, command.reading);
      if (table.dim !== model.dim) {
        fileError(command.input, `has ${table.dim} columns; the model was fitted on ${model.dim} (--label-column drops a column that is not data)`);
      }
      const placed = await compute(() => model instanceof Embedding
        ? model.transform(table.values, { nEpochs: command.epochs, knn: command.knn, signal, onProgress: (f, stage) => progress.update(f, stage) })
        : model.transform(table.values));
      await writeEmbedding(command.out, placed, table.n, model.outDim);
      const rows = describeRows(command.input, table);
      if (!command.quiet) process.stderr.write(`cne: wrote ${command.out} (${table.n} × ${model.outDim})${rows ? `; ${rows}` : ""}\n`);
    } finally {
      model.destroy();
    }
  });
}
