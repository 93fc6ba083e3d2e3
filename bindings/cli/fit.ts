// `cne fit`: read the data, fit (non-parametric or parametric) with progress and Ctrl-C, write the model file
// and optionally the training layout.

import { createEmbedding, createParametricEmbedding, Embedding } from "../index.ts";
import { fileError } from "./errors.ts";
import { INPUT_FORMATS, describeRows, formatOf, readTable } from "./read.ts";
import { checkWriteNeighbors, neighborsOf, precomputedOptions, readingOf } from "./neighbors.ts";
import { OUTPUT_FORMATS, outputFormatOf, writeBytes, writeEmbedding } from "./write.ts";
import { runSession, flagMessage } from "./session.ts";
import { checkDistinctPaths, checkWritable } from "./preflight.ts";
import type { FitCommand } from "./model-args.ts";

const OUT_DIM = 2;

export function runFit(command: FitCommand): Promise<number> {
  return runSession(command.input, command.quiet, async ({ signal, progress, compute }) => {
    if (!formatOf(command.input)) fileError(command.input, `unknown input format (expected ${INPUT_FORMATS})`);
    if (command.out !== undefined && !outputFormatOf(command.out)) fileError(command.out, `unknown output format (expected ${OUTPUT_FORMATS})`);
    checkDistinctPaths(
      [{ what: "input", path: command.input }],
      [{ what: "--save-model", path: command.saveModel }, ...(command.out !== undefined ? [{ what: "--out", path: command.out }] : [])],
    );
    checkWriteNeighbors(command.out, command.writeNeighbors);
    if (command.writeNeighbors && command.parametric) fileError(command.out!, "--write-neighbors: a parametric fit keeps no kNN graph to write");
    checkWritable(command.saveModel);
    if (command.out !== undefined) checkWritable(command.out);
    const table = await readTable(command.input, command.labelColumn, readingOf(command.reading, command.options));

    const { bytes, layout, neighbors } = await compute(async () => {
      const options = {
        ...command.options, ...precomputedOptions(table), n: table.n, dim: table.dim, outDim: OUT_DIM,
        onWarning: (message: string) => process.stderr.write(`cne: warning: ${command.input}: ${flagMessage(message)}\n`),
      };
      const handle = command.parametric ? createParametricEmbedding(table.values, options) : createEmbedding(table.values, options);
      try {
        const y = await handle.run({ signal, onProgress: (fraction, stage) => progress.update(fraction, stage) });
        return { bytes: handle.save(), layout: y, neighbors: command.writeNeighbors && handle instanceof Embedding ? neighborsOf(handle) : undefined };
      } finally {
        handle.destroy();
      }
    });

    await writeBytes(command.saveModel, bytes);
    if (command.out !== undefined) await writeEmbedding(command.out, layout, table.n, OUT_DIM, { metadata: table.metadata, labels: table.labels, neighbors });
    if (!command.quiet) {
      const kind = command.parametric ? "parametric model" : "model";
      const also = command.out !== undefined ? ` and ${command.out} (${table.n} × ${OUT_DIM})` : "";
      const rows = describeRows(command.input, table);
      process.stderr.write(`cne: wrote ${command.saveModel} (${kind}, ${bytes.length} bytes)${also}${rows ? `; ${rows}` : ""}\n`);
    }
  });
}
