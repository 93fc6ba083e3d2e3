#!/usr/bin/env node
// `cne`: the command line over the public API. argv → options → embed() / spectrum() → files; `fit` saves a
// model and `transform` places new rows with it; `serve` opens the explorer page.

import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { buildProgram } from "./args.ts";
import { CliError } from "./errors.ts";
import { runEmbed } from "./embed.ts";
import { addSpectrumCommand } from "./spectrum-args.ts";
import { runSpectrum } from "./spectrum.ts";
import { addServeCommand } from "./serve-args.ts";
import { runServe } from "./serve.ts";
import { addModelCommands } from "./model-args.ts";
import { runFit } from "./fit.ts";
import { runTransform } from "./transform.ts";

/** Runs the command line; resolves to the exit code. Messages go to stderr, one line each. */
export async function main(argv: readonly string[]): Promise<number> {
  let command: (() => Promise<number>) | undefined;
  const program = buildProgram((c) => (command = () => runEmbed(c)));
  addSpectrumCommand(program, (c) => (command = () => runSpectrum(c)));
  addServeCommand(program, (c) => (command = () => runServe(c)));
  addModelCommands(program, (c) => (command = () => runFit(c)), (c) => (command = () => runTransform(c)));
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    // Commander has already printed its one-line message (or the help text).
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  if (!command) return 0;
  return command();
}

/** Prints any failure as one line: the problem, never a stack trace. */
export function report(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`cne: ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`cne: unexpected error: ${message.split("\n")[0]}\n`);
  return 1;
}

function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => process.exit(report(error)),
  );
}
