// The parametric embedding handle (SPEC §4): the layout is f(x) for an MLP f trained with the losses and
// edge batches of the non-parametric mode, and new points are embedded by a forward pass (`transform`).
// create → run or step → embedding / transform → destroy; all numeric state lives in the core; the handle
// plumbing (serialised calls, abort, progress, reading, destroy) is FitHandle's.

import type { Core } from "../core/core.ts";
import { putMatrix } from "../core/matrix.ts";
import { checkFiniteLayout } from "../validate/finite.ts";
import { fail, throwIfAborted } from "../errors.ts";
import { toMatrix, type DataInput, type Matrix } from "../input.ts";
import type { Stage } from "../options/common.ts";
import type { EmbedOptions, EmbeddingOptions, Loss } from "../options/embedding.ts";
import { checkShapes, resolveParams, savedOptions, type ResolvedParams } from "../embedding/params.ts";
import { prepare } from "../embedding/pipeline.ts";
import { writeLogZ, type Phase } from "../embedding/optimizer.ts";
import { initialLogZ, xiFor, zBarAt } from "../embedding/spectrum.ts";
import { FitHandle, type FitControl, type FitPhase } from "../handle/handle.ts";
import { encodeParametric } from "../model/codec.ts";
import { allocateNetwork, forwardAll, type Network, type NetworkShape } from "./network.ts";
import { startTrainPhase, trainEpochs } from "./trainer.ts";

/** SPEC §4: three hidden layers of 100 units. */
export const HIDDEN_UNITS = 100;
export const HIDDEN_LAYERS = 3;

/** Defaults of the parametric mode where they differ from the non-parametric one. */
export const PARAMETRIC_DEFAULTS = {
  /** Adam's learning rate (SPEC §4). */
  learningRate: 1e-3,
  /** Edges per batch, the paper's: on large data every batch costs about 2b rows through the network, so smaller batches only add steps. */
  batchSize: 1024,
  /** Negatives per edge, the paper's 5: the layout's default of 30 was measured for the non-parametric optimiser. */
  negativeSamples: 5,
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

/**
 * What a trained parametric embedding is made of: enough to transform new points in another handle with the
 * same bits, without the training data. `ParametricEmbedding.fromState` takes it; saved models store it.
 */
export interface ParametricState {
  shape: NetworkShape;
  /** the network's parameters (the core's layout, assembly/parametric/model.ts) */
  parameters: Float32Array;
  /** f(X) of the training data, n × outDim */
  embedding: Float32Array;
  /** the fit's options (without data and threads) */
  options: EmbeddingOptions;
  /** the training data was scaled by 2^inputScaleExponent (core/matrix.ts); new points are scaled alike */
  inputScaleExponent: number;
}

export class ParametricEmbedding extends FitHandle {
  private readonly params: ResolvedParams;
  private readonly options: EmbeddingOptions;
  private readonly matrix?: Matrix;
  private readonly size: { n: number; dim: number };
  private readonly batchSize: number;
  private readonly epochs?: number;
  private network?: Network;
  /** the training data in the core, which afterStep forwards */
  private dataPtr = 0;
  private dataStride = 0;
  /** the training data was scaled by 2^scaleExponent into the safe range; transform() scales new points alike */
  private scaleExponent = 0;
  private embeddingPtr?: number;

  /** Validates input and options (see createParametricEmbedding); `restored` is fromState's. */
  constructor(data: DataInput, options: EmbedOptions = {}, restored?: { n: number; dim: number }) {
    super();
    if (options !== null && typeof options === "object" && options.init !== undefined) {
      fail("init does not apply to the parametric mode: the layout is the network's output");
    }
    const resolved = resolveParams(options);
    this.options = savedOptions(options);
    this.params = {
      ...resolved,
      learningRate: options.learningRate ?? PARAMETRIC_DEFAULTS.learningRate,
      negativeSamples: options.negativeSamples ?? PARAMETRIC_DEFAULTS.negativeSamples,
      init: "random", // the pipeline's initial layout is not used: keep it cheap
    };
    this.batchSize = resolved.batchSize ?? PARAMETRIC_DEFAULTS.batchSize;
    this.epochs = options.nEpochs === undefined ? undefined : resolved.nEpochs;
    if (restored) {
      this.size = restored;
    } else {
      this.matrix = toMatrix(data, options);
      this.size = { n: this.matrix.n, dim: this.matrix.dim };
    }
    checkShapes(this.params, this.size.n);
  }

  /** Number of training points. */
  get n(): number {
    return this.size.n;
  }

  /** Input dimensions (of training data and of every transform). */
  get dim(): number {
    return this.size.dim;
  }

  get outDim(): number {
    return this.params.outDim;
  }

  /**
   * Embeds new points by a forward pass of the trained network: rows of the same dimension as the training
   * data (a flat Float32Array of m × dim values, or an array of rows), every value finite. Resolves with
   * m × outDim values, row-major. Invalid input rejects with a CneInputError.
   */
  transform(data: DataInput): Promise<Float32Array> {
    let matrix: Matrix;
    try {
      matrix = toMatrix(data, { dim: this.dim });
    } catch (e) {
      return Promise.reject(e);
    }
    return this.serialise(async () => {
      const core = this.core, network = this.network;
      if (!core || !network || this.embeddingPtr === undefined) fail("call run() before transform()");
      const signal = this.signalFor();
      throwIfAborted(signal);
      const mark = core.mark();
      try {
        const input = putMatrix(core, matrix, "transform data", this.scaleExponent);
        const out = core.alloc(matrix.n * this.outDim * 4);
        await forwardAll(core, network, input.ptr, input.stride, matrix.n, out, { signal });
        checkFiniteLayout(core, out, matrix.n, this.outDim, "transform");
        return core.f32(out, matrix.n * this.outDim).slice();
      } finally {
        core.reset(mark);
      }
    });
  }

  /** The state a saved model keeps (copies); undefined before run(). */
  get state(): ParametricState | undefined {
    const core = this.core, net = this.network;
    if (!core || !net || this.embeddingPtr === undefined) return undefined;
    return { shape: { ...net.shape }, parameters: core.f32(net.paramsPtr, net.paramCount).slice(), embedding: this.embedding, options: { ...this.options }, inputScaleExponent: this.scaleExponent };
  }

  /** The trained model as bytes (docs/model-format.md); `loadModel` reads it in any runtime. */
  save(): Uint8Array {
    const state = this.state;
    if (!state) fail("call run() before save()");
    return encodeParametric(state);
  }

  /**
   * A handle with a saved network: transform() and the training layout work as on the original (`threads`
   * may be given anew); it cannot be trained further.
   */
  static async fromState(state: ParametricState, options: { threads?: number } = {}): Promise<ParametricEmbedding> {
    if (state === null || typeof state !== "object") fail("state must be an object");
    const { shape, parameters, embedding } = state;
    if (!(parameters instanceof Float32Array) || !(embedding instanceof Float32Array)) {
      fail("state.parameters and state.embedding must be Float32Arrays");
    }
    const n = embedding.length / shape.outDim;
    const e = new ParametricEmbedding([], { ...state.options, threads: options.threads }, { n, dim: shape.inDim });
    if (e.outDim !== shape.outDim) fail(`state.shape.outDim = ${shape.outDim} but options.outDim = ${e.outDim}`);
    await e.restore((core) => {
      const net = allocateNetwork(core, shape, 0);
      if (net.paramCount !== parameters.length) fail(`state.parameters has ${parameters.length} values; this shape needs ${net.paramCount}`);
      core.f32(net.paramsPtr, net.paramCount).set(parameters);
      e.network = net;
      e.scaleExponent = state.inputScaleExponent ?? 0;
      e.embeddingPtr = core.alloc(embedding.byteLength);
      core.f32(e.embeddingPtr, embedding.length).set(embedding);
    });
    return e;
  }

  protected threads(): number | undefined {
    return this.params.threads;
  }

  protected layoutPtr(): number | undefined {
    return this.embeddingPtr;
  }

  /** PCA (dim > 100, for the neighbour search), kNN, graph, the network; then early exaggeration and the main phase. */
  protected async prepareFit(core: Core, ctl: FitControl): Promise<FitPhase[]> {
    const p = this.params, n = this.n;
    const prepared = await prepare(core, putMatrix(core, this.matrix!, "data", "safe"), p, ctl);
    const batch = Math.min(this.batchSize, prepared.graph.edgeCount);
    // the network reads the data as given (raw dimensions; see the report for PCA inputs)
    const data = prepared.data!;
    this.dataPtr = data.ptr;
    this.scaleExponent = data.scaleExponent ?? 0;
    const network = allocateNetwork(core, { inDim: this.dim, hidden: HIDDEN_UNITS, hiddenLayers: HIDDEN_LAYERS, outDim: p.outDim }, p.seed, {
      dataPtr: data.ptr, inStride: data.stride, n, maxRows: Math.min(n, 2 * batch),
    });
    this.network = network;
    const epochs = this.epochs ?? defaultParametricEpochs(prepared.graph.edgeCount, batch);
    const exaggeration = p.earlyExaggeration ? Math.round(epochs / 3) : 0;
    const main = this.phaseFor(p.loss, Math.max(1, epochs - exaggeration), batch, 2);
    if (p.loss === "nce") writeLogZ(core, prepared.optimizer, initialLogZ(n));
    const phase = (ph: Phase, stage: Stage): FitPhase => ({
      stage,
      epochs: ph.epochs,
      start: () => startTrainPhase(core, prepared.optimizer, network, ph),
      run: (begin, end, c) => trainEpochs(core, prepared.optimizer, network, ph, begin, end, c),
    });
    const phases: FitPhase[] = [];
    if (exaggeration > 0) {
      // "neg" starts at ξ' = 1 (the UMAP point); the other losses run their own loss first (SPEC §3)
      const ee = { ...main, epochs: exaggeration, phaseId: 1 };
      if (p.loss === "neg") ee.xi = 1;
      phases.push(phase(ee, "early-exaggeration"));
    }
    phases.push(phase(main, "optimize"));
    this.dataStride = data.stride;
    return phases;
  }

  /** The layout of the training data is f(X): forwarded after every step. */
  protected override async afterStep(ctl: FitControl): Promise<void> {
    const core = this.core!, n = this.n;
    this.embeddingPtr ??= core.alloc(n * this.outDim * 4);
    await forwardAll(core, this.network!, this.dataPtr, this.dataStride, n, this.embeddingPtr, { signal: ctl.signal });
    checkFiniteLayout(core, this.embeddingPtr, n, this.outDim, "optimize");
  }

  private phaseFor(loss: Loss, epochs: number, batchSize: number, phaseId: number): Phase {
    const p = this.params, n = this.n, m = p.negativeSamples;
    const xi = loss === "neg" ? xiFor(p.zBar ?? zBarAt(p.s, n, m), n, m) : 1;
    return {
      loss, xi, c: p.c ?? Math.pow(4, p.s), negativeSamples: m, batchSize, epochs, learningRate: p.learningRate,
      seed: p.seed, phaseId,
    };
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
