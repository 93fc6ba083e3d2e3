// The parametric embedding handle (SPEC §4): the layout is f(x) for an MLP f trained with the losses and
// edge batches of the non-parametric mode, and new points are embedded by a forward pass (`transform`).
// create → run or step → embedding / transform → destroy; all numeric state lives in the core; the handle
// plumbing (serialised calls, abort, progress, reading, destroy) is FitHandle's.

import type { Core } from "../core/core.ts";
import { putMatrix, type CoreMatrix } from "../core/matrix.ts";
import { checkFiniteLayout } from "../validate/finite.ts";
import { checkNetworkInput } from "../validate/magnitude.ts";
import { fail, throwIfAborted } from "../errors.ts";
import { toMatrix, type DataInput, type Matrix } from "../input.ts";
import type { Stage } from "../options/common.ts";
import type { EmbedOptions, EmbeddingOptions } from "../options/embedding.ts";
import type { OptimizeOptions } from "../options/optimize.ts";
import type { Loss } from "../loss/table.ts";
import { resolveParams, savedOptions, type ResolvedParams } from "../embedding/params.ts";
import { prepare, type Prepared } from "../embedding/pipeline.ts";
import { pcaComponents } from "../embedding/search.ts";
import { writeLogZ, type Phase } from "../embedding/optimizer.ts";
import { initialLogZ } from "../embedding/spectrum.ts";
import { defaultParametricEpochs, NETWORK_MODE, PARAMETRIC_DEFAULTS } from "../fit/modes.ts";
import { resolveFitParams, resolveWarmParams, type FitSettings } from "../fit/settings.ts";
import { checkRunnable, planFit, planWarm, startsLearnedZ, type FitPlan } from "../fit/plan.ts";
import { FitHandle, type FitControl, type FitPhase } from "../handle/handle.ts";
import { encodeParametric } from "../model/codec.ts";
import { isBinaryMetric, prepareRows } from "../knn/metric.ts";
import { fitPca, projectRows, readBasis, writeBasis, type PcaBasis } from "../pca/index.ts";
import type { ParametricState } from "../handle/state.ts";
import { allocateNetwork, ensureBatchRows, forwardAll, type Network } from "./network.ts";
import { NETWORK_RULES } from "./trainer.ts";

export type { ParametricState };

/** SPEC §4: three hidden layers of 100 units. */
export const HIDDEN_UNITS = 100;
export const HIDDEN_LAYERS = 3;

export { PARAMETRIC_DEFAULTS, defaultParametricEpochs };

export class ParametricEmbedding extends FitHandle {
  private readonly params: ResolvedParams;
  private readonly options: EmbeddingOptions;
  private matrix?: Matrix;
  private readonly size: { n: number; dim: number };
  private network?: Network;
  /** the fit's state in the core (graph, optimiser buffers); absent in a handle restored from saved state */
  private fit?: Prepared;
  /** the network's training input in the core (the data, or its PCA scores), which afterStep forwards */
  private input?: CoreMatrix;
  /** the PCA in front of the network (by default data wider than 100 columns; the `pca` option) */
  private pca?: PcaBasis;
  /** the training data was scaled by 2^scaleExponent into the safe range; transform() scales new points alike */
  private scaleExponent = 0;
  private embeddingPtr?: number;
  /** epochs of the fit's main phase: optimize()'s default */
  private mainEpochs = 0;
  /** phases run so far: each draws its own random streams */
  private phases = 0;
  private lastLoss?: Loss;
  /** the settings of the current network's last phase (fit/settings.ts); undefined before run() and in a restored handle */
  private current?: FitSettings;
  protected override readonly afterFitHint = ": use optimize() to continue training from the current network";

  /** Validates input and options (see createParametricEmbedding); `restored` is fromState's. */
  constructor(data: DataInput, options: EmbedOptions = {}, restored?: { n: number; dim: number }) {
    super();
    if (options !== null && typeof options === "object" && options.init !== undefined) {
      fail("init does not apply to the parametric mode: the layout is the network's output");
    }
    // the pipeline's initial layout is not used: keep it cheap
    const params: ResolvedParams = { ...resolveParams(options), init: "random" };
    this.options = savedOptions(options);
    if (restored) {
      this.size = restored;
    } else {
      this.matrix = toMatrix(data, options);
      this.size = { n: this.matrix.n, dim: this.matrix.dim };
    }
    this.params = resolveFitParams(params, this.size.n, NETWORK_MODE, !restored, this.size.dim);
    checkRunnable(this.params.loss, NETWORK_MODE, NETWORK_RULES);
  }

  /**
   * The settings the current network was trained with, every default resolved (mode, loss, s, Z̄ or c, ξ′,
   * negatives, Adam's rate, batch, epochs, metric, seed…): the fit's main phase, or the last optimize().
   * Undefined before run() or step(), and in a handle restored from saved state.
   */
  get settings(): FitSettings | undefined {
    return this.current && { ...this.current };
  }

  /** Number of training points. */
  get n(): number {
    return this.size.n;
  }

  /** Input dimensions (of training data and of every transform; the network reads their PCA scores when > 100, or as `pca` says). */
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
      if (!core || !network || this.embeddingPtr === undefined) fail(this.notReady("transform()"));
      const signal = this.signalFor();
      throwIfAborted(signal);
      const mark = core.mark();
      try {
        let input = putMatrix(core, matrix, "transform data", this.scaleExponent);
        checkNetworkInput(core, input, this.scaleExponent);
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
    if (!state) fail(this.notReady("save()"));
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
      merged = resolveWarmParams(this.params, options, this.n, NETWORK_MODE);
      checkRunnable(merged.loss, NETWORK_MODE, NETWORK_RULES);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.serialise(async () => {
      const core = this.core, fit = this.fit, network = this.network;
      if (!core || !network || this.embeddingPtr === undefined) fail(this.notReady("optimize()"));
      if (!fit) fail("this parametric model was loaded from saved state: it has no training data to optimise on");
      const ctl = this.control(options);
      const plan = planWarm(merged, this.n, fit.graph.edgeCount, NETWORK_MODE, this.mainEpochs, () => ++this.phases);
      ensureBatchRows(core, network, Math.min(this.n, 2 * plan.settings.batchSize));
      if (startsLearnedZ(merged.loss, this.lastLoss)) writeLogZ(core, fit.optimizer, initialLogZ(this.n));
      this.setPlan(this.adopt(fit, network, plan));
      await this.advance(Infinity, ctl);
      return this.embedding;
    });
  }

  protected threads(): number | undefined {
    return this.params.threads;
  }

  protected override warn(message: string): void {
    this.params.warn(message);
  }

  protected layoutPtr(): number | undefined {
    return this.embeddingPtr;
  }

  /**
   * PCA (the neighbour search's and the network's input: embedding/search.ts), kNN, graph, the network; then early
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
    // wide data: the network reads PCA scores (PCA-50 by default, or as the `pca` option says), with the basis of
    // the neighbour search (fitted here when the neighbours were given, or the metric searches no PCA), so that
    // its first layer is small. The training rows are projected as transform() projects new rows (projectRows),
    // so that transform of a training row gives its layout bit for bit.
    let input = data;
    const components = pcaComponents(p.pca, data.dim);
    if (prepared.pca || components > 0) {
      this.pca = prepared.pca ?? (await fitPca(core, data, components, {
        seed: p.seed, signal: ctl.signal, progress: (f) => ctl.report(f, "pca"),
      })).basis;
      input = await projectRows(core, this.pca, data, { signal: ctl.signal, progress: (f) => ctl.report(f, "pca") });
    }
    this.input = input;
    const plan = planFit(p, n, prepared.graph.edgeCount, NETWORK_MODE, () => ++this.phases);
    const batch = plan.settings.batchSize;
    const network = allocateNetwork(core, { inDim: input.dim, hidden: HIDDEN_UNITS, hiddenLayers: HIDDEN_LAYERS, outDim: p.outDim }, p.seed, {
      dataPtr: input.ptr, inStride: input.stride, n, maxRows: Math.min(n, 2 * batch),
    });
    this.network = network;
    this.mainEpochs = plan.settings.epochs;
    if (startsLearnedZ(p.loss, undefined)) writeLogZ(core, prepared.optimizer, initialLogZ(n));
    return this.adopt(prepared, network, plan);
  }

  /** Takes a plan's settings as the current network's, and its phases as the handle's to run. */
  private adopt(fit: Prepared, network: Network, plan: FitPlan): FitPhase[] {
    this.current = plan.settings;
    return plan.phases.map(({ stage, phase }) => this.fitPhase(fit, network, phase, stage));
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
    const rule = NETWORK_RULES[ph.rule];
    if (!rule) fail(`loss "${ph.loss}" (update rule "${ph.rule}") does not train a network`);
    return {
      stage,
      epochs: ph.epochs,
      start: () => rule.start(core, fit.optimizer, network, ph),
      run: async (begin, end, c) => {
        await rule.run(core, fit.optimizer, network, ph, begin, end, c);
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
