// Checks that need no data, run before any reading or computing: the output files must be writable where
// they are asked for, and none may be an input or another output, so a long embedding is never thrown away
// for a wrong path and no data file is ever overwritten.

import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { CliError } from "./errors.ts";
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

/** A path the command reads or writes, and the flag (or argument) that named it. */
export interface NamedPath {
  path: string;
  /** "--out", "--save-model", "input", … */
  what: string;
}

/** Where a path leads: symlinks resolved (of the file, or of its directory when the file does not exist yet),
 * and the file's device and inode when it exists (so hard links are told too). */
function identity(path: string): { real: string; inode?: string } {
  const absolute = resolve(path);
  try {
    const real = realpathSync(absolute);
    const s = statSync(real);
    return { real, inode: `${s.dev}:${s.ino}` };
  } catch {
    try {
      return { real: join(realpathSync(dirname(absolute)), basename(absolute)) };
    } catch {
      return { real: absolute };
    }
  }
}

function same(a: ReturnType<typeof identity>, b: ReturnType<typeof identity>): boolean {
  return a.real === b.real || (a.inode !== undefined && a.inode === b.inode);
}

/**
 * Refuses, before any work, an output that is one of the inputs or another output, naming both paths. There
 * is no flag to force it: the input would be lost.
 */
export function checkDistinctPaths(inputs: readonly NamedPath[], outputs: readonly NamedPath[]): void {
  const inputIds = inputs.map((p) => identity(p.path));
  const outputIds = outputs.map((p) => identity(p.path));
  outputs.forEach((out, i) => {
    inputs.forEach((input, j) => {
      if (same(outputIds[i], inputIds[j])) {
        throw new CliError(`${out.what} ${out.path} is the ${input.what} ${input.path}: refusing to overwrite an input; write to another file`);
      }
    });
    for (let j = 0; j < i; j++) {
      if (same(outputIds[i], outputIds[j])) {
        throw new CliError(`${outputs[j].what} ${outputs[j].path} and ${out.what} ${out.path} are the same file: give each output its own path`);
      }
    }
  });
}
