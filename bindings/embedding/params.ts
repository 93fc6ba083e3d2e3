// Resolves EmbeddingOptions into a complete, validated parameter set: defaults applied once, every value
// checked before any work starts.

import { fail } from "../errors.ts";
import { checkCallbacks, checkThreads } from "../options/common.ts";
import type { EmbedOptions, EmbeddingOptions, InitMethod, KnnMethod, Loss } from "../options/embedding.ts";

export interface ResolvedParams {
  outDim: number;
  loss: Loss;
  s: number;
  zBar?: number;
  c?: number;
  k: number;
  knn: KnnMethod;
  knnIndices?: Int32Array;
  init: InitMethod | Float32Array;
  negativeSamples: number;
  nEpochs: number;
  batchSize?: number;
  learningRate: number;
  /** true when the caller set learningRate: then it is used as given, in every phase */
  learningRateGiven: boolean;
  earlyExaggeration: boolean;
  seed: number;
  threads?: number;
  warn: (message: string) => void;
}

/** Every option name the embedding API accepts (an unknown name is an error, not silently ignored). */
export const EMBEDDING_KEYS: readonly (keyof EmbedOptions)[] = [
  "n", "dim", "outDim", "loss", "s", "zBar", "c", "k", "knn", "knnIndices", "init", "negativeSamples", "nEpochs",
  "batchSize", "learningRate", "earlyExaggeration", "seed", "threads", "signal", "onProgress", "onWarning",
];

const LOSSES: readonly Loss[] = ["neg", "nce", "infonce", "umap"];
const KNN_METHODS: readonly KnnMethod[] = ["auto", "exact", "nndescent", "hnsw"];
const INITS: readonly InitMethod[] = ["pca", "random", "spectral"];

export const DEFAULTS = {
  outDim: 2,
  loss: "neg" as Loss,
  s: 0,
  k: 15,
  knn: "auto" as KnnMethod,
  init: "pca" as InitMethod,
  negativeSamples: 5,
  nEpochs: 120,
  learningRate: 1,
  infoNceLearningRate: 0.5,
  earlyExaggeration: true,
  seed: 0,
};

/** The defaults of the embedding options, for reading (e.g. to label a benchmark). */
export const embeddingDefaults: Readonly<typeof DEFAULTS> = Object.freeze({ ...DEFAULTS });

export function checkKeys(options: object, allowed: readonly string[], what: string): void {
  if (options === null || typeof options !== "object") fail(`${what} must be an object`);
  const set = new Set(allowed);
  for (const key of Object.keys(options)) {
    if (!set.has(key)) fail(`unknown option "${key}"${what === "options" ? "" : ` in ${what}`}`);
  }
}

function integer(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    fail(`${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
  }
  return v;
}

function finite(name: string, v: unknown, positive = false): number {
  if (typeof v !== "number" || !Number.isFinite(v) || (positive && v <= 0)) {
    fail(`${name} must be a ${positive ? "positive " : ""}finite number, got ${String(v)}`);
  }
  return v;
}

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) fail(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${JSON.stringify(v)}`);
  return v as T;
}

export function resolveParams(options: EmbedOptions): ResolvedParams {
  checkKeys(options, EMBEDDING_KEYS, "options");
  checkThreads(options.threads);
  checkCallbacks(options);
  const loss = options.loss === undefined ? DEFAULTS.loss : oneOf("loss", options.loss, LOSSES);
  if (options.s !== undefined && options.zBar !== undefined) fail("give either s or zBar, not both");
  if (options.zBar !== undefined && loss !== "neg") fail(`zBar applies to loss "neg" only (loss is "${loss}")`);
  if (options.c !== undefined && loss !== "infonce") fail(`c applies to loss "infonce" only (loss is "${loss}")`);
  let init: InitMethod | Float32Array = DEFAULTS.init;
  if (options.init !== undefined) {
    init = options.init instanceof Float32Array ? options.init : oneOf("init", options.init, INITS);
  }
  return {
    outDim: options.outDim === undefined ? DEFAULTS.outDim : integer("outDim", options.outDim, 1, 64),
    loss,
    s: options.s === undefined ? DEFAULTS.s : finite("s", options.s),
    zBar: options.zBar === undefined ? undefined : finite("zBar", options.zBar, true),
    c: options.c === undefined ? undefined : finite("c", options.c, true),
    k: options.k === undefined ? DEFAULTS.k : integer("k", options.k, 1, 1000),
    knn: options.knn === undefined ? DEFAULTS.knn : oneOf("knn", options.knn, KNN_METHODS),
    knnIndices: options.knnIndices,
    init,
    negativeSamples:
      options.negativeSamples === undefined ? DEFAULTS.negativeSamples : integer("negativeSamples", options.negativeSamples, 1, 4096),
    nEpochs: options.nEpochs === undefined ? DEFAULTS.nEpochs : integer("nEpochs", options.nEpochs, 1, 1_000_000),
    batchSize: options.batchSize === undefined ? undefined : integer("batchSize", options.batchSize, 1, 1 << 30),
    learningRate:
      options.learningRate === undefined
        ? loss === "infonce" ? DEFAULTS.infoNceLearningRate : DEFAULTS.learningRate
        : finite("learningRate", options.learningRate, true),
    learningRateGiven: options.learningRate !== undefined,
    earlyExaggeration:
      options.earlyExaggeration === undefined ? DEFAULTS.earlyExaggeration : boolean("earlyExaggeration", options.earlyExaggeration),
    seed: options.seed === undefined ? DEFAULTS.seed : integer("seed", options.seed, 0, 2 ** 52),
    threads: options.threads,
    warn: warningSink(options.onWarning),
  };
}

function warningSink(onWarning: unknown): (message: string) => void {
  if (onWarning === undefined) return (message) => console.warn(`cne-wasm: ${message}`);
  if (typeof onWarning !== "function") fail("onWarning must be a function");
  return onWarning as (message: string) => void;
}

function boolean(name: string, v: unknown): boolean {
  if (typeof v !== "boolean") fail(`${name} must be true or false, got ${String(v)}`);
  return v;
}

export type { EmbeddingOptions };
