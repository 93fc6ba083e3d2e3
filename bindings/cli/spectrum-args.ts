// The grammar of `cne spectrum`: the embedding flags, the list of s values, and what to write.

import { InvalidArgumentError, type Command } from "commander";
import { addEmbeddingFlags, addInputFlags, addLabelFlags, flagOptions, INPUT_HELP, inputFlags, parseInteger, type FlagOptions } from "./args.ts";
import type { InputOptions } from "./read.ts";

export interface SpectrumCommand {
  input: string;
  s: number[];
  /** prefix of the layout files: <prefix>-s<value>.<ext> */
  out?: string;
  /** the grid PNG */
  plot?: string;
  labels?: string;
  labelColumn?: string;
  title?: string;
  stepEpochs?: number;
  align: boolean;
  /** start from t-SNE itself at s = 0 and walk up from it */
  tsneEnd: boolean;
  quiet: boolean;
  reading: InputOptions;
  options: Omit<FlagOptions, "s" | "zBar">;
}

export const DEFAULT_SERIES = "0,0.25,0.5,0.75,1";

function parseList(value: string): number[] {
  const parts = value.split(",").map((p) => p.trim());
  const values = parts.map(Number);
  if (parts.some((p) => p === "") || values.some((v) => !Number.isFinite(v))) {
    throw new InvalidArgumentError("Expected numbers separated by commas, e.g. -0.5,0,0.5,1.");
  }
  return values;
}

export function addSpectrumCommand(program: Command, onSpectrum: (command: SpectrumCommand) => void): void {
  const command = program
    .command("spectrum")
    .description("Embed along the spectrum from t-SNE (s = 0) to UMAP (s = 1) and beyond: one layout per s, each warm-started from the one before and aligned to it; a grid plot of all of them.")
    .argument("<input>", INPUT_HELP)
    .option("--s <list>", "the points of the spectrum, in order, comma-separated", parseList, parseList(DEFAULT_SERIES))
    .option("--out <prefix>", "write each layout to <prefix>-s<value>.npy (or .csv/.json, or .parquet/.arrow/.arrows with the input's other columns, when the prefix ends so)")
    .option("--plot <file>", "write a grid plot (.png): a panel per s, titled with s and Z\u0304");
  addInputFlags(addLabelFlags(addEmbeddingFlags(command, { spectrum: false })))
    .option("--step-epochs <N>", "epochs of each layout after the first (default: a third of --epochs)", parseInteger)
    .option("--no-align", "keep each layout as optimised (no Procrustes alignment)")
    .option("--tsne-end", "put t-SNE itself (--loss tsne's fit, with --perplexity etc.) at s = 0 and walk up from it with --loss (default neg); every s ≥ 0, 0 among them")
    .option("--title <text>", "the grid's title line (default: data file, loss and n)")
    .option("--quiet", "no progress bars or summary on stderr")
    .action((input: string, flags: Record<string, unknown>) => {
      onSpectrum({
        input,
        s: flags.s as number[],
        out: flags.out as string | undefined,
        plot: flags.plot as string | undefined,
        labels: flags.labels as string | undefined,
        labelColumn: flags.labelColumn as string | undefined,
        title: flags.title as string | undefined,
        stepEpochs: flags.stepEpochs as number | undefined,
        align: flags.align !== false,
        tsneEnd: flags.tsneEnd === true,
        quiet: flags.quiet === true,
        reading: inputFlags(flags),
        options: flagOptions(flags),
      });
    });
}
