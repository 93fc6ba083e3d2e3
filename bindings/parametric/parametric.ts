// The parametric embedding handle (SPEC §4): the layout is f(x) for an MLP f trained with the losses and
// edge batches of the non-parametric mode, and new points are embedded by a forward pass (`transform`).
// create → run → embedding / transform → destroy; all numeric state lives in the core; calls are serialised.

import { Core } from "../core/core.ts";
import { putMatrix } from "../core/matrix.ts";
import { checkFiniteLayout } from "../validate/finite.ts";
import { fail, throwIfAborted } from "../errors.ts";
import { toMatrix, type DataInput, type Matrix } from "../input.ts";
import type { RunControl, Stage } from "../options/common.ts";
import type { EmbedOptions, Loss } from "../options/embedding.ts";
import { checkKeys, resolveParams, type ResolvedParams } from "../embedding/params.ts";
import { prepare, type Prepared } from "../embedding/pipeline.ts";
import { writeLogZ, type Phase } from "../embedding/optimizer.ts";
import { initialLogZ, xiFor, zBarAt } from "../embedding/spectrum.ts";
import { allocateNetwork, forwardAll, type Network } from "./network.ts";
import { trainPhase } from "./trainer.ts";

/** SPEC §4: three hidden layers of 100 units. */
export const HIDDEN_UNITS = 100;
export const HIDDEN_LAYERS = 3;

/** Defaults of the parametric mode where they differ from the non-parametric one. */
export const PARAMETRIC_DEFAULTS = {
  /** Adam's learning rate (SPEC §4). */
  learningRate: 1e-3,
  /** Edges per batch, the paper's: on large data every batch costs about 2b rows through the network, so smaller batches only add steps. */
  batchSize: 1024,
  /**
   * Adam steps the default number of epochs aims at: digits (1,797 points) reaches recall@15 ≈ 0.46 after
   * about 1,900 steps of b = 1024 (measured with /tmp scripts, see the report), and every step costs as much
   * on large data as on small, so the default is set in steps rather than epochs.
   */
  targetSteps: 2000,
  minEpochs: 5,
  maxEpochs: 100,
};

/** Default epochs: about targetSteps batches in all, within [minEpochs, maxEpochs]. */
export function defaultParametricEpochs(edgeCount: number, batchSize: number): number {
  const d = PARAMETRIC_DEFAULTS;
  const stepsPerEpoch = Math.ceil(edgeCount / Math.min(batchSize, edgeCount));
  return Math.min(d.maxEpochs, Math.max(d.minEpochs, Math.ceil(d.targetSteps / stepsPerEpoch)));
}

export class ParametricEmbedding {
  private readonly params: ResolvedParams;
  private readonly matrix: Matrix;
  private readonly batchSize: number;
  private readonly epochs?: number;
  private core?: Core;
  private prepared?: Prepared;
  private network?: Network;
  private embeddingPtr = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private destroyed = false;
  private readonly lifetime = new AbortController();

  constructor(data: DataInput, options: EmbedOptions = {}) {
    if (options !== null && typeof options === "object" && options.init !== undefined) {
      fail("init does not apply to the parametric mode: the layout is the network's output");
    }
    const resolved = resolveParams(options);
    this.params = {
      ...resolved,
      learningRate: options.learningRate ?? PARAMETRIC_DEFAULTS.learningRate,
      init: "random", // the pipeline's initial layout is not used: keep it cheap
    };
    this.batchSize = resolved.batchSize ?? PARAMETRIC_DEFAULTS.batchSize;
    this.epochs = options.nEpochs === undefined ? undefined : resolved.nEpochs;
    this.matrix = toMatrix(data, options);
    const { n } = this.matrix;
    if (n <= this.params.k) fail(`n = ${n} is too small for k = ${this.params.k}: need n > k`);
    if (n < 3) fail(`n = ${n} is too small: need at least 3 points`);
  }

  /** Number of training points. */
  get n(): number {
    return this.matrix.n;
  }

  /** Input dimensions (of training data and of every transform). */
  get dim(): number {
    return this.matrix.dim;
  }

  get outDim(): number {
    return this.params.outDim;
  }

  /** The layout of the training data, f(X) (n × outDim, row-major, a copy); empty before run(). */
  get embedding(): Float32Array {
    if (!this.core || !this.embeddingPtr) return new Float32Array(0);
    return this.core.f32(this.embeddingPtr, this.matrix.n * this.params.outDim).slice();
  }

  /**
   * Fits: PCA (dim > 100, for the neighbour search), kNN, graph, then trains the network in two phases
   * (early exaggeration at the UMAP point, then the chosen point of the spectrum). Resolves with f(X).
   */
  run(control: RunControl = {}): Promise<Float32Array> {
    checkKeys(control, ["signal", "onProgress"], "run options");
    return this.serialise(async () => {
      if (this.prepared) fail("run() was already called");
      const p = this.params;
      const signal = this.signalFor(control.signal);
      const report = (f: number, stage: Stage) => control.onProgress?.(f, stage);
      this.core = await Core.create(p.threads);
      const core = this.core;
      const prepared = await prepare(core, putMatrix(core, this.matrix, "data", "safe"), p, { signal, report });
      this.prepared = prepared;
      const { n } = this.matrix;
      const batch = Math.min(this.batchSize, prepared.graph.edgeCount);
      // the network reads the data as given (raw dimensions; see the report for PCA inputs)
      const network = allocateNetwork(core, { inDim: this.matrix.dim, hidden: HIDDEN_UNITS, hiddenLayers: HIDDEN_LAYERS, outDim: p.outDim }, p.seed, {
        dataPtr: prepared.data.ptr, inStride: prepared.data.stride, n, maxRows: Math.min(n, 2 * batch),
      });
      this.network = network;
      const epochs = this.epochs ?? defaultParametricEpochs(prepared.graph.edgeCount, batch);
      const exaggeration = p.earlyExaggeration ? Math.round(epochs / 3) : 0;
      const main = this.phaseFor(p.loss, Math.max(1, epochs - exaggeration), batch, 2);
      if (p.loss === "nce") writeLogZ(core, prepared.optimizer, initialLogZ(n));
      const run = (phase: Phase, stage: Stage) =>
        trainPhase(core, prepared.optimizer, network, phase, { signal, progress: (f) => report(f, stage) });
      if (exaggeration > 0) {
        // "neg" starts at ξ' = 1 (the UMAP point); the other losses run their own loss first (SPEC §3)
        const ee = { ...main, epochs: exaggeration, phaseId: 1 };
        if (p.loss === "neg") ee.xi = 1;
        await run(ee, "early-exaggeration");
      }
      await run(main, "optimize");
      this.embeddingPtr = core.alloc(n * p.outDim * 4);
      await forwardAll(core, network, prepared.data.ptr, prepared.data.stride, n, this.embeddingPtr, { signal });
      checkFiniteLayout(core, this.embeddingPtr, n, p.outDim, "optimize");
      return this.embedding;
    });
  }

  /**
   * Embeds new points by a forward pass of the trained network: rows of the same dimension as the training
   * data (a flat Float32Array of m × dim values, or an array of rows), every value finite. Resolves with
   * m × outDim values, row-major. Invalid input rejects with a CneInputError.
   */
  transform(data: DataInput): Promise<Float32Array> {
    let matrix: Matrix;
    try {
      matrix = toMatrix(data, { dim: this.matrix.dim });
    } catch (e) {
      return Promise.reject(e);
    }
    return this.serialise(async () => {
      const core = this.core, network = this.network;
      if (!core || !network || !this.embeddingPtr) fail("call run() before transform()");
      throwIfAborted(this.lifetime.signal);
      const mark = core.mark();
      try {
        const input = putMatrix(core, matrix, "transform data", this.prepared!.data.scaleExponent ?? 0);
        const out = core.alloc(matrix.n * this.params.outDim * 4);
        await forwardAll(core, network, input.ptr, input.stride, matrix.n, out, { signal: this.lifetime.signal });
        checkFiniteLayout(core, out, matrix.n, this.params.outDim, "transform");
        return core.f32(out, matrix.n * this.params.outDim).slice();
      } finally {
        core.reset(mark);
      }
    });
  }

  /** Frees the core and its workers. Safe to call twice, and during a run (the run then rejects). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.lifetime.abort(new DOMException("The embedding was destroyed", "AbortError"));
    void this.queue.finally(() => this.core?.destroy());
  }

  private phaseFor(loss: Loss, epochs: number, batchSize: number, phaseId: number): Phase {
    const p = this.params, n = this.matrix.n, m = p.negativeSamples;
    const xi = loss === "neg" ? xiFor(p.zBar ?? zBarAt(p.s, n, m), n, m) : 1;
    return {
      loss, xi, c: p.c ?? Math.pow(4, p.s), negativeSamples: m, batchSize, epochs, learningRate: p.learningRate,
      seed: p.seed, phaseId,
    };
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

/**
 * Creates a parametric embedding: an MLP (3 hidden layers of 100 ReLU units) trained with the contrastive
 * losses, which can then embed new points (`transform`). Nothing runs until `run()`; input and options are
 * validated here. `init` does not apply; `learningRate` is Adam's (default 1e-3).
 */
export function createParametricEmbedding(data: DataInput, options: EmbedOptions = {}): ParametricEmbedding {
  return new ParametricEmbedding(data, options);
}
