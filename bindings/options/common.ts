// Options shared by every long-running call.

import { fail } from "../errors.ts";

/** A stage of the pipeline, as reported to progress callbacks. */
export type Stage = "pca" | "knn" | "graph" | "init" | "optimize" | "early-exaggeration";

export interface RunControl {
  /** Cancels the work: the promise rejects with the signal's reason (an AbortError). */
  signal?: AbortSignal;
  /** Called as work advances with the fraction of the current stage done and the stage's name. */
  onProgress?: (fraction: number, stage: Stage) => void;
}

export function checkThreads(threads: number | undefined): void {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256)) {
    fail(`threads must be an integer from 1 to 256, got ${threads}`);
  }
}

export function checkCallbacks(o: RunControl): void {
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") fail("onProgress must be a function");
  if (o.signal !== undefined && (o.signal === null || typeof o.signal.aborted !== "boolean")) {
    fail("signal must be an AbortSignal");
  }
}
