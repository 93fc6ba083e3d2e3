// `cne embed`: read the data (and labels), run the embedding with progress and Ctrl-C, write the layout and
// the plot. Every failure becomes one line on stderr and exit code 1.

import { basename } from "node:path";
import { checkEmbeddingOptions, CneInputError, createEmbedding, LOSSES } from "../index.ts";
import type { EmbedCommand, FlagOptions } from "./args.ts";
import { CliError, fileError } from "./errors.ts";
import { INPUT_FORMATS, describeRows, formatOf, readLabels, readTable, type Table } from "./read.ts";
import { OUTPUT_FORMATS, outputFormatOf, writeEmbedding } from "./write.ts";
import { plotFormatOf, writePlot } from "./plot.ts";
import { runSession, flagMessage } from "./session.ts";
import { checkDistinctPaths, checkWritable } from "./preflight.ts";
import { checkWriteNeighbors, neighborsOf, precomputedOptions, readingOf } from "./neighbors.ts";

const OUT_DIM = 2;

/**
 * The plot's default title line: the data file, the loss, where on the spectrum, and n. `zBar`: the Z̄ the fit
 * resolved (zBar "tsne": the t-SNE fit's Z).
 */
export function plotTitle(input: string, options: FlagOptions, n: number, zBar?: number): string {
  const loss = options.loss ?? "neg";
  const parts = [basename(input), loss];
  if (options.zBar === "tsne") parts.push(zBar !== undefined ? `Z\u0304 = Z(t-SNE) = ${formatZ(zBar)}` : "Z\u0304 = Z(t-SNE)");
  else if (options.zBar !== undefined) parts.push(`Z\u0304 = ${formatZ(options.zBar)}`);
  else if (LOSSES[loss].target !== "none") parts.push(`s = ${options.s ?? 0}`);
  parts.push(`n = ${n}`);
  return parts.join(" · ");
}

/** A normalisation constant in short scientific notation (3.43e7). */
export function formatZ(z: number): string {
  return z.toExponential(2).replace("e+", "e");
}

/** The table's values, leaving it without them. */
function takeValues(table: Table): Float32Array {
  const values = table.values;
  table.values = new Float32Array(0);
  return values;
}

/** Runs the command; resolves to the exit code (0, 1 on errors, 130 when interrupted). */
export function runEmbed(command: EmbedCommand): Promise<number> {
  return runSession(command.input, command.quiet, async ({ signal, progress, compute }) => {
    if (!formatOf(command.input)) fileError(command.input, `unknown input format (expected ${INPUT_FORMATS})`);
    if (!outputFormatOf(command.out)) fileError(command.out, `unknown output format (expected ${OUTPUT_FORMATS})`);
    if (command.plot !== undefined && !plotFormatOf(command.plot)) fileError(command.plot, "unknown plot format (expected .png or .svg)");
    checkDistinctPaths(
      [{ what: "input", path: command.input }, ...(command.labels !== undefined ? [{ what: "--labels", path: command.labels }] : [])],
      [{ what: "--out", path: command.out }, ...(command.plot !== undefined ? [{ what: "--plot", path: command.plot }] : [])],
    );
    checkWriteNeighbors(command.out, command.writeNeighbors);
    checkWritable(command.out);
    if (command.plot !== undefined) checkWritable(command.plot);
    // every option value is checked before the data is read (what depends on n is checked once it is known)
    try {
      checkEmbeddingOptions({ ...command.options, outDim: OUT_DIM });
    } catch (error) {
      if (error instanceof CneInputError) throw new CliError(flagMessage(error.message));
      throw error;
    }
    const table = await readTable(command.input, command.labelColumn, readingOf(command.reading, command.options));
    const labels = command.labels !== undefined ? await readLabels(command.labels, table.n, command.reading.maxInputBytes) : table.labels;
    const rows = describeRows(command.input, table);

    let runtime = "";
    let zBar: number | undefined;
    const { embedding, neighbors } = await compute(async () => {
      // The handle takes the only reference to the values, so the file's buffer can be collected once the
      // core holds its copy (a large input is not kept twice through the fit).
      const handle = createEmbedding(takeValues(table), {
        ...command.options,
        ...precomputedOptions(table),
        n: table.n,
        dim: table.dim,
        outDim: OUT_DIM,
        onWarning: (message) => process.stderr.write(`cne: warning: ${command.input}: ${flagMessage(message)}\n`),
      });
      try {
        const layout = await handle.run({ signal, onProgress: (fraction, stage) => progress.update(fraction, stage) });
        zBar = handle.settings?.zBar;
        const used = handle.runtime;
        if (used) runtime = `; ${used.build} build, ${used.threads} thread${used.threads === 1 ? "" : "s"}`;
        return { embedding: layout, neighbors: command.writeNeighbors ? neighborsOf(handle) : undefined };
      } finally {
        handle.destroy();
      }
    });

    await writeEmbedding(command.out, embedding, table.n, OUT_DIM, { metadata: table.metadata, labels, neighbors });
    if (command.plot !== undefined) {
      const title = command.title ?? plotTitle(command.input, command.options, table.n, zBar);
      await writePlot(command.plot, { values: embedding, n: table.n, dim: OUT_DIM, labels, title });
    }
    if (!command.quiet) {
      const plotted = command.plot !== undefined ? ` and ${command.plot}` : "";
      process.stderr.write(`cne: wrote ${command.out} (${table.n} × ${OUT_DIM})${plotted}${rows ? `; ${rows}` : ""}${runtime}\n`);
    }
  });
}
