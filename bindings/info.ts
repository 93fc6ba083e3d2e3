// What the core would run on here: which build and how many threads, and why it runs on one thread when more
// were asked for (a page without cross-origin isolation, a worker module a bundler did not emit, workerd).

import { Core, type CoreRuntime } from "./core/core.ts";
import { checkThreads } from "./options/common.ts";

/** The build and thread count of a core, and `fallback`: why it runs on one thread when more were asked for. */
export type CoreInfo = CoreRuntime;

/**
 * Starts a core exactly as `knn` and the embedding calls do for the same `threads` option, reports which build
 * and thread count it got (and why not more), and releases it.
 */
export async function coreInfo(options: { threads?: number } = {}): Promise<CoreInfo> {
  checkThreads(options.threads);
  const core = await Core.create(options.threads);
  try {
    return core.runtime;
  } finally {
    core.destroy();
  }
}
