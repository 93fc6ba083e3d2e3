// The grammar of `cne serve`: which file to open first, and where to listen.

import { Option, type Command } from "commander";
import { parseInteger } from "./args.ts";

export interface ServeCommand {
  /** a data file to open in the page (default: the bundled digits) */
  file?: string;
  labelColumn?: string;
  /** Parquet, Arrow, JSONL: the list column holding the vector */
  vectorColumn?: string;
  port: number;
  host: string;
  /** send COOP/COEP so the page is cross-origin isolated and computes on threads */
  isolation: boolean;
}

export const DEFAULT_PORT = 8765;

export function addServeCommand(program: Command, onServe: (command: ServeCommand) => void): void {
  program
    .command("serve")
    .description("Open the spectrum explorer: a page served on this machine only (loopback), where an s slider walks from t-SNE to UMAP.")
    .argument("[file]", "a data file to open (.csv/.tsv/.json, optionally .gz, .npy, .parquet, .arrow/.arrows or .jsonl); default: the bundled digits")
    .option("--label-column <column>", "colour by this column of the file: a header name, a 0-based index or 'last'")
    .option("--vector-column <name>", "Parquet, Arrow, JSONL: the list column holding the vector (default: the one list column of numbers, else every numeric column)")
    .option("--port <P>", "port (0 picks a free one)", parseInteger, DEFAULT_PORT)
    .addOption(new Option("--host <address>", "loopback address to listen on").choices(["127.0.0.1", "::1", "localhost"]).default("127.0.0.1"))
    .option("--no-isolation", "leave out the COOP/COEP headers (the page then computes on one thread)")
    .action((file: string | undefined, flags: Record<string, unknown>) => {
      onServe({
        file,
        labelColumn: flags.labelColumn as string | undefined,
        vectorColumn: flags.vectorColumn as string | undefined,
        port: flags.port as number,
        host: flags.host as string,
        isolation: flags.isolation !== false,
      });
    });
}
