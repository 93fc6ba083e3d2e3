// The grammar of `cne fit` (fit and save a model) and `cne transform` (place new rows with a saved model).

import { Option, type Command } from "commander";
import { addEmbeddingFlags, flagOptions, INPUT_HELP, parseInteger, type FlagOptions } from "./args.ts";
import { QUERY_METHODS, type QueryMethod } from "../index.ts";

export interface FitCommand {
  input: string;
  /** where the model goes (docs/model-format.md) */
  saveModel: string;
  parametric: boolean;
  /** the training layout, optionally */
  out?: string;
  labelColumn?: string;
  quiet: boolean;
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
}

const LABEL_COLUMN_HELP = "a column of the input that is not data (e.g. labels): a header name, a 0-based index or 'last'";

export function addModelCommands(program: Command, onFit: (c: FitCommand) => void, onTransform: (c: TransformCommand) => void): void {
  const fit = program
    .command("fit")
    .description("Fit an embedding and save it as a model file, to place new rows later with `cne transform`.")
    .argument("<input>", INPUT_HELP)
    .requiredOption("--save-model <file>", "where to write the model (e.g. model.cne)")
    .option("--parametric", "train a network (3 × 100 ReLU units) that embeds new rows by a forward pass")
    .option("--out <file>", "also write the training layout: .npy (float32), .csv or .json");
  addEmbeddingFlags(fit)
    .option("--label-column <column>", LABEL_COLUMN_HELP)
    .option("--quiet", "no progress bars or summary on stderr")
    .action((input: string, flags: Record<string, unknown>) => {
      onFit({
        input,
        saveModel: flags.saveModel as string,
        parametric: flags.parametric === true,
        out: flags.out as string | undefined,
        labelColumn: flags.labelColumn as string | undefined,
        quiet: flags.quiet === true,
        options: flagOptions(flags),
      });
    });

  program
    .command("transform")
    .description("Place the rows of a data file in the layout of a saved model (`cne fit --save-model`).")
    .argument("<model>", "a model file written by `cne fit --save-model`")
    .argument("<input>", INPUT_HELP)
    .requiredOption("--out <file>", "where to write the new rows' positions: .npy (float32), .csv or .json")
    .option("--label-column <column>", LABEL_COLUMN_HELP)
    .option("--epochs <N>", "placement epochs of a non-parametric model (default 30)", parseInteger)
    .addOption(
      new Option("--knn <method>", "neighbour search of a non-parametric model: exact, or a search of its kNN graph (default: as the fit)")
        .choices(QUERY_METHODS),
    )
    .option("--quiet", "no progress bars or summary on stderr")
    .action((model: string, input: string, flags: Record<string, unknown>) => {
      onTransform({
        model,
        input,
        out: flags.out as string,
        labelColumn: flags.labelColumn as string | undefined,
        epochs: flags.epochs as number | undefined,
        knn: flags.knn as QueryMethod | undefined,
        quiet: flags.quiet === true,
      });
    });
}
