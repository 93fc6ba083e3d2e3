// `cne embed`: read the data (and labels), run the embedding with progress and Ctrl-C, write the layout and
// the plot. Every failure becomes one line on stderr and exit code 1.

import { CneInputError, createEmbedding } from "../index.ts";
import { FLAG_OF_OPTION, type EmbedCommand } from "./args.ts";
import { CliError, fileError } from "./errors.ts";
import { createProgress } from "./progress.ts";
import { INPUT_FORMATS, formatOf, readLabels, readTable, type Table } from "./read.ts";
import { OUTPUT_FORMATS, outputFormatOf, writeEmbedding } from "./write.ts";
import { plotFormatOf, writePlot } from "./plot.ts";
import { checkWritable } from "./preflight.ts";

const OUT_DIM = 2;

/** An API error, with option names replaced by the flags that set them. */
function flagMessage(message: string): string {
  let text = message.replace(/^cne-wasm: /, "");
  for (const [name, flag] of Object.entries(FLAG_OF_OPTION)) {
    text = text.replace(new RegExp(`(^|[^\\w'-])${name}(?![\\w'-])`, "g"), `$1${flag}`);
  }
  return text;
}

function isAbort(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

/** The table's values, leaving it without them. */
function takeValues(table: Table): Float32Array {
  const values = table.values;
  table.values = new Float32Array(0);
  return values;
}

/** Runs the command; resolves to the exit code (0, 1 on errors, 130 when interrupted). */
export async function runEmbed(command: EmbedCommand): Promise<number> {
  const progress = createProgress(!command.quiet);
  const controller = new AbortController();
  const onInterrupt = () => {
    // A second Ctrl-C leaves at once, in case the work does not stop promptly.
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", onInterrupt);
  try {
    if (!formatOf(command.input)) fileError(command.input, `unknown input format (expected ${INPUT_FORMATS})`);
    if (!outputFormatOf(command.out)) fileError(command.out, `unknown output format (expected ${OUTPUT_FORMATS})`);
    if (command.plot !== undefined && !plotFormatOf(command.plot)) fileError(command.plot, "unknown plot format (expected .png or .svg)");
    checkWritable(command.out);
    if (command.plot !== undefined) checkWritable(command.plot);
    const table = await readTable(command.input, command.labelColumn);
    const labels = command.labels !== undefined ? await readLabels(command.labels, table.n) : table.labels;

    let embedding: Float32Array;
    try {
      // The handle takes the only reference to the values, so the file's buffer can be collected once the
      // core holds its copy (a large input is not kept twice through the fit).
      const handle = createEmbedding(takeValues(table), {
        ...command.options,
        n: table.n,
        dim: table.dim,
        outDim: OUT_DIM,
        onWarning: (message) => process.stderr.write(`cne: warning: ${command.input}: ${flagMessage(message)}
`),
      });
      try {
        embedding = await handle.run({ signal: controller.signal, onProgress: (fraction, stage) => progress.update(fraction, stage) });
      } finally {
        handle.destroy();
      }
      progress.finish(true);
    } catch (error) {
      progress.finish(false);
      if (isAbort(error)) throw error;
      if (error instanceof CneInputError) throw new CliError(`${command.input}: ${flagMessage(error.message)}`);
      throw error;
    }

    await writeEmbedding(command.out, embedding, table.n, OUT_DIM);
    if (command.plot !== undefined) await writePlot(command.plot, { values: embedding, n: table.n, dim: OUT_DIM, labels });
    if (!command.quiet) {
      const plotted = command.plot !== undefined ? ` and ${command.plot}` : "";
      process.stderr.write(`cne: wrote ${command.out} (${table.n} × ${OUT_DIM})${plotted}\n`);
    }
    return 0;
  } catch (error) {
    if (isAbort(error)) {
      process.stderr.write("cne: interrupted\n");
      return 130;
    }
    if (error instanceof CliError) {
      process.stderr.write(`cne: ${error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cne: ${command.input}: ${message.split("\n")[0]}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}
