// Errors the command line reports as one line on stderr: the file, where in it, and the problem.

/** A user-facing failure: printed as `cne: <message>` with exit code 1, never with a stack trace. */
export class CliError extends Error {
  override name = "CliError";
}

/**
 * API names of a command's own options (not in the embedding options table) → the flags that set them, so that
 * an API error reads in the user's terms.
 */
export const FLAG_OF_COMMAND_OPTION: Record<string, string> = { stepEpochs: "--step-epochs" };

/** Where in a file a problem sits, phrased for the message. */
export interface Place {
  /** 1-based line of a text file. */
  line?: number;
  /** 1-based column (field) of a text file. */
  column?: number;
  /** 0-based row of an array file (.npy, .json). */
  row?: number;
  /** 0-based column of an array file. */
  index?: number;
}

export function fileError(file: string, problem: string, place: Place = {}): never {
  const where: string[] = [];
  if (place.line !== undefined) where.push(`line ${place.line}`);
  if (place.column !== undefined) where.push(`column ${place.column}`);
  if (place.row !== undefined) where.push(`row ${place.row}`);
  if (place.index !== undefined) where.push(`column ${place.index}`);
  const at = where.length > 0 ? `${where.join(", ")}${place.row !== undefined ? " (0-based)" : ""}: ` : "";
  throw new CliError(`${file}: ${at}${problem}`);
}

/** The system error of a failed read or write, as a short phrase ("no such file or directory"). */
export function describeSystemError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory, not a file";
    case "ENOTDIR":
      return "a parent of this path is not a directory";
    case "ENOSPC":
      return "no space left on the device";
    case "EFBIG":
      return "file too large (beyond the file size limit)";
    case "EDQUOT":
      return "disk quota exceeded";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
