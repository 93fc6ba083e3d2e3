// The grammar of `cne fit` (fit and save a model) and `cne transform` (place new rows with a saved model).

import { Option, type Command } from "commander";
import { addEmbeddingFlags, addInputFlags, flagOptions, INPUT_HELP, inputFlags, parseInteger, WRITE_NEIGHBORS_HELP, type FlagOptions } from "./args.ts";
import type { InputOptions } from "./read.ts";
import { QUERY_METHODS, type QueryMethod } from "../index.ts";

export interface FitCommand {
  input: string;
  /** where the model goes (docs/model-format.md) */
  saveModel: string;
  parametric: boolean;
  /** the training layout, optionally */
  out?: string;
  labelColumn?: string;
  /** --write-neighbors: the fit's kNN as a neighbors column of a Parquet/Arrow layout */
  writeNeighbors: boolean;
  quiet: boolean;
  /** how the input is read: --header / --no-header, --max-input-bytes */
  reading: InputOptions;
  options: FlagOptions;
}

export interface TransformCommand {
  model: string;
  input: string;
  out: string;
  labelColumn?: string;
  /** placement epochs of a non-parametric model */
  epochs?: number;
  /** the new rows' neighbour search of a non-parametric model (default: as the fit searched) */
  knn?: QueryMethod;
  quiet: boolean;
  /** rows per block of the streamed transform */
  chunkRows: number;
  /** transform workers to send the blocks to, instead of placing them here */
  endpoints: string[];
  /** blocks in flight per endpoint */
  concurrency: number;
  /** further attempts of a failed block */
  retries: number;
  /** one request's time limit, seconds */
  timeout: number;
  /** continue a partial output left by an interrupted run (default) */
  resume: boolean;
  /** true/false: the text input has a header line or none; undefined: the header rule (bindings/io/header.ts) */
  header?: boolean;
  /** Parquet and Arrow: the list column holding the vector */
  vectorColumn?: string;
  /** threads of the local transform (default: all cores) */
  threads?: number;
}

/** Rows per block of the streamed transform: 65,536 rows of 50 float32 are 13 MB, of 784 are 205 MB in flight. */
export const DEFAULT_CHUNK_ROWS = 16384;

const LABEL_COLUMN_HELP = "a column of the input that is not data (e.g. labels): a header name, a 0-based index or 'last'";

export function addModelCommands(program: Command, onFit: (c: FitCommand) => void, onTransform: (c: TransformCommand) => void): void {
  const fit = program
    .command("fit")
    .description("Fit an embedding and save it as a model file, to place new rows later with `cne transform`.")
    .argument("<input>", INPUT_HELP)
    .requiredOption("--save-model <file>", "where to write the model (e.g. model.cne)")
    .option("--parametric", "train a network (3 × 100 ReLU units) that embeds new rows by a forward pass")
    .option("--out <file>", "also write the training layout: .npy (float32), .csv, .json, or .parquet/.arrow/.arrows (the input's other columns, then x and y)")
    .option("--write-neighbors", WRITE_NEIGHBORS_HELP);
  addInputFlags(addEmbeddingFlags(fit))
    .option("--label-column <column>", LABEL_COLUMN_HELP)
    .option("--quiet", "no progress bars or summary on stderr")
    .action((input: string, flags: Record<string, unknown>) => {
      onFit({
        input,
        saveModel: flags.saveModel as string,
        parametric: flags.parametric === true,
        out: flags.out as string | undefined,
        labelColumn: flags.labelColumn as string | undefined,
        writeNeighbors: flags.writeNeighbors === true,
        quiet: flags.quiet === true,
        reading: inputFlags(flags),
        options: flagOptions(flags),
      });
    });

  program
    .command("transform")
    .description("Place the rows of a data file in the layout of a saved model (`cne fit --save-model`).")
    .argument("<model>", "a model file written by `cne fit --save-model`")
    .argument("<input>", INPUT_HELP)
    .requiredOption("--out <file>", "where to write the new rows' positions: .npy (float32), .csv, .json, or .parquet/.arrow/.arrows (the input's other columns, then x and y)")
    .option("--label-column <column>", LABEL_COLUMN_HELP)
    .option("--epochs <N>", "placement epochs of a non-parametric model (default 30)", parseInteger)
    .addOption(
      new Option("--knn <method>", "neighbour search of a non-parametric model: exact, or a search of its kNN graph (default: as the fit)")
        .choices(QUERY_METHODS),
    )
    .option("--chunk-rows <N>", `rows read, placed and written at a time: memory stays flat whatever the row count (default ${DEFAULT_CHUNK_ROWS})`, parseInteger)
    .option("--endpoint <url>", "a transform worker (examples/edge) to send blocks to; repeat for a fleet", (v: string, all: string[] = []) => [...all, v])
    .option("--concurrency <N>", "blocks in flight per endpoint (default 2)", parseInteger)
    .option("--retries <N>", "further attempts of a block that failed, on any endpoint (default 8)", parseInteger)
    .option("--timeout <seconds>", "time limit of one request to an endpoint (default 120)", parseInteger)
    .option("--threads <N>", "threads of the local transform (default: all cores)", parseInteger)
    .option("--no-resume", "start afresh instead of continuing the partial output of an interrupted run")
    .option("--header", "the text input's first line is a header")
    .option("--no-header", "the text input has no header line")
    .option("--vector-column <name>", "Parquet, Arrow: the list column holding the vector (default: the one list column of numbers, else the numeric columns)")
    .option("--quiet", "no progress bars or summary on stderr")
    .action((model: string, input: string, flags: Record<string, unknown>) => {
      const positive = (flag: string, v: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
        if (v === undefined) return fallback;
        if (typeof v !== "number" || v < 1 || v > max) program.error(`error: option '${flag}' must be an integer from 1 to ${max}, got ${String(v)}`);
        return v as number;
      };
      onTransform({
        model,
        input,
        out: flags.out as string,
        labelColumn: flags.labelColumn as string | undefined,
        epochs: flags.epochs as number | undefined,
        knn: flags.knn as QueryMethod | undefined,
        quiet: flags.quiet === true,
        chunkRows: positive("--chunk-rows", flags.chunkRows, DEFAULT_CHUNK_ROWS, 1 << 24),
        endpoints: (flags.endpoint as string[] | undefined) ?? [],
        concurrency: positive("--concurrency", flags.concurrency, 2, 64),
        retries: flags.retries === undefined ? 8 : Math.max(0, Math.min(100, flags.retries as number)),
        timeout: positive("--timeout", flags.timeout, 120, 3600),
        resume: flags.resume !== false,
        header: flags.header as boolean | undefined,
        vectorColumn: flags.vectorColumn as string | undefined,
        threads: flags.threads === undefined ? undefined : positive("--threads", flags.threads, 1, 256),
      });
    });
}
