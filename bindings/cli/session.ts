// What every command that computes shares: Ctrl-C as an AbortSignal, progress bars, and every failure turned
// into one line on stderr with an exit code (0, 1 on errors, 130 when interrupted).

import { CneInputError } from "../index.ts";
import { FLAG_OF_OPTION } from "./args.ts";
import { CliError, FLAG_OF_COMMAND_OPTION } from "./errors.ts";
import { createProgress, type Progress } from "./progress.ts";

/** An API error, with option names replaced by the flags that set them (not quoted values: init "pca"). */
export function flagMessage(message: string): string {
  let text = message.replace(/^cne-wasm: /, "");
  for (const [name, flag] of Object.entries({ ...FLAG_OF_OPTION, ...FLAG_OF_COMMAND_OPTION })) {
    text = text.replace(new RegExp(`(^|[^\\w'"-])${name}(?![\\w'"-])`, "g"), `$1${flag}`);
  }
  return text;
}

function isAbort(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

export interface Session {
  signal: AbortSignal;
  progress: Progress;
  /** Runs the computation: progress bars close, and API input errors are reported against `input`. */
  compute<T>(work: () => Promise<T>): Promise<T>;
}

/** Runs a command's body; resolves to its exit code. */
export async function runSession(input: string, quiet: boolean, body: (session: Session) => Promise<void>): Promise<number> {
  const progress = createProgress(!quiet);
  const controller = new AbortController();
  const onInterrupt = () => {
    // A second Ctrl-C leaves at once, in case the work does not stop promptly.
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", onInterrupt);
  const session: Session = {
    signal: controller.signal,
    progress,
    async compute(work) {
      try {
        const result = await work();
        progress.finish(true);
        return result;
      } catch (error) {
        progress.finish(false);
        if (error instanceof CneInputError) throw new CliError(`${input}: ${flagMessage(error.message)}`);
        throw error;
      }
    },
  };
  try {
    await body(session);
    return 0;
  } catch (error) {
    if (isAbort(error)) {
      process.stderr.write("cne: interrupted\n");
      return 130;
    }
    if (error instanceof CliError) {
      process.stderr.write(`cne: ${error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cne: ${input}: ${message.split("\n")[0]}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}
