// The command-line grammar: flags, their parsers and their mapping onto the embedding's options.

import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import type { EmbeddingOptions } from "../index.ts";

/** The options the flags set, named as the API names them. */
export type FlagOptions = Pick<
  EmbeddingOptions,
  "loss" | "s" | "zBar" | "negativeSamples" | "nEpochs" | "batchSize" | "k" | "init" | "knn" | "seed" | "threads"
>;

export interface EmbedCommand {
  input: string;
  out: string;
  plot?: string;
  labels?: string;
  labelColumn?: string;
  /** the plot's title line (default: data file, loss, s, n) */
  title?: string;
  quiet: boolean;
  options: FlagOptions;
}

export const INPUT_HELP = "data file: .npy (2-D), .csv or .tsv (optionally .gz, header detected), .json (array of rows)";

/** API option name → flag, so that errors from the API speak in flags. */
export const FLAG_OF_OPTION: Record<keyof FlagOptions, string> = {
  loss: "--loss",
  s: "--s",
  zBar: "--z-bar",
  negativeSamples: "--negatives",
  nEpochs: "--epochs",
  batchSize: "--batch-size",
  k: "--k",
  init: "--init",
  knn: "--knn",
  seed: "--seed",
  threads: "--threads",
};

export function parseNumber(value: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v)) throw new InvalidArgumentError("Expected a number.");
  return v;
}

export function parseInteger(value: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(v)) throw new InvalidArgumentError("Expected an integer.");
  return v;
}

function version(): string {
  try {
    return JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
  } catch {
    return "unknown";
  }
}

/** The flags that set embedding options (all but --s and --z-bar, which `spectrum` sets its own way). */
export function addEmbeddingFlags(command: Command, { spectrum = true } = {}): Command {
  command.addOption(new Option("--loss <loss>", "contrastive loss").choices(["neg", "nce", "infonce", "umap"]));
  if (spectrum) {
    command
      .option("--s <S>", "position on the spectrum: 0 ≈ t-SNE, 1 = UMAP's normalisation", parseNumber)
      .option("--z-bar <Z>", "fixed normalisation constant of the neg loss (instead of --s)", parseNumber);
  }
  return command
    .option("--negatives <M>", "negative samples per positive edge", parseInteger)
    .option("--epochs <N>", "epochs over the edges (early exaggeration and main phase together)", parseInteger)
    .option("--batch-size <B>", "edges per batch", parseInteger)
    .option("--k <K>", "neighbours per point in the kNN graph", parseInteger)
    .addOption(new Option("--init <method>", "initial layout").choices(["pca", "random", "spectral"]))
    .addOption(new Option("--knn <method>", "nearest-neighbour search").choices(["auto", "exact", "nndescent", "hnsw"]))
    .option("--seed <S>", "seed of every random choice", parseInteger)
    .option("--threads <T>", "threads (default: all cores)", parseInteger);
}

/** The flags that give labels for colouring. */
export function addLabelFlags(command: Command): Command {
  return command
    .addOption(new Option("--labels <file>", "labels, one per line (or a .npy of integers), to colour the plot").conflicts("labelColumn"))
    .option("--label-column <column>", "take labels from this input column: a header name, a 0-based index or 'last'");
}

/** The embedding options the parsed flags set. */
export function flagOptions(flags: Record<string, unknown>): FlagOptions {
  const options: FlagOptions = {};
  for (const name of Object.keys(FLAG_OF_OPTION) as (keyof FlagOptions)[]) {
    const flagKey = name === "negativeSamples" ? "negatives" : name === "nEpochs" ? "epochs" : name;
    if (flags[flagKey] !== undefined) (options as Record<string, unknown>)[name] = flags[flagKey];
  }
  return options;
}

/** The `cne` program with its `embed` command; `onEmbed` receives the parsed command. */
export function buildProgram(onEmbed: (command: EmbedCommand) => void): Command {
  const program = new Command("cne")
    .description("Contrastive neighbor embeddings (t-SNE, UMAP, NCVis, Neg-t-SNE and the spectrum between them).")
    .version(version())
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text, write) => write(`cne: ${text.replace(/^error: /, "")}`) });

  const embedCommand = program
    .command("embed")
    .description("Embed the rows of a data file in 2-D and write the layout (and optionally a scatter plot).")
    .argument("<input>", INPUT_HELP)
    .requiredOption("--out <file>", "where to write the embedding: .npy (float32), .csv or .json");
  addLabelFlags(addEmbeddingFlags(embedCommand))
    .option("--plot <file>", "write a scatter plot coloured by label: .png or .svg")
    .option("--title <text>", "the plot's title line (default: data file, loss, s and n)")
    .option("--quiet", "no progress bars or summary on stderr")
    .action((input: string, flags: Record<string, unknown>) => {
      onEmbed({
        input,
        out: flags.out as string,
        plot: flags.plot as string | undefined,
        labels: flags.labels as string | undefined,
        labelColumn: flags.labelColumn as string | undefined,
        title: flags.title as string | undefined,
        quiet: flags.quiet === true,
        options: flagOptions(flags),
      });
    });
  return program;
}
