// What the core would run on here: which build and how many threads. Useful to check that threads are really
// in use in a given runtime (a page without cross-origin isolation, workerd and others fall back silently).

import { Core, type Build } from "./core/core.ts";
import { checkThreads } from "./options/common.ts";

export interface CoreInfo {
  /** "threads" (shared memory + workers) or "simd" (single thread) */
  build: Build;
  /** threads that compute: 1 for the simd build */
  threads: number;
}

/**
 * Starts a core exactly as `knn` and the embedding calls do for the same `threads` option, reports which build
 * and thread count it got, and releases it.
 */
export async function coreInfo(options: { threads?: number } = {}): Promise<CoreInfo> {
  checkThreads(options.threads);
  const core = await Core.create(options.threads);
  try {
    return { build: core.build, threads: core.threads };
  } finally {
    core.destroy();
  }
}
