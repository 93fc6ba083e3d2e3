// Options shared by every long-running call.

import { fail } from "../errors.ts";

/** A stage of the pipeline ("tsne": the t-SNE fit that a fit at zBar "tsne" runs first, tsne/zbar.ts). */
export type Stage = "pca" | "knn" | "graph" | "affinities" | "tsne" | "init" | "optimize" | "early-exaggeration";

/** What a stage may report beside its fraction: t-SNE's KL divergence, measured every 50 iterations. */
export interface ProgressDetail {
  /** KL(P‖Q) of the layout after `iteration` iterations of the stage */
  klDivergence: number;
  iteration: number;
}

/** What one phase of work checks and reports to: the signal, and the fraction of the phase done in [0, 1]. */
export interface PhaseControl {
  signal?: AbortSignal;
  progress?: (fraction: number, detail?: ProgressDetail) => void;
}

/** What a pipeline of stages checks and reports to: the signal, and (fraction of the stage, stage). */
export interface StageControl {
  signal?: AbortSignal;
  report: (fraction: number, stage: Stage, detail?: ProgressDetail) => void;
}

export interface RunControl {
  /** Cancels the work: the promise rejects with the signal's reason (an AbortError). */
  signal?: AbortSignal;
  /** Called as work advances with the fraction of the current stage done and the stage's name (and, for t-SNE, its KL divergence). */
  onProgress?: (fraction: number, stage: Stage, detail?: ProgressDetail) => void;
}

/** Rejects an options object that is not an object or has a name outside `allowed`. */
export function checkKeys(options: object, allowed: readonly string[], what: string): void {
  if (options === null || typeof options !== "object") fail(`${what} must be an object`);
  const set = new Set(allowed);
  for (const key of Object.keys(options)) {
    if (!set.has(key)) fail(`unknown option "${key}"${what === "options" ? "" : ` in ${what}`}`);
  }
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
