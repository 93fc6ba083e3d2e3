// A t-SNE fit behind a layout handle (Embedding), which drives it through the hooks of a rule with a session
// (embedding/rules.ts): what the fit keeps in the core besides the layout (its 3·perplexity neighbours and their
// distances, for the handle's life; its workspace, the affinities P and the optimiser's momentum, gains and
// scratch, only while t-SNE moves the layout), and how it is prepared, continued (optimize({ loss: "tsne" })),
// handed to a per-pair loss, saved and restored. The workspace sits at the arena's top: when a per-pair loss
// takes over it is freed and the per-pair graph is built in its place; t-SNE again rebuilds it from the
// distances, with the bits it had.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { fail } from "../errors.ts";
import type { FitControl, FitPhase } from "../handle/handle.ts";
import type { EmbeddingState, TsneState as SavedTsne } from "../handle/state.ts";
import type { GraphBuffers } from "../embedding/graph.ts";
import type { ResolvedParams } from "../embedding/params.ts";
import type { Prepared } from "../embedding/pipeline.ts";
import type { FitSettings } from "../fit/settings.ts";
import { computeAffinities } from "./affinities.ts";
import { tsneContinuation } from "./continue.ts";
import { prepareTsne, tsneFitPhases, tsneSettings } from "./fit.ts";
import { allocateTsne, readStats, type TsneState } from "./optimizer.ts";
import { pairNeighbours, usePairGraph } from "./pairs.ts";
import { affinitySparsity, restoreTsneFit } from "./restore.ts";

/** A graph the fit's neighbour fields (knnPtr, k, graph) can hold. */
interface FitGraph {
  knnPtr: number;
  k: number;
  graph: GraphBuffers;
}

export class TsneSession {
  /** P and the optimiser's state, while t-SNE moves the layout */
  private workspace?: TsneState;
  /** the arena's [mark, top) that t-SNE's region spans: the workspace, or P's sparsity alone (a restored fit) */
  private region?: { mark: number; top: number };
  /** P's sparsity while the region exists: the fit's graph while t-SNE is its rule */
  private sparsity?: GraphBuffers;
  /** the per-pair graph, built by the first per-pair phase and kept */
  private pairs?: FitGraph;
  /** Z of the last t-SNE iteration when the workspace has none (it went, or the fit was restored) */
  private lastZ?: number;
  /** a restored fit's momentum and gains, for the workspace when it is built */
  private carried?: { update: Float32Array; gains: Float32Array };

  private constructor(
    private readonly n: number,
    /** i32[n × k] t-SNE's neighbours, nearest first */
    private readonly knnPtr: number,
    private readonly k: number,
    /** f32[n × k] their distances in the search space's units; 0 when there are none */
    private readonly distancesPtr: number,
    /** 0: binary affinities */
    private readonly perplexity: number,
    private readonly dof: number,
  ) {}

  /** Prepares a fit of the data in the core (tsne/fit.ts): its session, state, phases and settings. */
  static async prepare(core: Core, data: CoreMatrix, p: ResolvedParams, ctl: FitControl, getCore: () => Core) {
    const t = await prepareTsne(core, data, p, ctl);
    const session = new TsneSession(data.n, t.prepared.knnPtr, p.k, t.distancesPtr, p.affinities === "binary" ? 0 : p.perplexity, p.dof);
    session.workspace = t.state;
    session.sparsity = t.prepared.graph;
    session.region = { mark: t.workspaceMark, top: core.mark() };
    return { session, fit: t.prepared, phases: tsneFitPhases(getCore, t.state, p), settings: tsneSettings(p, data.n) };
  }

  /**
   * The core's state of a saved fit (checked: restore.ts checkTsneState): its neighbours, distances and layout.
   * The handle then restores the rows and the PCA, and calls resume.
   */
  static restore(core: Core, state: EmbeddingState, p: ResolvedParams, n: number): { session: TsneSession; fit: Prepared } {
    const { fit, distancesPtr } = restoreTsneFit(core, state, n, p.k);
    const t = state.tsne!;
    const session = new TsneSession(n, fit.knnPtr, p.k, distancesPtr, t.perplexity, t.dof);
    session.lastZ = t.iterationZ;
    if (t.update && t.gains) session.carried = { update: t.update, gains: t.gains };
    return { session, fit };
  }

  /**
   * After a restore: the graph of the rule the layout was optimised for last (`tsneLast`: t-SNE, whose P's
   * sparsity a transform walks; its values wait for the first t-SNE phase), at the arena's top.
   */
  resume(core: Core, fit: Prepared, tsneLast: boolean, seed: number): void {
    if (tsneLast) this.useSparsity(core, fit);
    else this.usePairs(core, fit, seed);
  }

  /**
   * One more phase of t-SNE iterations from the current layout (tsne/continue.ts); `afterOtherLoss`: a per-pair
   * loss moved it last. Builds the workspace first when there is none (reporting stage "affinities").
   */
  async continue(core: Core, fit: Prepared, p: ResolvedParams, afterOtherLoss: boolean, ctl: FitControl, getCore: () => Core) {
    if (!this.workspace) await this.build(core, fit, ctl);
    this.useTsneGraph(fit);
    const next = tsneContinuation(getCore, this.workspace!, p, afterOtherLoss);
    return { phase: next.phase, settings: next.settings };
  }

  /**
   * A per-pair loss takes the layout: t-SNE's Z is kept, its workspace freed, and the fit gets the per-pair
   * graph (built once, tsne/pairs.ts). From t-SNE's spread (`fromTsne`) the per-pair losses would contract each
   * neighbourhood into islands before the layout as a whole: the layout starts them, as their own fits start,
   * at the scale of the PCA start (first coordinate std 1).
   */
  leave(core: Core, fit: Prepared, seed: number, fromTsne: boolean): void {
    if (this.workspace) this.lastZ = this.partitionFunction(core);
    this.release(core);
    this.usePairs(core, fit, seed);
    if (fromTsne) core.kernels.centerAndScaleByFirstColumn(fit.optimizer.yPtr, this.n, 2);
  }

  /** What a saved model keeps of the fit: its neighbours and t-SNE's fields (`tsneLast`: t-SNE moved the layout last). */
  saved(core: Core, tsneLast: boolean): { knnIndices: Int32Array; tsne: SavedTsne } {
    const n = this.n, count = n * this.k;
    const tsne: SavedTsne = { perplexity: this.perplexity, dof: this.dof };
    const z = this.partitionFunction(core);
    if (z !== undefined) tsne.iterationZ = z;
    if (this.perplexity > 0 && this.distancesPtr) tsne.distances = core.f32(this.distancesPtr, count).slice();
    if (tsneLast && this.workspace) {
      tsne.update = core.f32(this.workspace.updatePtr, 2 * n).slice();
      tsne.gains = core.f32(this.workspace.gainsPtr, 2 * n).slice();
    } else if (tsneLast && this.carried) {
      tsne.update = this.carried.update.slice();
      tsne.gains = this.carried.gains.slice();
    }
    return { knnIndices: core.i32(this.knnPtr, count).slice(), tsne };
  }

  /** Z as the t-SNE iterations computed it at their last iteration (undefined before the first). */
  partitionFunction(core: Core): number | undefined {
    const z = this.workspace && readStats(core, this.workspace).z;
    return z ? z : this.lastZ;
  }

  /** The KL divergence at its last measurement by the workspace's iterations (undefined before the first). */
  divergence(core: Core): number | undefined {
    if (!this.workspace) return undefined;
    const stats = readStats(core, this.workspace);
    return stats.iteration > 0 ? stats.klDivergence : undefined;
  }

  /** P from the neighbours' distances (as the fit computed it) and the optimiser's state, at the arena's top. */
  private async build(core: Core, fit: Prepared, ctl: FitControl): Promise<void> {
    if (this.perplexity > 0 && !this.distancesPtr) {
      fail(`optimize({ loss: "tsne" }) needs the t-SNE fit's affinities, and this model keeps no distances to rebuild them from (it was saved by an older version): fit the data again, or continue with a per-pair loss`);
    }
    // a restored fit's sparsity alone: the workspace brings its own
    const hadSparsity = this.region !== undefined && this.release(core);
    const mark = core.mark();
    try {
      const p = await computeAffinities(core, this.knnPtr, this.distancesPtr, this.n, this.k, this.perplexity, {
        signal: ctl.signal, progress: (f) => ctl.report(f, "affinities"),
      });
      const ws = allocateTsne(core, fit.optimizer.yPtr, p);
      if (this.carried) {
        core.f32(ws.updatePtr, 2 * this.n).set(this.carried.update);
        core.f32(ws.gainsPtr, 2 * this.n).set(this.carried.gains);
        this.carried = undefined;
      }
      this.workspace = ws;
      this.sparsity = { n: this.n, rowPtr: p.rowPtr, colPtr: p.colPtr, edgesPtr: 0, edgeCount: p.nnz };
      this.region = { mark, top: core.mark() };
    } catch (error) {
      core.free(mark);
      // the fit's graph was the sparsity just freed: give it back
      if (hadSparsity) this.useSparsity(core, fit);
      throw error;
    }
  }

  /**
   * Frees t-SNE's region when it is still the arena's top (nothing the handle keeps was allocated after it);
   * otherwise keeps it, whole and valid. Returns whether it went.
   */
  private release(core: Core): boolean {
    const r = this.region;
    if (!r) return true;
    if (core.mark() !== r.top) return false;
    core.free(r.mark);
    this.region = this.workspace = this.sparsity = undefined;
    return true;
  }

  /** P's sparsity alone as t-SNE's region, and the fit's graph. */
  private useSparsity(core: Core, fit: Prepared): void {
    const mark = core.mark();
    this.sparsity = affinitySparsity(core, this.knnPtr, this.n, this.k);
    this.region = { mark, top: core.mark() };
    this.useTsneGraph(fit);
  }

  private usePairs(core: Core, fit: Prepared, seed: number): void {
    if (!this.pairs) {
      Object.assign(fit, { knnPtr: this.knnPtr, k: this.k });
      usePairGraph(core, fit, pairNeighbours(this.k), seed);
      this.pairs = { knnPtr: fit.knnPtr, k: fit.k, graph: fit.graph };
    }
    Object.assign(fit, this.pairs);
    fit.optimizer.edgesPtr = this.pairs.graph.edgesPtr;
    fit.optimizer.edgeCount = this.pairs.graph.edgeCount;
  }

  private useTsneGraph(fit: Prepared): void {
    Object.assign(fit, { knnPtr: this.knnPtr, k: this.k, graph: this.sparsity! });
  }
}
