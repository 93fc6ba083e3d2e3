// The embedding handle: create → run (prepare, then optimise in phases) → optimize again at other points of
// the spectrum (warm start) → read → destroy. All numeric state lives in the core; calls are serialised.

import { Core } from "../core/core.ts";
import { fail, throwIfAborted } from "../errors.ts";
import { toMatrix, type DataInput, type Matrix } from "../input.ts";
import type { RunControl, Stage } from "../options/common.ts";
import type { EmbedOptions, Loss } from "../options/embedding.ts";
import { checkKeys, resolveParams, type ResolvedParams } from "./params.ts";
import { prepare, type Prepared } from "./pipeline.ts";
import { putMatrix } from "../core/matrix.ts";
import { readLogZ, runPhase, writeLogZ, type Phase } from "./optimizer.ts";
import { initialLogZ, xiFor, zBarAt } from "./spectrum.ts";
import { defaultSchedule, mainLearningRate } from "./schedule.ts";
import { partitionFunction } from "./partition.ts";
import { checkFiniteLayout } from "../validate/finite.ts";

/** Options of a further optimisation from the current layout (a point of the spectrum, a loss, a schedule). */
export interface OptimizeOptions extends RunControl {
  loss?: Loss;
  s?: number;
  zBar?: number;
  c?: number;
  negativeSamples?: number;
  nEpochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
}

const OPTIMIZE_KEYS = ["loss", "s", "zBar", "c", "negativeSamples", "nEpochs", "batchSize", "learningRate", "seed", "signal", "onProgress"];

export interface KnnGraph {
  /** n × k neighbour indices of the search (row-major) */
  indices: Int32Array;
  /** CSR of the symmetrised graph: rowPtr (n + 1) and colIndices (E) */
  rowPtr: Int32Array;
  colIndices: Int32Array;
}

export class Embedding {
  private readonly params: ResolvedParams;
  private matrix: Matrix;
  private core?: Core;
  private prepared?: Prepared;
  private queue: Promise<unknown> = Promise.resolve();
  private destroyed = false;
  private readonly lifetime = new AbortController();
  private phases = 0;
  private lastLoss?: Loss;

  constructor(data: DataInput, options: EmbedOptions = {}) {
    this.params = resolveParams(options);
    this.matrix = toMatrix(data, options);
    const { n } = this.matrix;
    if (n <= this.params.k) fail(`n = ${n} is too small for k = ${this.params.k}: need n > k`);
    if (n < 3) fail(`n = ${n} is too small: need at least 3 points`);
  }

  /** Number of points. */
  get n(): number {
    return this.matrix.n;
  }

  /** Output dimensions. */
  get outDim(): number {
    return this.params.outDim;
  }

  /** A copy of the current layout (n × outDim, row-major); empty before run(). */
  get embedding(): Float32Array {
    if (!this.core || !this.prepared) return new Float32Array(0);
    const st = this.prepared.optimizer;
    return this.core.f32(st.yPtr, st.n * st.dim).slice();
  }

  /** NCE's learned log Z after a fit with loss "nce" (undefined otherwise). */
  get logZ(): number | undefined {
    if (!this.core || !this.prepared || this.lastLoss !== "nce") return undefined;
    return readLogZ(this.core, this.prepared.optimizer);
  }

  /** The kNN graph the fit used (undefined before run()). */
  get knnGraph(): KnnGraph | undefined {
    const core = this.core, pr = this.prepared;
    if (!core || !pr) return undefined;
    const rowPtr = core.i32(pr.graph.rowPtr, pr.graph.n + 1).slice();
    return {
      indices: core.i32(pr.knnPtr, pr.data.n * pr.k).slice(),
      rowPtr,
      colIndices: core.i32(pr.graph.colPtr, pr.graph.edgeCount).slice(),
    };
  }

  /**
   * Runs the whole fit: PCA (for dim > 100), kNN, graph, initial layout, then early exaggeration at the UMAP
   * point and the main phase at the chosen point of the spectrum. Resolves with the layout.
   */
  run(control: RunControl = {}): Promise<Float32Array> {
    checkKeys(control, ["signal", "onProgress"], "run options");
    return this.serialise(async () => {
      if (this.prepared) fail("run() was already called: use optimize() to continue from the current layout");
      const p = this.params;
      const signal = this.signalFor(control.signal);
      const report = (f: number, stage: Stage) => control.onProgress?.(f, stage);
      this.core = await Core.create(p.threads);
      const data = putMatrix(this.core, this.matrix, "data", "safe");
      // the core holds the data now: let go of the JS copy, as large as the input, before the fit grows memory
      this.matrix = { n: this.matrix.n, dim: this.matrix.dim, values: new Float32Array(0) };
      this.prepared = await prepare(this.core, data, p, { signal, report });
      const schedule = defaultSchedule(p, this.prepared.graph.edgeCount, this.matrix.n);
      const main = this.phaseFor(p.loss, p.s, p.zBar, p.c, p.negativeSamples, schedule.mainEpochs, schedule.batchSize, p.learningRate, p.seed);
      main.learningRate = mainLearningRate(p.learningRate, p.learningRateGiven, p.loss, main.xi);
      if (p.loss === "nce") writeLogZ(this.core, this.prepared.optimizer, initialLogZ(this.matrix.n));
      if (schedule.exaggerationEpochs > 0) {
        // "neg" starts at ξ' = 1 (the UMAP point) at the base rate; the other losses run their own loss first (SPEC §3)
        const ee = p.loss === "neg" ? { ...main, xi: 1, learningRate: p.learningRate } : { ...main };
        await this.runPhase({ ...ee, epochs: schedule.exaggerationEpochs }, "early-exaggeration", signal, report);
      }
      await this.runPhase(main, "optimize", signal, report);
      return this.embedding;
    });
  }

  /**
   * Continues from the current layout with other settings, e.g. another s: this is how to walk along the
   * spectrum, each embedding warm-started from the previous one. One phase, no early exaggeration.
   */
  optimize(options: OptimizeOptions = {}): Promise<Float32Array> {
    checkKeys(options, OPTIMIZE_KEYS, "optimize options");
    const merged = resolveParams({
      ...this.userOptionsFromParams(),
      loss: options.loss ?? this.params.loss,
      s: options.zBar === undefined ? options.s ?? (options.loss && options.loss !== this.params.loss ? undefined : this.params.s) : undefined,
      zBar: options.zBar,
      c: options.c,
      negativeSamples: options.negativeSamples ?? this.params.negativeSamples,
      nEpochs: options.nEpochs,
      batchSize: options.batchSize ?? this.params.batchSize,
      learningRate: options.learningRate,
      seed: options.seed ?? this.params.seed,
    });
    return this.serialise(async () => {
      if (!this.prepared || !this.core) fail("call run() before optimize()");
      const signal = this.signalFor(options.signal);
      const report = (f: number, stage: Stage) => options.onProgress?.(f, stage);
      const schedule = defaultSchedule({ ...merged, earlyExaggeration: false }, this.prepared.graph.edgeCount, this.matrix.n);
      if (merged.loss === "nce" && this.lastLoss !== "nce") writeLogZ(this.core, this.prepared.optimizer, initialLogZ(this.matrix.n));
      const phase = this.phaseFor(merged.loss, merged.s, merged.zBar, merged.c, merged.negativeSamples,
        options.nEpochs ?? schedule.mainEpochs, schedule.batchSize, merged.learningRate, merged.seed);
      phase.learningRate = mainLearningRate(merged.learningRate, merged.learningRateGiven, merged.loss, phase.xi);
      await this.runPhase(phase, "optimize", signal, report);
      return this.embedding;
    });
  }

  /**
   * Σ_{i≠j} 1/(1 + ‖y_i − y_j‖²) of the current layout: exact for n ≤ 20,000 (or when `exact` is true),
   * otherwise estimated from 10^6 random pairs (relative error ≈ 0.1%).
   */
  partitionFunction(options: { exact?: boolean; seed?: number } = {}): Promise<number> {
    return this.serialise(async () => {
      if (!this.prepared || !this.core) fail("call run() before partitionFunction()");
      const st = this.prepared.optimizer;
      return partitionFunction(this.core, st.yPtr, st.n, st.dim, options.exact ?? st.n <= 20000, options.seed ?? this.params.seed);
    });
  }

  /** Frees the core and its workers. Safe to call twice, and during a run (the run then rejects). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.lifetime.abort(new DOMException("The embedding was destroyed", "AbortError"));
    // the core is released once any running call has stopped
    void this.queue.finally(() => this.core?.destroy());
  }

  private phaseFor(
    loss: Loss, s: number, zBar: number | undefined, c: number | undefined, m: number, epochs: number,
    batchSize: number, learningRate: number, seed: number,
  ): Phase {
    const n = this.matrix.n;
    const xi = loss === "neg" ? xiFor(zBar ?? zBarAt(s, n, m), n, m) : 1;
    return {
      loss, xi, c: c ?? Math.pow(4, s), negativeSamples: m, batchSize, epochs, learningRate, seed,
      phaseId: ++this.phases,
    };
  }

  private async runPhase(phase: Phase, stage: Stage, signal: AbortSignal, report: (f: number, s: Stage) => void): Promise<void> {
    const st = this.prepared!.optimizer;
    await runPhase(this.core!, st, phase, { signal, progress: (f) => report(f, stage) });
    checkFiniteLayout(this.core!, st.yPtr, st.n, st.dim, stage);
    this.lastLoss = phase.loss;
  }

  private userOptionsFromParams(): EmbedOptions {
    const p = this.params;
    return { outDim: p.outDim, k: p.k, knn: p.knn, earlyExaggeration: p.earlyExaggeration, threads: p.threads };
  }

  /** The caller's signal combined with destroy(). */
  private signalFor(user?: AbortSignal): AbortSignal {
    if (this.destroyed) throw new DOMException("The embedding was destroyed", "AbortError");
    throwIfAborted(user);
    return user ? AbortSignal.any([user, this.lifetime.signal]) : this.lifetime.signal;
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** Creates an embedding handle; nothing runs until `run()`. Input and options are validated here. */
export function createEmbedding(data: DataInput, options: EmbedOptions = {}): Embedding {
  return new Embedding(data, options);
}

/** One-shot: fit and return the layout (n × outDim, row-major). */
export async function embed(data: DataInput, options: EmbedOptions = {}): Promise<Float32Array> {
  const { signal, onProgress, ...rest } = options;
  const e = new Embedding(data, rest);
  try {
    return await e.run({ signal, onProgress });
  } finally {
    e.destroy();
  }
}
