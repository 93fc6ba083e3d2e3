// Approximate kNN over hnswlib-wasm (HNSW graphs, Malkov & Yashunin 2018). The library is loaded on first
// use only, so users of the exact path never download it: the default entry (index.ts) hands this module a
// dynamic import of it with a literal specifier (setHnswlibImport), which bundlers follow into a chunk of its
// own. It is single-threaded and has no SIMD; it cannot run in workerd (it compiles its wasm from inline bytes,
// which workerd forbids), so the workerd entry leaves it out.

import { fail, throwIfAborted } from "../errors.ts";
import type { PhaseControl } from "../options/common.ts";

/** Progress is the fraction of the whole call done (build, then queries). */
export interface HnswOptions extends PhaseControl {
  /** Seeds the level assignment of the graph: same seed and data, same result. */
  seed: number;
  /** Links per node (default 16, hnswlib's default). */
  M?: number;
  /** Candidate list size while building (default 200, hnswlib's default). */
  efConstruction?: number;
  /** Candidate list size while querying (default 64; raised to k + 1 when smaller). */
  efSearch?: number;
}

export interface HnswResult {
  /** n × k neighbour indices, row-major, nearest first, self excluded */
  indices: Int32Array;
  /** n × k Euclidean distances, ascending; equal distances ordered by index */
  distances: Float32Array;
}

/** The part of hnswlib-wasm's embind surface used here (its own .d.ts lacks `delete`). */
interface HnswIndex {
  initIndex(maxElements: number, m: number, efConstruction: number, randomSeed: number): void;
  addPoint(point: Float32Array, label: number, replaceDeleted: boolean): void;
  setEfSearch(ef: number): void;
  searchKnn(query: Float32Array, k: number, filter: undefined): { distances: number[]; neighbors: number[] };
  delete(): void;
}
interface HnswLibrary {
  HierarchicalNSW: new (space: "l2", dim: number, autoSaveFilename: string) => HnswIndex;
}

export const HNSW_DEFAULTS = { M: 16, efConstruction: 200, efSearch: 64 } as const;

/** Share of the progress bar given to building; queries take the rest (measured: build ≈ 2× queries). */
const BUILD_SHARE = 0.65;
/** Progress and abort are checked every block of rows: about 100 blocks per phase. */
const MIN_BLOCK_ROWS = 64;

/** hnswlib-wasm's Emscripten chunk, as used here: its default export is the factory. */
export interface HnswlibChunk {
  default: (moduleArg: object) => Promise<unknown>;
}

let importHnswlib: (() => Promise<HnswlibChunk>) | undefined;
let libraryPromise: Promise<HnswLibrary> | undefined;

/** Sets how hnswlib-wasm is imported (called by the default entry; the workerd entry calls nothing). */
export function setHnswlibImport(load: () => Promise<HnswlibChunk>): void {
  importHnswlib = load;
  libraryPromise = undefined;
}

function isWorkerd(): boolean {
  const nav = (globalThis as { navigator?: { userAgent?: string } }).navigator;
  return nav?.userAgent === "Cloudflare-Workers";
}

/** hnswlib-wasm throws C++ exceptions whose `message` is an array [type, what]; turn them into Errors. */
function hnswError(e: unknown, doing: string): Error {
  const m = (e as { message?: unknown } | null)?.message;
  const what = Array.isArray(m) ? m.join(": ") : typeof m === "string" ? m : String(e);
  return new Error(`cne-wasm: hnswlib-wasm failed while ${doing}: ${what}`);
}

/**
 * Loads hnswlib-wasm once. Its Emscripten factory is called directly (not through the package's
 * `loadHnswlib`) so that its console output can be silenced and no IndexedDB file system is mounted: the
 * index is never saved. The factory refuses to start unless `window` exists, so a shim is set for the
 * synchronous start of the call only and removed before anything else can run.
 */
export function loadHnswlib(): Promise<HnswLibrary> {
  if (isWorkerd()) {
    return Promise.reject(
      new Error('cne-wasm: the "hnsw" kNN method cannot run in workerd (hnswlib-wasm compiles wasm from bytes, which workerd forbids); use method "exact"'),
    );
  }
  const load = importHnswlib;
  if (load === undefined) {
    return Promise.reject(
      new Error('cne-wasm: the "hnsw" kNN method is not available from this entry point (only the package\'s default entry imports hnswlib-wasm); use method "exact"'),
    );
  }
  libraryPromise ??= (async () => {
    const mod = await load();
    const g = globalThis as { window?: unknown };
    const shimmed = g.window === undefined;
    if (shimmed) g.window = globalThis;
    let started: Promise<unknown>;
    try {
      started = mod.default({ print: () => {}, printErr: () => {} });
    } finally {
      if (shimmed) delete g.window;
    }
    return (await started) as HnswLibrary;
  })().catch((e: unknown) => {
    libraryPromise = undefined;
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`cne-wasm: the "hnsw" kNN method could not load hnswlib-wasm in this runtime (${why}); use method "exact"`);
  });
  return libraryPromise;
}

/**
 * hnswlib takes a 32-bit seed. The library's seeds are integers in [0, 2^53) (assembly/rng.ts seedOf): their
 * high bits are folded in, so seeds 2^32 apart differ here as everywhere else; a seed below 2^32 passes as is.
 */
export function hnswSeed(seed: number): number {
  if (seed < 2 ** 32) return seed >>> 0;
  return ((seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b1)) >>> 0;
}

/** Lets timers and events (an abort, a UI update) run between blocks. */
function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

function checkPositiveInt(name: string, v: unknown, min = 1): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) fail(`${name} must be an integer ≥ ${min}, got ${v}`);
}

function validate(values: Float32Array, n: number, dim: number, k: number, opts: HnswOptions): void {
  if (!(values instanceof Float32Array)) fail("values must be a Float32Array");
  checkPositiveInt("n", n);
  checkPositiveInt("dim", dim);
  checkPositiveInt("k", k);
  if (values.length !== n * dim) fail(`values has ${values.length} entries but n × dim = ${n} × ${dim} = ${n * dim}`);
  if (n <= k) fail(`n = ${n} is too small for k = ${k}: need n > k`);
  if (opts === null || typeof opts !== "object") fail("options must be an object");
  if (typeof opts.seed !== "number" || !Number.isInteger(opts.seed)) fail(`seed must be an integer, got ${opts.seed}`);
  if (opts.M !== undefined) checkPositiveInt("M", opts.M, 2);
  if (opts.efConstruction !== undefined) checkPositiveInt("efConstruction", opts.efConstruction);
  if (opts.efSearch !== undefined) checkPositiveInt("efSearch", opts.efSearch);
  // One pass, once: hnswlib would silently build a broken graph from NaN or Infinity.
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      fail(`data has a non-finite value (${values[i]}) at row ${Math.floor(i / dim)}, column ${i % dim}`);
    }
  }
}

function blockRows(n: number): number {
  return Math.max(MIN_BLOCK_ROWS, Math.ceil(n / 100));
}

/**
 * Builds an HNSW index of all rows (label = row index). The caller owns the index and must `delete()` it.
 * `progress` receives the fraction of the build done.
 */
export async function buildHnswIndex(
  lib: HnswLibrary,
  values: Float32Array,
  n: number,
  dim: number,
  opts: Pick<HnswOptions, "seed" | "signal" | "M" | "efConstruction"> & { progress?: (f: number) => void },
): Promise<HnswIndex> {
  let index: HnswIndex;
  try {
    index = new lib.HierarchicalNSW("l2", dim, "");
  } catch (e) {
    throw hnswError(e, "creating the index");
  }
  try {
    try {
      index.initIndex(n, opts.M ?? HNSW_DEFAULTS.M, opts.efConstruction ?? HNSW_DEFAULTS.efConstruction, hnswSeed(opts.seed));
    } catch (e) {
      throw hnswError(e, "creating the index");
    }
    const step = blockRows(n);
    for (let begin = 0; begin < n; begin += step) {
      throwIfAborted(opts.signal);
      const end = Math.min(n, begin + step);
      try {
        for (let i = begin; i < end; i++) index.addPoint(values.subarray(i * dim, (i + 1) * dim), i, false);
      } catch (e) {
        throw hnswError(e, "adding points");
      }
      opts.progress?.(end / n);
      await yieldToEventLoop();
    }
    throwIfAborted(opts.signal);
    return index;
  } catch (e) {
    index.delete();
    throw e;
  }
}

/**
 * Queries every row against an index of the same rows: k + 1 are asked for and the row itself is dropped
 * (or, when duplicates of it fill the list and push it out, the farthest). `progress` receives the
 * fraction of the queries done.
 */
export async function queryHnswIndex(
  index: HnswIndex,
  values: Float32Array,
  n: number,
  dim: number,
  k: number,
  opts: Pick<HnswOptions, "signal" | "efSearch"> & { progress?: (f: number) => void },
): Promise<HnswResult> {
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  try {
    index.setEfSearch(Math.max(opts.efSearch ?? HNSW_DEFAULTS.efSearch, k + 1));
  } catch (e) {
    throw hnswError(e, "setting efSearch");
  }
  const order: number[] = [];
  const step = blockRows(n);
  for (let begin = 0; begin < n; begin += step) {
    throwIfAborted(opts.signal);
    const end = Math.min(n, begin + step);
    for (let i = begin; i < end; i++) {
      let found: { distances: number[]; neighbors: number[] };
      try {
        found = index.searchKnn(values.subarray(i * dim, (i + 1) * dim), k + 1, undefined);
      } catch (e) {
        throw hnswError(e, `querying row ${i}`);
      }
      const sq = found.distances;
      const nb = found.neighbors;
      order.length = 0;
      for (let t = 0; t < nb.length; t++) if (nb[t] !== i) order.push(t);
      if (order.length < k) {
        throw new Error(`cne-wasm: hnsw found only ${order.length} of ${k} neighbours for row ${i}; raise efSearch or M`);
      }
      // hnswlib orders by distance only; order equal distances by index so results are deterministic
      order.sort((a, b) => sq[a] - sq[b] || nb[a] - nb[b]);
      for (let t = 0; t < k; t++) {
        indices[i * k + t] = nb[order[t]];
        distances[i * k + t] = Math.sqrt(sq[order[t]]); // hnswlib's "l2" space gives squared distances
      }
    }
    opts.progress?.(end / n);
    await yieldToEventLoop();
  }
  throwIfAborted(opts.signal);
  return { indices, distances };
}

/**
 * Approximate k nearest neighbours of every row (self excluded) with hnswlib-wasm, in Euclidean distance.
 * `values` is row-major n × dim. Rejects with the signal's reason when aborted (checked between blocks).
 */
export async function hnswKnn(values: Float32Array, n: number, dim: number, k: number, opts: HnswOptions): Promise<HnswResult> {
  validate(values, n, dim, k, opts);
  throwIfAborted(opts.signal);
  const lib = await loadHnswlib();
  throwIfAborted(opts.signal);
  const progress = opts.progress;
  const index = await buildHnswIndex(lib, values, n, dim, {
    ...opts,
    progress: progress && ((f) => progress(BUILD_SHARE * f)),
  });
  try {
    return await queryHnswIndex(index, values, n, dim, k, {
      ...opts,
      progress: progress && ((f) => progress(BUILD_SHARE + (1 - BUILD_SHARE) * f)),
    });
  } finally {
    index.delete();
  }
}
