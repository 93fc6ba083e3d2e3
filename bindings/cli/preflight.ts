// Checks that need no data, run before any reading or computing: the output files must be writable where
// they are asked for, so a long embedding is never thrown away for a wrong path.

import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describeSystemError, fileError } from "./errors.ts";

/** Fails with `<file>: cannot write: …` when the file's directory is missing or not writable, or it is a directory. */
export function checkWritable(file: string): void {
  const path = resolve(file);
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) fileError(file, "cannot write: is a directory, not a file");
    const dir = dirname(path);
    if (!statSync(dir).isDirectory()) fileError(file, "cannot write: a parent of this path is not a directory");
    accessSync(dir, constants.W_OK);
  } catch (error) {
    if ((error as Error).name === "CliError") throw error;
    fileError(file, `cannot write: ${describeSystemError(error)}`);
  }
}
