// The command-line grammar: flags, their parsers and their mapping onto the embedding's options. The option
// flags, their help, parsers and choices come from the options table (options/embedding.ts).

import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { EMBEDDING_OPTIONS, type EmbeddingOptions, type OptionSpec } from "../index.ts";
import { DEFAULT_MAX_INPUT_BYTES, type InputOptions } from "./read.ts";

type Table = typeof EMBEDDING_OPTIONS;
/** The options that have a flag. */
type FlagName = { [K in keyof Table]: Table[K] extends { cli: object } ? K : never }[keyof Table];

/** The options the flags set, named as the API names them. */
export type FlagOptions = Pick<EmbeddingOptions, FlagName>;

export interface EmbedCommand {
  input: string;
  out: string;
  plot?: string;
  labels?: string;
  labelColumn?: string;
  /** the plot's title line (default: data file, loss, s, n) */
  title?: string;
  /** --write-neighbors: the fit's kNN as a neighbors column of a Parquet/Arrow layout */
  writeNeighbors: boolean;
  quiet: boolean;
  /** how the input is read: --header / --no-header, --max-input-bytes */
  reading: InputOptions;
  options: FlagOptions;
}

export const WRITE_NEIGHBORS_HELP = "add a neighbors column to a .parquet/.arrow/.arrows layout: the fit's k nearest neighbours of each row, {ids, distances} as Embedding Atlas reads them";

export const INPUT_HELP = "data file: .npy (2-D), .csv or .tsv (optionally .gz; a first row of names only is a header), .json (array of rows), .parquet, .arrow/.arrows (Arrow IPC) or .jsonl (the vector in one list column or in the numeric columns)";

/** The flags of reading the input. */
export function addInputFlags(command: Command): Command {
  return command
    .option("--header", "the input's first row is a header (default: only when every field of it is a name)")
    .option("--no-header", "the input's first row is data")
    .option("--vector-column <name>", "Parquet, Arrow, JSONL: the list column holding the vector (default: the one list column of numbers, else every numeric column)")
    .option("--neighbors-column <name>", "Parquet, Arrow, JSONL: precomputed neighbours, {ids, distances} per row as Embedding Atlas writes them (or a list of ids), used instead of a search; --k defaults to as many as a row lists")
    .option("--max-input-bytes <N>", `refuse an input of more bytes than this (default ${DEFAULT_MAX_INPUT_BYTES}, 2 GiB)`, parseInteger);
}

/** How the parsed flags say the input is read. */
export function inputFlags(flags: Record<string, unknown>): InputOptions {
  return {
    header: flags.header as boolean | undefined, maxInputBytes: flags.maxInputBytes as number | undefined, vectorColumn: flags.vectorColumn as string | undefined,
    neighborsColumn: flags.neighborsColumn as string | undefined,
  };
}

const FLAGGED = Object.entries(EMBEDDING_OPTIONS as Record<string, OptionSpec>).flatMap(([name, spec]) =>
  "cli" in spec && spec.cli ? [{ name: name as FlagName, spec, cli: spec.cli }] : [],
);

/** API option name → flag, so that errors from the API speak in flags. */
export const FLAG_OF_OPTION = Object.fromEntries(FLAGGED.map((f) => [f.name, f.cli.flag])) as Record<FlagName, string>;

/** The option's flag as commander declares it, with its parser or choices. */
function flagOption({ spec, cli }: (typeof FLAGGED)[number]): Option {
  const option = new Option(`${cli.flag} <${cli.value}>`, cli.help);
  if (spec.type === "enum") return option.choices(spec.values);
  if (spec.type === "integer" && spec.orFalse) return option.argParser(integerOrOff);
  if (spec.type === "integer") return option.argParser(parseInteger);
  if (spec.type === "number" && spec.orValues) {
    const words = spec.orValues;
    return option.argParser((value: string): number | string => (words.includes(value) ? value : numberOr(value, ` or ${words.join(" or ")}`)));
  }
  if (spec.type === "number") return option.argParser(parseNumber);
  return option;
}

/** commander's key of a flag's value: the flag in camel case. */
function flagKey(flag: string): string {
  return flag.replace(/^--/, "").replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

export function parseNumber(value: string): number {
  return numberOr(value, "");
}

/** A number, or the error naming what else the flag takes (`or`: " or tsne"). */
function numberOr(value: string, or: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v)) throw new InvalidArgumentError(`Expected a number${or}.`);
  return v;
}

export function parseInteger(value: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(v)) throw new InvalidArgumentError("Expected an integer.");
  return v;
}

/** An integer, or "off" for the option's false (--pca off: no PCA). */
export function integerOrOff(value: string): number | false {
  if (value === "off") return false;
  const v = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(v)) throw new InvalidArgumentError("Expected an integer or off.");
  return v;
}

function version(): string {
  try {
    return JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
  } catch {
    return "unknown";
  }
}

/** The options `spectrum` sets its own way. */
const SPECTRUM_POSITION: readonly FlagName[] = ["s", "zBar"];

/** The flags that set embedding options (all but --s and --z-bar when `spectrum` is false). */
export function addEmbeddingFlags(command: Command, { spectrum = true } = {}): Command {
  for (const flagged of FLAGGED) {
    if (spectrum || !SPECTRUM_POSITION.includes(flagged.name)) command.addOption(flagOption(flagged));
  }
  return command;
}

/** The flags that give labels for colouring. */
export function addLabelFlags(command: Command): Command {
  return command
    .addOption(new Option("--labels <file>", "labels, one per line (or a .npy of integers), to colour the plot").conflicts("labelColumn"))
    .option("--label-column <column>", "take labels from this input column: a header name, a 0-based index or 'last'");
}

/** The embedding options the parsed flags set. */
export function flagOptions(flags: Record<string, unknown>): FlagOptions {
  const options: Record<string, unknown> = {};
  for (const { name, cli } of FLAGGED) {
    const value = flags[flagKey(cli.flag)];
    if (value !== undefined) options[name] = value;
  }
  return options as FlagOptions;
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
    .requiredOption("--out <file>", "where to write the embedding: .npy (float32), .csv, .json, or .parquet/.arrow/.arrows (the input's other columns, then x and y)")
    .option("--write-neighbors", WRITE_NEIGHBORS_HELP);
  addInputFlags(addLabelFlags(addEmbeddingFlags(embedCommand)))
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
        writeNeighbors: flags.writeNeighbors === true,
        quiet: flags.quiet === true,
        reading: inputFlags(flags),
        options: flagOptions(flags),
      });
    });
  return program;
}
