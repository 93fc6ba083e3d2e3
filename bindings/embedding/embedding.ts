// The embedding handle: create → run or step (prepare, then optimise in phases) → optimize again at other
// points of the spectrum (warm start) → read → destroy. All numeric state lives in the core; the handle
// plumbing (serialised calls, abort, progress, reading, destroy) is FitHandle's.

import type { Core } from "../core/core.ts";
import { putMatrix, readMatrix } from "../core/matrix.ts";
import { readBasis, writeBasis } from "../pca/index.ts";
import { encodeEmbedding } from "../model/codec.ts";
import { fail } from "../errors.ts";
import { toMatrix, type DataInput, type Matrix } from "../input.ts";
import type { EmbedOptions, EmbeddingOptions } from "../options/embedding.ts";
import type { OptimizeOptions } from "../options/optimize.ts";
import { LOSSES, LOSS_NAMES, type Loss } from "../loss/table.ts";
import { FitHandle, type FitControl, type FitPhase } from "../handle/handle.ts";
import type { EmbeddingState, KnnGraph, LayoutTarget } from "../handle/state.ts";
import { LAYOUT_MODE } from "../fit/modes.ts";
import { resolveFitParams, resolveWarmParams, type FitSettings } from "../fit/settings.ts";
import { checkRunnable, layoutTargetOf, planFit, planWarm, ruleFor, startsLearnedZ, type FitPlan } from "../fit/plan.ts";
import { checkZBarTsne, prepareAtTsneZ } from "../tsne/zbar.ts";
import { layoutPartition } from "../tsne/place.ts";
import { resolveParams, savedOptions, type ResolvedParams } from "./params.ts";
import { prepare, restorePrepared, type Prepared } from "./pipeline.ts";
import { readLogZ, writeLogZ, type Phase } from "./optimizer.ts";
import { LAYOUT_RULES, phaseRunner, sessionRule, type LayoutSession, type SessionRule } from "./rules.ts";
import { initialLogZ } from "./spectrum.ts";
import { partitionFunction } from "./partition.ts";
import { checkFiniteLayout } from "../validate/finite.ts";
import { isBinaryMetric, metricScalesWithData, prepareRows } from "../knn/metric.ts";
import { scaleByExponent } from "../core/magnitude.ts";
import { checkTransformOptions, placeNewPoints, type TransformOptions } from "./transform.ts";

export type { OptimizeOptions, TransformOptions, EmbeddingState, KnnGraph, LayoutTarget, FitSettings };

/** What fromState hands the constructor instead of data. */
interface Restored {
  n: number;
  dim: number;
  phases: number;
  lastLoss: Loss;
  target?: LayoutTarget;
  inputScaleExponent: number;
  /** a t-SNE layout's Z, when the saved state had it */
  layoutZ?: number;
}

export class Embedding extends FitHandle {
  private readonly params: ResolvedParams;
  private readonly options: EmbeddingOptions;
  private matrix?: Matrix;
  private readonly size: { n: number; dim: number };
  private fit?: Prepared;
  private phases = 0;
  private lastLoss?: Loss;
  private target?: LayoutTarget;
  /** the settings of the current layout's phase (fit/settings.ts); undefined before run() and in a restored handle */
  private current?: FitSettings;
  private inputScaleExponent = 0;
  /** the fit of a rule with state of its own (loss "tsne": tsne/session.ts), which per-pair phases may continue */
  private session?: LayoutSession;
  /** Z of the t-SNE fit that a fit at zBar "tsne" ran first (tsne/zbar.ts) */
  private tsneZ?: number;
  /** Z of a finished (or restored) t-SNE layout, which transform normalises the repulsion by; undefined mid-fit */
  private layoutZ?: number;
  protected override readonly afterFitHint = ": use optimize() to continue from the current layout";

  /** Validates input and options (see createEmbedding); `restored` is Embedding.fromState's. */
  constructor(data: DataInput, options: EmbedOptions = {}, restored?: Restored) {
    super();
    const params = resolveParams(options);
    this.options = savedOptions(options);
    if (restored) {
      this.size = { n: restored.n, dim: restored.dim };
      this.phases = restored.phases;
      this.lastLoss = restored.lastLoss;
      this.target = restored.target;
      this.inputScaleExponent = restored.inputScaleExponent;
      this.layoutZ = restored.layoutZ;
    } else {
      this.matrix = toMatrix(data, options);
      this.size = { n: this.matrix.n, dim: this.matrix.dim };
    }
    // a restored fit was warned when it was made
    sessionRuleFor(params.loss)?.resolve(params, this.n, restored ? () => {} : params.warn);
    this.params = resolveFitParams(params, this.n, LAYOUT_MODE, !restored, this.size.dim);
    checkRunnable(this.params.loss, LAYOUT_MODE, LAYOUT_RULES);
    checkZBarTsne(this.params);
  }

  /**
   * Z = Σ_{i≠j} 1/(1 + ‖y_i − y_j‖²) of the t-SNE layout behind this handle, as the t-SNE iterations computed it
   * at their last iteration: of the fit itself (loss "tsne", also after optimize()), or of the t-SNE fit that a
   * fit at zBar "tsne" ran first. The Z̄ at which Neg-t-SNE reproduces that t-SNE; undefined otherwise.
   */
  get tsnePartitionFunction(): number | undefined {
    return (this.core && this.session?.partitionFunction(this.core)) ?? this.tsneZ;
  }

  /**
   * t-SNE's KL divergence KL(P‖Q) at its last measurement (every 50 iterations and at the end of each phase;
   * undefined for the other losses and before the first).
   */
  get klDivergence(): number | undefined {
    if (!this.core || !this.session || this.lastLoss !== this.params.loss) return undefined;
    return this.session.divergence(this.core);
  }

  /**
   * The settings the current layout was made with, every default resolved (mode, loss, s, Z̄ or c, ξ′,
   * negatives, rate, batch, epochs, metric, seed…): the fit's main phase, or the last optimize(). Undefined
   * before run() or step(), and in a handle restored from saved state until it optimises.
   */
  get settings(): FitSettings | undefined {
    return this.current && { ...this.current };
  }

  /** Negatives per edge of the fit (the given value, or the default for this n). */
  get negativeSamples(): number {
    return this.params.negativeSamples;
  }

  /** Number of points. */
  get n(): number {
    return this.size.n;
  }

  /** Input dimensions (of the fitted data and of every transform; 0 when a restored state did not say). */
  get dim(): number {
    return this.size.dim;
  }

  /** Output dimensions. */
  get outDim(): number {
    return this.params.outDim;
  }

  /** NCE's learned log Z after a fit with loss "nce" (undefined otherwise). */
  get logZ(): number | undefined {
    if (!this.core || !this.fit || !this.lastLoss || !LOSSES[this.lastLoss].learnsZ) return undefined;
    return readLogZ(this.core, this.fit.optimizer);
  }

  /** The kNN graph the fit used (undefined before run()). */
  get knnGraph(): KnnGraph | undefined {
    const core = this.core, pr = this.fit;
    if (!core || !pr) return undefined;
    return {
      indices: core.i32(pr.knnPtr, pr.n * pr.k).slice(),
      rowPtr: core.i32(pr.graph.rowPtr, pr.graph.n + 1).slice(),
      colIndices: core.i32(pr.graph.colPtr, pr.graph.edgeCount).slice(),
      ...(this.params.knnDistances ? { distances: this.params.knnDistances.slice() } : pr.knnDistancesPtr !== undefined && { distances: this.searchDistances(core, pr) }),
    };
  }

  /** The fit's search distances in the data's units (the core searched the data scaled by a power of two). */
  private searchDistances(core: Core, pr: Prepared): Float32Array {
    const count = pr.n * pr.k, mark = core.mark();
    try {
      const ptr = core.alloc(count * 4);
      core.f32(ptr, count).set(core.f32(pr.knnDistancesPtr!, count));
      if (metricScalesWithData(this.params.metric)) scaleByExponent(core, ptr, count, -this.inputScaleExponent);
      return core.f32(ptr, count).slice();
    } finally {
      core.reset(mark);
    }
  }

  /**
   * Continues from the current layout with other settings, e.g. another s: this is how to walk along the
   * spectrum, each embedding warm-started from the previous one. One phase, no early exaggeration; epochs of
   * the fit that step() had not run yet are dropped. On a t-SNE fit: loss "tsne" runs more t-SNE iterations
   * (nEpochs, default 250); a per-pair loss continues from the t-SNE layout on the kNN graph of the fit's 15
   * nearest neighbours (zBar "tsne": at the fit's own Z).
   */
  optimize(options: OptimizeOptions = {}): Promise<Float32Array> {
    const warm = resolveWarmParams(this.params, options, this.n, LAYOUT_MODE);
    checkRunnable(warm.loss, LAYOUT_MODE, LAYOUT_RULES);
    return this.serialise(async () => {
      if (!this.fit || !this.core) fail(this.notReady("optimize()"));
      const ctl = this.control(options);
      const own = sessionRuleFor(warm.loss);
      if (own) {
        if (!this.session || warm.loss !== this.params.loss) {
          fail(`optimize({ loss: "${warm.loss}" }) continues a ${own.name} fit only (create the embedding with loss "${warm.loss}"): this fit has no ${own.name} state`);
        }
        const next = await this.session.continue(this.core, this.fit, warm, this.lastLoss !== warm.loss, ctl, () => this.core!);
        this.current = next.settings;
        this.target = { loss: warm.loss, s: warm.s, xi: 1, c: 1 };
        this.lastLoss = warm.loss;
        ++this.phases;
        this.setPlan([next.phase]);
      } else {
        const merged = this.perPairWarm(warm);
        if (startsLearnedZ(merged.loss, this.lastLoss)) writeLogZ(this.core, this.fit.optimizer, initialLogZ(this.n));
        this.setPlan(this.adopt(merged, planWarm(merged, this.n, this.fit.graph.edgeCount, LAYOUT_MODE, 0, () => ++this.phases)));
      }
      await this.advance(Infinity, ctl);
      return this.embedding;
    });
  }

  /**
   * A per-pair phase's settings on this fit: zBar "tsne" made a number; on a fit of a session rule (t-SNE), the
   * session hands the layout over (its per-pair graph; its own workspace freed).
   */
  private perPairWarm(p: ResolvedParams): ResolvedParams {
    let out = p;
    if (p.zBarFromTsne) {
      const z = this.tsnePartitionFunction;
      if (z === undefined) fail(`optimize({ zBar: "tsne" }) needs a t-SNE fit behind the handle (loss "tsne", or a fit at zBar "tsne"); give zBar a number`);
      out = { ...p, zBar: z, zBarFromTsne: false };
    }
    if (this.session) {
      this.session.leave(this.core!, this.fit!, this.params.seed, this.lastLoss === this.params.loss);
      out = { ...out, k: this.fit!.k };
    }
    return out;
  }

  /**
   * Places new rows (of the fitted data's width) in the current layout, openTSNE-style: each row's k nearest
   * fitted rows (in the PCA space when the fit used one; exact, or a search of the fit's neighbour graph: the
   * `knn` option), a start at the median of their
   * positions, then SGD of the new points alone with the layout's loss and s against the fixed layout. The
   * fitted points never move. Resolves with m × outDim values, row-major.
   */
  transform(data: DataInput, options: TransformOptions = {}): Promise<Float32Array> {
    let matrix: Matrix;
    let settings: ReturnType<typeof checkTransformOptions>;
    try {
      if (this.fit && !this.size.dim) fail("this embedding does not know its input width (its state has no inputDim)");
      matrix = toMatrix(data, { dim: this.size.dim || undefined });
      const tsnePerplexity = this.target?.loss === "tsne" ? this.params.perplexity : undefined;
      settings = checkTransformOptions(options, this.params.k, this.n, this.params.knn, tsnePerplexity);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.serialise(async () => {
      const core = this.core, fit = this.fit, target = this.target;
      if (!core || !fit || !target) fail(this.notReady("transform()"));
      if (matrix.dim !== this.size.dim) fail(`the new rows have ${matrix.dim} columns; the embedding was fitted on ${this.size.dim}`);
      const ctl = this.control({ signal: options.signal });
      const dof = this.params.dof;
      const tsne = target.loss === "tsne" ? { dof, z: this.layoutZ ?? await layoutPartition(core, fit.optimizer.yPtr, this.n, dof) } : undefined;
      return placeNewPoints(core, fit, matrix, {
        target, logZ: this.logZ, negativeSamples: this.params.negativeSamples, seed: this.params.seed,
        metric: this.params.metric, inputScaleExponent: this.inputScaleExponent, tsne,
      }, settings, { signal: ctl.signal, report: (f, stage) => options.onProgress?.(f, stage) });
    });
  }

  /**
   * Σ_{i≠j} 1/(1 + ‖y_i − y_j‖²) of the current layout: exact for n ≤ 20,000 (or when `exact` is true),
   * otherwise estimated from 10^6 random pairs (relative error ≈ 0.1%).
   */
  partitionFunction(options: { exact?: boolean; seed?: number } = {}): Promise<number> {
    return this.serialise(async () => {
      if (!this.fit || !this.core) fail(this.notReady("partitionFunction()"));
      const st = this.fit.optimizer;
      return partitionFunction(this.core, st.yPtr, st.n, st.dim, options.exact ?? st.n <= 20000, options.seed ?? this.params.seed);
    });
  }

  /** The state a saved model keeps (copies); undefined before run(). */
  get state(): EmbeddingState | undefined {
    const core = this.core, fit = this.fit;
    if (!this.lastLoss || !core || !fit) return undefined;
    // a session's fit keeps its own neighbours (t-SNE's 3·perplexity, also while a per-pair loss runs on 15)
    const own = this.session?.saved(core, this.lastLoss === this.params.loss);
    return {
      // zBar "tsne" is kept as the Z it resolved to: a restored fit has no t-SNE to run
      embedding: this.embedding, knnIndices: own ? own.knnIndices : this.knnGraph!.indices,
      options: { ...this.options, ...(this.tsneZ !== undefined && { zBar: this.tsneZ }) }, logZ: this.logZ,
      lastLoss: this.lastLoss, phases: this.phases, target: this.target && { ...this.target },
      inputDim: this.size.dim || undefined, inputScaleExponent: this.inputScaleExponent,
      reference: fit.search && readMatrix(core, fit.searchSource ?? fit.search), pca: fit.pca && readBasis(core, fit.pca),
      tsne: own && { ...own.tsne, ...(this.target?.loss === "tsne" && this.layoutZ !== undefined && { z: this.layoutZ }) },
    };
  }

  /**
   * The fitted model as bytes (docs/model-format.md): the layout, its neighbours and options, what placing new
   * points needs (the reference rows and the PCA basis) and what optimising further needs (a t-SNE fit: its
   * neighbours' distances, momentum and gains). `loadModel` reads it in any runtime.
   */
  save(): Uint8Array {
    const state = this.state;
    if (!state) fail(this.notReady("save()"));
    return encodeEmbedding(state);
  }

  /**
   * A handle continuing a saved fit: its layout, neighbours and options (`threads` may be given anew). It
   * resolves once the core holds the state; optimize() and partitionFunction() then work as on the original.
   */
  static async fromState(state: EmbeddingState, options: { threads?: number } = {}): Promise<Embedding> {
    if (state === null || typeof state !== "object") fail("state must be an object");
    if (!(state.embedding instanceof Float32Array)) fail("state.embedding must be a Float32Array");
    const outDim = state.options?.outDim ?? 2;
    const n = state.embedding.length / outDim;
    if (!Number.isInteger(n) || n < 3) fail(`state.embedding has ${state.embedding.length} values: not n × outDim (outDim = ${outDim})`);
    // a session rule's fit (t-SNE) restores its neighbours itself (restoreState), not as precomputed ones
    const own = sessionRuleFor(state.options?.loss);
    const options_ = { ...state.options, threads: options.threads, ...(!own && { knnIndices: state.knnIndices }), init: state.embedding };
    const dim = state.inputDim ?? 0;
    if (state.reference !== undefined && !(state.reference instanceof Float32Array)) fail("state.reference must be a Float32Array");
    const e = new Embedding([], options_, {
      n, dim, phases: state.phases, lastLoss: state.lastLoss, target: state.target, inputScaleExponent: state.inputScaleExponent ?? 0,
      layoutZ: state.tsne?.z,
    });
    for (const [what, loss] of [["lastLoss", state.lastLoss], ["target.loss", state.target?.loss]] as const) {
      const rule = sessionRuleFor(loss);
      if (rule && loss !== e.params.loss) fail(`state.${what} is "${loss}": a ${rule.name} layout needs its fit, options.loss "${loss}" (got "${e.params.loss}")`);
    }
    // a session rule's layout is its own last phase's: target and lastLoss were set together
    if (own && state.target?.loss === e.params.loss && state.lastLoss !== e.params.loss) {
      fail(`state.target.loss is "${e.params.loss}" but state.lastLoss is "${state.lastLoss}": ${own.name} moved the layout last`);
    }
    own?.check(state, e.params, n);
    await e.restoreState(state, own);
    return e;
  }

  protected threads(): number | undefined {
    return this.params.threads;
  }

  protected override warn(message: string): void {
    this.params.warn(message);
  }

  protected layoutPtr(): number | undefined {
    return this.fit?.optimizer.yPtr;
  }

  /** A finished t-SNE layout's Z is measured once, for transform and save (any step or phase may move the layout). */
  protected override async afterStep(): Promise<void> {
    this.layoutZ = undefined;
    if (this.target?.loss === "tsne" && this.core && this.fit && this.remainingEpochs() === 0) {
      this.layoutZ = await layoutPartition(this.core, this.fit.optimizer.yPtr, this.n, this.params.dof);
    }
  }

  /** PCA, kNN, graph and initial layout; then early exaggeration and the main phase (SPEC §3). */
  protected async prepareFit(core: Core, ctl: FitControl): Promise<FitPhase[]> {
    const p = this.params;
    const data = putMatrix(core, this.matrix!, "data", "safe");
    this.inputScaleExponent = data.scaleExponent ?? 0;
    // the core holds the data now: let go of the JS copy, as large as the input, before the fit grows memory
    this.matrix = undefined;
    if (p.zBarFromTsne) {
      const t = await prepareAtTsneZ(core, data, p, ctl);
      this.fit = t.fit;
      this.tsneZ = t.z;
      const atZ = { ...p, zBar: t.z, zBarFromTsne: false };
      return this.adopt(atZ, planFit(atZ, this.n, this.fit.graph.edgeCount, LAYOUT_MODE, () => ++this.phases));
    }
    const own = sessionRuleFor(p.loss);
    if (own) {
      const t = await own.prepare(core, data, p, ctl, () => this.core!);
      this.fit = t.fit;
      this.session = t.session;
      this.lastLoss = p.loss;
      this.target = { loss: p.loss, s: p.s, xi: 1, c: 1 };
      this.current = t.settings;
      ++this.phases;
      return t.phases;
    }
    this.fit = await prepare(core, data, p, ctl);
    if (startsLearnedZ(p.loss, undefined)) writeLogZ(core, this.fit.optimizer, initialLogZ(this.n));
    return this.adopt(p, planFit(p, this.n, this.fit.graph.edgeCount, LAYOUT_MODE, () => ++this.phases));
  }

  /** Takes a plan's settings as the current layout's, and its phases as the handle's to run. */
  private adopt(p: ResolvedParams, plan: FitPlan): FitPhase[] {
    const main = plan.phases[plan.phases.length - 1].phase;
    this.current = plan.settings;
    this.target = layoutTargetOf(p, main);
    return plan.phases.map(({ stage, phase }) => this.fitPhase(phase, stage));
  }

  private async restoreState(state: EmbeddingState, own: SessionRule | undefined): Promise<void> {
    await this.restore(async (core) => {
      const restored = own?.restore(core, state, this.params, this.n);
      const fit = restored ? restored.fit : restorePrepared(core, this.params, this.n);
      if (state.logZ !== undefined) writeLogZ(core, fit.optimizer, state.logZ);
      if (state.pca) fit.pca = writeBasis(core, state.pca);
      const reference = state.reference;
      if (reference) {
        const dim = reference.length / this.n;
        const expected = state.pca ? state.pca.nComponents : this.size.dim;
        if (dim !== expected) fail(`state.reference has ${reference.length} values: not n × ${expected}`);
        const rows = putMatrix(core, { values: reference, n: this.n, dim }, "state.reference");
        // binary metrics keep their 0/1 rows and pack them again; the others keep the rows they searched
        if (isBinaryMetric(this.params.metric)) {
          fit.searchSource = rows;
          fit.search = prepareRows(core, rows, this.params.metric, "state.reference");
        } else fit.search = rows;
      }
      // the graph of the rule that moved the layout last goes on top, where that rule's region may be freed
      if (restored) {
        this.session = restored.session;
        this.session.resume(core, fit, state.target?.loss === this.params.loss, this.params.seed);
      }
      this.fit = fit;
    });
  }

  private fitPhase(phase: Phase, stage: FitPhase["stage"]): FitPhase {
    const rule = phaseRunner(phase.rule);
    if (!rule) fail(`loss "${phase.loss}" (update rule "${phase.rule}") does not run on a layout`);
    return {
      stage,
      epochs: phase.epochs,
      run: async (begin, end, ctl) => {
        const fit = this.fit!, st = fit.optimizer;
        await rule(this.core!, fit, phase, begin, end, ctl);
        checkFiniteLayout(this.core!, st.yPtr, st.n, st.dim, stage);
        this.lastLoss = phase.loss;
      },
    };
  }
}

/** The rule with a session of its own that runs `loss` on a layout (t-SNE's), if it has one. */
function sessionRuleFor(loss: unknown): SessionRule | undefined {
  return LOSS_NAMES.includes(loss as Loss) ? sessionRule(ruleFor(loss as Loss, LAYOUT_MODE)) : undefined;
}

/** Creates an embedding handle; nothing runs until `run()` or `step()`. Input and options are validated here. */
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
