// The parametric embedding handle (SPEC §4): the layout is f(x) for an MLP f trained with the losses and
// edge batches of the non-parametric mode, and new points are embedded by a forward pass (`transform`).
// create → run or step → embedding / transform → destroy; all numeric state lives in the core; the handle
// plumbing (serialised calls, abort, progress, reading, destroy) is FitHandle's.

import type { Core } from "../core/core.ts";
import { putMatrix, type CoreMatrix } from "../core/matrix.ts";
import { checkFiniteLayout } from "../validate/finite.ts";
import { fail, throwIfAborted } from "../errors.ts";
import { toMatrix, type DataInput, type Matrix } from "../input.ts";
import type { Stage } from "../options/common.ts";
import type { EmbedOptions, EmbeddingOptions, Loss } from "../options/embedding.ts";
import type { OptimizeOptions } from "../options/optimize.ts";
import { checkShapes, resolveParams, resolvePhaseParams, savedOptions, type ResolvedParams } from "../embedding/params.ts";
import { prepare, PCA_SEARCH_COMPONENTS, PCA_SEARCH_THRESHOLD, type Prepared } from "../embedding/pipeline.ts";
import { writeLogZ, type Phase } from "../embedding/optimizer.ts";
import { initialLogZ } from "../embedding/spectrum.ts";
import { phaseFor } from "../embedding/schedule.ts";
import { FitHandle, type FitControl, type FitPhase } from "../handle/handle.ts";
import { encodeParametric } from "../model/codec.ts";
import { isBinaryMetric, prepareRows } from "../knn/metric.ts";
import { fitPca, projectRows, readBasis, writeBasis, type PcaBasis, type PcaBasisState } from "../pca/index.ts";
import { allocateNetwork, ensureBatchRows, forwardAll, type Network, type NetworkShape } from "./network.ts";
import { startTrainPhase, trainEpochs } from "./trainer.ts";

/** SPEC §4: three hidden layers of 100 units. */
export const HIDDEN_UNITS = 100;
export const HIDDEN_LAYERS = 3;

/**
 * Defaults of the parametric mode where they differ from the non-parametric one, set by measurement on
 * Fashion-MNIST (bench/parametric.js, bench/RESULTS.md "Parametric mode"; loss neg, s = 0, 5 negatives). On the
 * first 10,000 training rows, recall@15 against the non-parametric layout's 0.289: b = 1024, rate 1e-3 and the
 * former 2,000 steps 0.191; b = 256 (10 epochs) 0.220; rate 3e-3 (b = 1024, 10 epochs) 0.221; both 0.230 (no
 * early exaggeration: 0.220); 20 epochs 0.246; 30 epochs (≈ 25,000 steps) 0.252.
 */
export const PARAMETRIC_DEFAULTS = {
  /**
   * Adam's learning rate: SPEC §4 gives 1e-3; over the same 10 epochs (b = 1024) 3e-3 gave recall 0.221
   * against 0.191, and steps are what a parametric fit pays for (each forwards and backpropagates up to 2b rows).
   */
  learningRate: 3e-3,
  /** Edges per batch: a step costs about 2b rows through the network, so smaller batches buy more Adam steps for the same work. */
  batchSize: 256,
  /** Negatives per edge, the paper's 5: the layout's default of 30 was measured for the non-parametric optimiser. */
  negativeSamples: 5,
  /**
   * Adam steps the default number of epochs aims at (about 30 epochs at n = 10,000); every step costs the same
   * whatever n, so the default is set in steps, within [minEpochs, maxEpochs] epochs (60,000 points: 5 epochs,
   * ≈ 25,000 steps).
   */
  targetSteps: 25000,
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
  /** the network's widths; shape.inDim is the PCA's nComponents when there is a PCA, else the input's columns */
  shape: NetworkShape;
  /** the network's parameters (the core's layout, assembly/parametric/model.ts) */
  parameters: Float32Array;
  /** f(X) of the training data, n × outDim */
  embedding: Float32Array;
  /** the fit's options (without data and threads) */
  options: EmbeddingOptions;
  /** the training data was scaled by 2^inputScaleExponent (core/matrix.ts); new points are scaled alike */
  inputScaleExponent: number;
  /**
   * The PCA the network's input goes through (data wider than 100 columns): new rows are centred and projected
   * with it, in the scaled units, before the forward pass. Absent: the network reads the rows as given.
   */
  pca?: PcaBasisState;
}

export class ParametricEmbedding extends FitHandle {
  private readonly params: ResolvedParams;
  private readonly options: EmbeddingOptions;
  private matrix?: Matrix;
  private readonly size: { n: number; dim: number };
  private readonly batchSize: number;
  private readonly epochs?: number;
  private network?: Network;
  /** the fit's state in the core (graph, optimiser buffers); absent in a handle restored from saved state */
  private fit?: Prepared;
  /** the network's training input in the core (the data, or its PCA scores), which afterStep forwards */
  private input?: CoreMatrix;
  /** the PCA in front of the network (data wider than 100 columns) */
  private pca?: PcaBasis;
  /** the training data was scaled by 2^scaleExponent into the safe range; transform() scales new points alike */
  private scaleExponent = 0;
  private embeddingPtr?: number;
  /** epochs of the fit's main phase: optimize()'s default */
  private mainEpochs = 0;
  /** phases run so far: each draws its own random streams */
  private phases = 0;
  private lastLoss?: Loss;
  protected override readonly afterFitHint = ": use optimize() to continue training from the current network";

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

  /** Input dimensions (of training data and of every transform; the network reads their PCA scores when > 100). */
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
        let input = putMatrix(core, matrix, "transform data", this.scaleExponent);
        // the network reads the rows the fit made unit (cosine, correlation); binary metrics' network reads the 0/1 rows
        if (!isBinaryMetric(this.params.metric)) input = prepareRows(core, input, this.params.metric, "transform data");
        if (this.pca) input = await projectRows(core, this.pca, input, { signal });
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
    return {
      shape: { ...net.shape }, parameters: core.f32(net.paramsPtr, net.paramCount).slice(), embedding: this.embedding,
      options: { ...this.options }, inputScaleExponent: this.scaleExponent, pca: this.pca && readBasis(core, this.pca),
    };
  }

  /** The trained model as bytes (docs/model-format.md); `loadModel` reads it in any runtime. */
  save(): Uint8Array {
    const state = this.state;
    if (!state) fail("call run() before save()");
    return encodeParametric(state);
  }

  /**
   * A handle with a saved network: transform() and the training layout work as on the original (`threads`
   * may be given anew); it cannot be trained further (it has no training data).
   */
  static async fromState(state: ParametricState, options: { threads?: number } = {}): Promise<ParametricEmbedding> {
    if (state === null || typeof state !== "object") fail("state must be an object");
    const { shape, parameters, embedding, pca } = state;
    if (!(parameters instanceof Float32Array) || !(embedding instanceof Float32Array)) {
      fail("state.parameters and state.embedding must be Float32Arrays");
    }
    if (pca !== undefined && pca.nComponents !== shape.inDim) {
      fail(`state.pca has ${pca.nComponents} components but the network reads ${shape.inDim} values per row`);
    }
    const n = embedding.length / shape.outDim;
    const e = new ParametricEmbedding([], { ...state.options, threads: options.threads }, { n, dim: pca ? pca.dim : shape.inDim });
    if (e.outDim !== shape.outDim) fail(`state.shape.outDim = ${shape.outDim} but options.outDim = ${e.outDim}`);
    await e.restore((core) => {
      const net = allocateNetwork(core, shape, 0);
      if (net.paramCount !== parameters.length) fail(`state.parameters has ${parameters.length} values; this shape needs ${net.paramCount}`);
      core.f32(net.paramsPtr, net.paramCount).set(parameters);
      e.network = net;
      if (pca) e.pca = writeBasis(core, pca);
      e.scaleExponent = state.inputScaleExponent ?? 0;
      e.embeddingPtr = core.alloc(embedding.byteLength);
      core.f32(e.embeddingPtr, embedding.length).set(embedding);
    });
    return e;
  }

  /**
   * Continues training the network from its current parameters with other settings, e.g. another s: the
   * parametric walk along the spectrum, each network warm-started from the previous one. One phase (Adam
   * restarted, no early exaggeration) of `nEpochs` (default: the fit's main phase); epochs of the fit that
   * step() had not run yet are dropped. Resolves with the new layout f(X).
   */
  optimize(options: OptimizeOptions = {}): Promise<Float32Array> {
    let merged: ResolvedParams;
    try {
      merged = resolvePhaseParams(this.params, options);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.serialise(async () => {
      const core = this.core, fit = this.fit, network = this.network;
      if (!core || !network || this.embeddingPtr === undefined) fail("call run() before optimize()");
      if (!fit) fail("this parametric model was loaded from saved state: it has no training data to optimise on");
      const ctl = this.control(options);
      const p: ResolvedParams = {
        ...merged,
        learningRate: options.learningRate ?? PARAMETRIC_DEFAULTS.learningRate,
        negativeSamples: options.negativeSamples ?? this.params.negativeSamples,
      };
      const batch = Math.min(options.batchSize ?? this.batchSize, fit.graph.edgeCount);
      ensureBatchRows(core, network, Math.min(this.n, 2 * batch));
      if (p.loss === "nce" && this.lastLoss !== "nce") writeLogZ(core, fit.optimizer, initialLogZ(this.n));
      const phase = phaseFor(p, this.n, options.nEpochs ?? this.mainEpochs, batch, ++this.phases);
      this.setPlan([this.fitPhase(fit, network, phase, "optimize")]);
      await this.advance(Infinity, ctl);
      return this.embedding;
    });
  }

  protected threads(): number | undefined {
    return this.params.threads;
  }

  protected layoutPtr(): number | undefined {
    return this.embeddingPtr;
  }

  /**
   * PCA (dim > 100: the neighbour search and the network's input), kNN, graph, the network; then early
   * exaggeration and the main phase.
   */
  protected async prepareFit(core: Core, ctl: FitControl): Promise<FitPhase[]> {
    const p = this.params, n = this.n;
    const data = putMatrix(core, this.matrix!, "data", "safe");
    this.scaleExponent = data.scaleExponent ?? 0;
    // the core holds the data now: let go of the JS copy before the fit grows memory
    this.matrix = undefined;
    const prepared = await prepare(core, data, p, ctl);
    this.fit = prepared;
    // wide data: the network reads PCA-50 scores, with the basis of the neighbour search (fitted here when the
    // neighbours were given), so that its first layer is small. The training rows are projected as transform()
    // projects new rows (projectRows), so that transform of a training row gives its layout bit for bit.
    let input = data;
    if (data.dim > PCA_SEARCH_THRESHOLD) {
      this.pca = prepared.pca ?? (await fitPca(core, data, PCA_SEARCH_COMPONENTS, {
        seed: p.seed, signal: ctl.signal, progress: (f) => ctl.report(f, "pca"),
      })).basis;
      input = await projectRows(core, this.pca, data, { signal: ctl.signal, progress: (f) => ctl.report(f, "pca") });
    }
    this.input = input;
    const batch = Math.min(this.batchSize, prepared.graph.edgeCount);
    const network = allocateNetwork(core, { inDim: input.dim, hidden: HIDDEN_UNITS, hiddenLayers: HIDDEN_LAYERS, outDim: p.outDim }, p.seed, {
      dataPtr: input.ptr, inStride: input.stride, n, maxRows: Math.min(n, 2 * batch),
    });
    this.network = network;
    const epochs = this.epochs ?? defaultParametricEpochs(prepared.graph.edgeCount, batch);
    const exaggeration = p.earlyExaggeration ? Math.round(epochs / 3) : 0;
    this.mainEpochs = Math.max(1, epochs - exaggeration);
    if (p.loss === "nce") writeLogZ(core, prepared.optimizer, initialLogZ(n));
    const phases: FitPhase[] = [];
    if (exaggeration > 0) {
      // "neg" starts at ξ' = 1 (the UMAP point); the other losses run their own loss first (SPEC §3)
      const ee = { ...phaseFor(p, this.n, exaggeration, batch, ++this.phases) };
      if (p.loss === "neg") ee.xi = 1;
      phases.push(this.fitPhase(prepared, network, ee, "early-exaggeration"));
    }
    const main = phaseFor(p, this.n, this.mainEpochs, batch, ++this.phases);
    phases.push(this.fitPhase(prepared, network, main, "optimize"));
    return phases;
  }

  /** The layout of the training data is f(X): forwarded after every step. */
  protected override async afterStep(ctl: FitControl): Promise<void> {
    const core = this.core!, n = this.n, input = this.input!;
    this.embeddingPtr ??= core.alloc(n * this.outDim * 4);
    await forwardAll(core, this.network!, input.ptr, input.stride, n, this.embeddingPtr, { signal: ctl.signal });
    checkFiniteLayout(core, this.embeddingPtr, n, this.outDim, "optimize");
  }

  private fitPhase(fit: Prepared, network: Network, ph: Phase, stage: Stage): FitPhase {
    const core = this.core!;
    return {
      stage,
      epochs: ph.epochs,
      start: () => startTrainPhase(core, fit.optimizer, network, ph),
      run: async (begin, end, c) => {
        await trainEpochs(core, fit.optimizer, network, ph, begin, end, c);
        this.lastLoss = ph.loss;
      },
    };
  }
}

/**
 * Creates a parametric embedding: an MLP (3 hidden layers of 100 ReLU units) trained with the contrastive
 * losses, which can then embed new points (`transform`). Nothing runs until `run()`; input and options are
 * validated here. `init` does not apply; `learningRate` is Adam's (default 3e-3, PARAMETRIC_DEFAULTS).
 */
export function createParametricEmbedding(data: DataInput, options: EmbedOptions = {}): ParametricEmbedding {
  return new ParametricEmbedding(data, options);
}
