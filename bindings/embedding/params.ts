// Resolves EmbeddingOptions into a validated parameter set: every value checked against the options table
// (options/embedding.ts) before any work starts, the table's defaults applied once. The defaults that depend on
// the mode or the data's size (negatives, rates, batch, epochs) are fit/settings.ts's, from the values given.

import { fail } from "../errors.ts";
import { checkCallbacks, checkKeys } from "../options/common.ts";
import {
  EMBEDDING_OPTIONS, type EmbedOptions, type EmbeddingOptions, type InitMethod, type KnnMethod, type Loss, type Metric,
  type OptionName, type OptionSpec,
} from "../options/embedding.ts";
import type { OptimizeOptions } from "../options/optimize.ts";
import { checkNeighbourFraction } from "../validate/degenerate.ts";
import { checkSpectrumBounds, formatBound } from "../validate/spectrum.ts";
import { checkTsneOptions, TSNE_ITERATIONS } from "../tsne/params.ts";
import { LOSSES, lossesWith } from "../loss/table.ts";
import { metricAllowsPca } from "../knn/metric.ts";

export interface ResolvedParams {
  outDim: number;
  loss: Loss;
  s: number;
  zBar?: number;
  /** zBar "tsne" was given: Z̄ is the partition function of a t-SNE fit of the data (tsne/zbar.ts), known once it ran */
  zBarFromTsne: boolean;
  c?: number;
  k: number;
  knn: KnnMethod;
  metric: Metric;
  /** the `pca` option as given: the search's PCA components, false for the full rows (embedding/search.ts) */
  pca?: number | false;
  /** the `targetRecall` option as given (embedding/search.ts fitTargetRecall resolves its default) */
  targetRecall?: number;
  knnIndices?: Int32Array;
  knnDistances?: Float32Array;
  init: InitMethod | Float32Array;
  negativeSamples: number;
  nEpochs: number;
  batchSize?: number;
  learningRate: number;
  /** true when the caller set learningRate: then it is used as given, in every phase */
  learningRateGiven: boolean;
  /**
   * The values the caller gave of the options whose default depends on the mode or the data's size; the
   * fields above hold the table's defaults until fit/settings.ts resolves them for a mode and n.
   */
  given: { negativeSamples?: number; learningRate?: number; nEpochs?: number; s?: number };
  earlyExaggeration: boolean;
  seed: number;
  threads?: number;
  warn: (message: string) => void;
  /** t-SNE's (loss "tsne"; tsne/params.ts) */
  perplexity: number;
  affinities: "perplexity" | "binary";
  exaggeration: number;
  dof: number;
  /** true when the caller set k */
  kGiven: boolean;
}

const OPTION_NAMES = Object.keys(EMBEDDING_OPTIONS) as OptionName[];

/** Every option name the embedding API accepts (an unknown name is an error, not silently ignored). */
export const EMBEDDING_KEYS: readonly (keyof EmbedOptions)[] = [...OPTION_NAMES, "onWarning", "signal", "onProgress"];

/** Largest |y| accepted in a user layout: (2·1e6)² leaves every loss's φ, φ² and log terms finite in f32. */
const MAX_INIT_MAGNITUDE = 1e6;

function defaultOf<K extends OptionName>(name: K): (typeof EMBEDDING_OPTIONS)[K] extends { default: infer D } ? D : never {
  return (EMBEDDING_OPTIONS[name] as { default?: unknown }).default as never;
}

/** The defaults of the options that have one (and the learning rates of nce and infonce), from the options table. */
export interface EmbeddingDefaults {
  outDim: number;
  loss: Loss;
  s: number;
  k: number;
  knn: KnnMethod;
  metric: Metric;
  init: InitMethod;
  negativeSamples: number;
  nEpochs: number;
  learningRate: number;
  nceLearningRate: number;
  infoNceLearningRate: number;
  earlyExaggeration: boolean;
  seed: number;
  perplexity: number;
  affinities: "perplexity" | "binary";
  exaggeration: number;
  dof: number;
}

export const DEFAULTS: EmbeddingDefaults = {
  outDim: defaultOf("outDim"),
  loss: defaultOf("loss") as Loss,
  s: defaultOf("s"),
  k: defaultOf("k"),
  knn: defaultOf("knn") as KnnMethod,
  metric: defaultOf("metric") as Metric,
  init: defaultOf("init") as InitMethod,
  negativeSamples: defaultOf("negativeSamples"),
  nEpochs: defaultOf("nEpochs"),
  learningRate: defaultOf("learningRate"),
  nceLearningRate: LOSSES.nce.learningRate,
  infoNceLearningRate: LOSSES.infonce.learningRate,
  earlyExaggeration: defaultOf("earlyExaggeration"),
  seed: defaultOf("seed"),
  perplexity: defaultOf("perplexity"),
  affinities: defaultOf("affinities") as "perplexity",
  exaggeration: defaultOf("exaggeration"),
  dof: defaultOf("dof"),
};

/** The defaults of the embedding options, for reading (e.g. to label a benchmark). */
export const embeddingDefaults: Readonly<EmbeddingDefaults> = Object.freeze({ ...DEFAULTS });

/** Checks one value against its table entry (n and dim are the input's shape: toMatrix checks them). */
function checkValue(name: string, spec: OptionSpec, v: unknown): void {
  switch (spec.type) {
    case "integer":
      if (spec.orFalse && v === false) return;
      if (typeof v !== "number" || !Number.isInteger(v) || v < spec.min || v > spec.max) {
        fail(`${name} must be an integer from ${spec.min} to ${spec.max}${spec.orFalse ? " or false" : ""}, got ${typeof v === "string" ? JSON.stringify(v) : String(v)}`);
      }
      return;
    case "number":
      if (spec.orValues?.includes(v as string)) return;
      if (typeof v !== "number" || !(v >= spec.min && v <= spec.max)) {
        const or = spec.orValues ? ` or ${choiceList(spec.orValues)}` : "";
        fail(`${name} must be a ${spec.min > 0 ? "positive" : "finite"} number from ${formatBound(spec.min)} to ${formatBound(spec.max)}${or}, got ${typeof v === "string" ? JSON.stringify(v) : String(v)}`);
      }
      return;
    case "boolean":
      if (typeof v !== "boolean") fail(`${name} must be true or false, got ${String(v)}`);
      return;
    case "enum":
      if (spec.orArray && v instanceof globalThis[spec.orArray]) return;
      if (!spec.values.includes(v as string)) {
        fail(`${name} must be one of ${spec.values.map((a) => `"${a}"`).join(", ")}, got ${JSON.stringify(v)}`);
      }
      return;
    case "array":
      if (!(v instanceof globalThis[spec.array])) fail(`${name} must be an ${spec.array}`);
  }
}

/**
 * The seed of a one-shot call (knn(), pca()): the options table's default and range, with these calls' own
 * wording of the error.
 */
export function seedOption(seed: unknown): number {
  const spec = EMBEDDING_OPTIONS.seed, v = seed ?? spec.default;
  if (typeof v !== "number" || !Number.isInteger(v) || v < spec.min || v > spec.max) {
    fail(`seed must be a non-negative integer (at most 2^52), got ${String(v)}`);
  }
  return v;
}

/** "a", "b" or "c": a list of choices for a message. */
export function choiceList(values: readonly string[]): string {
  const quoted = values.map((v) => `"${v}"`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}` : quoted.join("");
}

/** Checks every option that is present; returns the options typed as checked. */
function checked<T extends EmbeddingOptions>(options: T): T {
  for (const name of OPTION_NAMES) {
    const v = options[name];
    if (v === undefined || name === "n" || name === "dim") continue;
    checkValue(name, EMBEDDING_OPTIONS[name], v);
  }
  return options;
}

/** A number of PCA components applies to the metrics whose search may run in a PCA (knn/metric.ts). */
function checkSearchSpace(o: { pca?: number | false; metric?: Metric }): void {
  const metric = o.metric ?? DEFAULTS.metric;
  if (typeof o.pca === "number" && !metricAllowsPca(metric)) {
    const why = metric === "manhattan" ? "a rotation does not keep L1 distances" : "the 0/1 rows are searched as bits";
    fail(`pca = ${o.pca}: ${metric} neighbours are never searched in a PCA (${why}) but among the rows as given: drop pca`);
  }
}

/** Rules between options of one phase: zBar and c apply to the losses whose target they set (loss/table.ts). */
function checkCombination(o: { s?: number; zBar?: number | string; c?: number }, loss: Loss): void {
  if (o.s !== undefined && o.zBar !== undefined) fail("give either s or zBar, not both");
  if (o.zBar !== undefined && LOSSES[loss].target !== "zBar") fail(`zBar applies to loss ${lossesWith("zBar")} only (loss is "${loss}")`);
  if (o.c !== undefined && LOSSES[loss].target !== "c") fail(`c applies to loss ${lossesWith("c")} only (loss is "${loss}")`);
}

export function resolveParams(options: EmbedOptions): ResolvedParams {
  checkKeys(options, EMBEDDING_KEYS, "options");
  checkCallbacks(options);
  const o = checked(options);
  const loss = o.loss ?? DEFAULTS.loss;
  checkCombination(o, loss);
  checkTsneOptions(o, loss);
  checkSearchSpace(o);
  return {
    outDim: o.outDim ?? DEFAULTS.outDim,
    loss,
    s: o.s ?? DEFAULTS.s,
    zBar: o.zBar === "tsne" ? undefined : o.zBar,
    zBarFromTsne: o.zBar === "tsne",
    c: o.c,
    k: o.k ?? DEFAULTS.k,
    knn: o.knn ?? DEFAULTS.knn,
    metric: o.metric ?? DEFAULTS.metric,
    pca: o.pca,
    targetRecall: o.targetRecall,
    knnIndices: o.knnIndices,
    knnDistances: o.knnDistances,
    init: o.init ?? DEFAULTS.init,
    negativeSamples: o.negativeSamples ?? DEFAULTS.negativeSamples,
    nEpochs: o.nEpochs ?? (loss === "tsne" ? TSNE_ITERATIONS : DEFAULTS.nEpochs),
    batchSize: o.batchSize,
    learningRate: o.learningRate ?? LOSSES[loss].learningRate,
    learningRateGiven: o.learningRate !== undefined,
    given: { negativeSamples: o.negativeSamples, learningRate: o.learningRate, nEpochs: o.nEpochs, s: o.s },
    earlyExaggeration: o.earlyExaggeration ?? DEFAULTS.earlyExaggeration,
    seed: o.seed ?? DEFAULTS.seed,
    threads: o.threads,
    warn: warningSink(o.onWarning),
    perplexity: o.perplexity ?? DEFAULTS.perplexity,
    affinities: o.affinities ?? DEFAULTS.affinities,
    exaggeration: o.exaggeration ?? DEFAULTS.exaggeration,
    dof: o.dof ?? DEFAULTS.dof,
    kGiven: o.k !== undefined,
  };
}

/**
 * Checks embedding options as createEmbedding does before it sees the data (names, types, ranges, combinations):
 * front ends call it to report a bad option before reading a large input. What depends on n is checked later.
 */
export function checkEmbeddingOptions(options: EmbedOptions): void {
  resolveParams(options);
}

export function warningSink(onWarning: unknown): (message: string) => void {
  if (onWarning === undefined) return (message) => console.warn(`cne-wasm: ${message}`);
  if (typeof onWarning !== "function") fail("onWarning must be a function");
  return onWarning as (message: string) => void;
}

/**
 * Checks what depends on the number of points, when the handle is created: n against k, and the shapes and
 * values of a precomputed neighbour list and of an initial layout.
 */
export function checkShapes(p: ResolvedParams, n: number): void {
  if (n <= p.k) fail(`n = ${n} is too small for k = ${p.k}: need n > k`);
  if (n < 3) fail(`n = ${n} is too small: need at least 3 points`);
  checkNeighbourFraction(n, p.k, p.warn);
  checkSpectrumBounds(p, n, fail, p.warn);
  const indices = p.knnIndices;
  if (indices) {
    if (indices.length !== n * p.k) fail(`knnIndices has ${indices.length} entries but n × k = ${n} × ${p.k} = ${n * p.k}`);
    for (let i = 0; i < indices.length; i++) {
      const j = indices[i];
      if (!(j >= 0 && j < n)) fail(`knnIndices[${i}] = ${j} is not a row index in [0, ${n})`);
    }
  }
  const distances = p.knnDistances;
  if (distances) {
    if (!indices) fail("knnDistances needs knnIndices: the distances of which neighbours?");
    if (distances.length !== n * p.k) fail(`knnDistances has ${distances.length} entries but n × k = ${n} × ${p.k} = ${n * p.k}`);
    for (let i = 0; i < distances.length; i++) {
      const d = distances[i];
      if (!(d >= 0 && d < Infinity)) fail(`knnDistances[${i}] = ${d} (row ${Math.floor(i / p.k)}) is not a finite non-negative distance`);
    }
  }
  if (p.init instanceof Float32Array) {
    const dim = p.outDim, init = p.init;
    if (init.length !== n * dim) fail(`init has ${init.length} values but n × outDim = ${n} × ${dim} = ${n * dim}`);
    let largest = 0;
    for (let i = 0; i < init.length; i++) {
      if (!Number.isFinite(init[i])) fail(`init has a non-finite value at row ${Math.floor(i / dim)}, column ${i % dim}`);
      largest = Math.max(largest, Math.abs(init[i]));
    }
    // a layout is used as given, so its magnitude must leave the kernels' squared distances finite
    if (largest > MAX_INIT_MAGNITUDE) fail(`init has a value of magnitude ${largest}: a layout must lie within ±${MAX_INIT_MAGNITUDE}`);
  }
}

/** The option names optimize() accepts: a point of the spectrum, a loss and a schedule. */
export const OPTIMIZE_KEYS = [
  "loss", "s", "zBar", "c", "negativeSamples", "nEpochs", "batchSize", "learningRate", "seed", "signal", "onProgress",
] as const satisfies readonly (keyof EmbedOptions)[];

/**
 * The parameters of a further phase: the fit's, with the phase's options applied. The loss, negatives, batch
 * size and seed carry over unless given; s carries over for the same loss; zBar, c and the learning rate
 * apply to the phase they are given for.
 */
export function resolvePhaseParams(fit: ResolvedParams, options: OptimizeOptions): ResolvedParams {
  checkKeys(options, OPTIMIZE_KEYS, "optimize options");
  checkCallbacks(options);
  const o = checked(options);
  const loss = o.loss ?? fit.loss;
  checkCombination(o, loss);
  const sameLoss = o.loss === undefined || o.loss === fit.loss;
  return {
    ...fit,
    loss,
    s: o.zBar !== undefined ? DEFAULTS.s : o.s ?? (sameLoss ? fit.s : DEFAULTS.s),
    zBar: o.zBar === "tsne" ? undefined : o.zBar,
    zBarFromTsne: o.zBar === "tsne",
    c: o.c,
    negativeSamples: o.negativeSamples ?? fit.negativeSamples,
    nEpochs: o.nEpochs ?? DEFAULTS.nEpochs,
    batchSize: o.batchSize ?? fit.batchSize,
    learningRate: o.learningRate ?? LOSSES[loss].learningRate,
    learningRateGiven: o.learningRate !== undefined,
    given: { negativeSamples: o.negativeSamples, learningRate: o.learningRate, nEpochs: o.nEpochs, s: o.s },
    seed: o.seed ?? fit.seed,
  };
}

/** The options a saved model keeps: the caller's, without the data's shape, data-sized arrays, threads and callbacks. */
export function savedOptions(options: EmbedOptions): EmbeddingOptions {
  const { n: _n, dim: _dim, init: _init, knnIndices: _knn, knnDistances: _knnDistances, threads: _threads, signal: _signal, onProgress: _progress, onWarning: _warning, ...rest } = options;
  return rest;
}

export { checkKeys };
export type { EmbeddingOptions };
