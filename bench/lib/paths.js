// Where the benchmark keeps things, relative to this checkout.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT_DIR = join(BENCH_DIR, "..");
/** git-ignored: prepared data, the exact-kNN references, embeddings and the measured runs */
export const CACHE_DIR = join(BENCH_DIR, ".cache");
