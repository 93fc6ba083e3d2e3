// A walk along the spectrum (SPEC §6): one full fit at a first s, then each further point warm-started from
// the current layout and aligned by Procrustes to the layout before it, so points keep their place. From its
// t-SNE end (tsneEnd), the first fit is t-SNE itself, the s = 0 layout, and each step continues from it with
// the walk's per-pair loss on the kNN graph of the t-SNE fit's nearest neighbours (the first step from the
// t-SNE layout scaled down to the per-pair start's scale: Embedding.optimize).

import { createEmbedding, type Embedding, type FitSettings } from "../embedding/embedding.ts";
import { DEFAULTS } from "../embedding/params.ts";
import { LOSSES, lossesWith, type Loss } from "../loss/table.ts";
import { fail } from "../errors.ts";
import type { DataInput } from "../input.ts";
import type { RunControl } from "../options/common.ts";
import type { EmbeddingOptions } from "../options/embedding.ts";
import type { OptimizeOptions } from "../options/optimize.ts";
import { LayoutAligner } from "./aligner.ts";

/** Options of a walk: the embedding's options (its `s` is where the walk starts) and the warm-start length. */
export interface SpectrumWalkOptions extends EmbeddingOptions {
  /** Epochs of each warm-started layout after the first (default: a third of nEpochs, 40). */
  stepEpochs?: number;
  /** Align each layout to the one before by Procrustes: rotation, reflection, scale, shift (default true). */
  align?: boolean;
  /**
   * Start from t-SNE itself (default false): the first layout is a t-SNE fit (loss "tsne" with the walk's
   * t-SNE options: perplexity, exaggeration, dof, affinities; nEpochs counts its iterations), placed at s = 0,
   * and each moveTo(s) continues from the current layout with `loss` (default "neg"; with negativeSamples,
   * batchSize and learningRate) on the kNN graph of the t-SNE fit's 15 nearest neighbours. stepEpochs then
   * defaults to a third of the per-pair default nEpochs.
   */
  tsneEnd?: boolean;
}

/** One layout of a walk. */
export interface SpectrumLayout {
  /** the spectrum position */
  s: number;
  /** the loss the layout was made with: the walk's, or "tsne" for the t-SNE end of a walk with tsneEnd */
  loss: Loss;
  /**
   * Neg-t-SNE's normalisation constant Z̄ the layout was made with (loss "neg"; the fit's settings); for the t-SNE
   * end, the t-SNE layout's partition function Z (where Neg-t-SNE reproduces it); undefined for "infonce"
   */
  zBar?: number;
  /** InfoNCE's c the layout was made with (loss "infonce": 4^s, or the c given to the first fit); undefined for "neg" */
  c?: number;
  /** n × 2 (outDim), aligned to the previous layout of the walk when aligning */
  layout: Float32Array;
  /** the scale the alignment applied (1 for the first layout, or when not aligning) */
  scale: number;
}

export function checkStepEpochs(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 1_000_000) {
    fail(`stepEpochs must be an integer from 1 to 1000000, got ${String(v)}`);
  }
  return v;
}

/** The per-pair options a walk from its t-SNE end keeps for its steps (t-SNE refuses or ignores them). */
type StepOptions = Pick<OptimizeOptions, "loss" | "negativeSamples" | "batchSize" | "learningRate">;

export class SpectrumWalk {
  private readonly embedding: Embedding;
  /** with tsneEnd: the options of every step (the first fit is t-SNE's) */
  private readonly steps?: StepOptions;
  /** epochs of each warm-started layout after the first */
  readonly stepEpochs: number;
  private readonly aligning: boolean;
  private aligner?: Promise<LayoutAligner>;
  private current?: number;
  private readonly startS: number;

  constructor(data: DataInput, options: SpectrumWalkOptions = {}) {
    const { stepEpochs, align, tsneEnd, ...embeddingOptions } = options;
    const loss = embeddingOptions.loss ?? DEFAULTS.loss;
    if (LOSSES[loss].target === "none") {
      fail(`the spectrum needs loss ${lossesWith("zBar")} or ${lossesWith("c")} (s has no effect on "${loss}")`);
    }
    if (embeddingOptions.zBar !== undefined) fail("a spectrum walk moves along s: give s, not zBar");
    if (align !== undefined && typeof align !== "boolean") fail(`align must be true or false, got ${String(align)}`);
    if (tsneEnd !== undefined && typeof tsneEnd !== "boolean") fail(`tsneEnd must be true or false, got ${String(tsneEnd)}`);
    if (tsneEnd) {
      if (embeddingOptions.s !== undefined && embeddingOptions.s !== 0) fail(`tsneEnd starts the walk at s = 0 with the t-SNE layout: give no s (got ${embeddingOptions.s})`);
      if (embeddingOptions.c !== undefined) fail("tsneEnd starts the walk with t-SNE, which has no c: each step's c is 4^s");
      const { loss: _loss, s: _s, negativeSamples, batchSize, learningRate, ...tsneOptions } = embeddingOptions;
      this.steps = { loss, negativeSamples, batchSize, learningRate };
      this.embedding = createEmbedding(data, { ...tsneOptions, loss: "tsne" });
    } else {
      this.embedding = createEmbedding(data, embeddingOptions);
    }
    if (this.embedding.outDim !== 2 && align === true) fail(`align needs outDim 2, got ${this.embedding.outDim}`);
    this.aligning = (align ?? true) && this.embedding.outDim === 2;
    const fitEpochs = tsneEnd ? DEFAULTS.nEpochs : embeddingOptions.nEpochs ?? DEFAULTS.nEpochs;
    this.stepEpochs = checkStepEpochs(stepEpochs) ?? Math.max(1, Math.round(fitEpochs / 3));
    this.startS = tsneEnd ? 0 : embeddingOptions.s ?? DEFAULTS.s;
  }

  /** Number of points. */
  get n(): number {
    return this.embedding.n;
  }

  /** The settings the current layout was made with, every default resolved (undefined before start()). */
  get settings(): FitSettings | undefined {
    return this.embedding.settings;
  }

  /** The s of the current layout (undefined before start()). */
  get s(): number | undefined {
    return this.current;
  }

  /** The full fit (PCA, kNN, graph, init, early exaggeration, main phase) at the starting s. */
  async start(control: RunControl = {}): Promise<SpectrumLayout> {
    const raw = await this.embedding.run(control);
    this.current = this.startS;
    return this.finish(this.startS, raw);
  }

  /** Moves to another s: `stepEpochs` epochs (or `nEpochs`) from the current layout, then aligns. */
  async moveTo(s: number, control: RunControl & { nEpochs?: number } = {}): Promise<SpectrumLayout> {
    if (typeof s !== "number" || !Number.isFinite(s)) fail(`s must be a finite number, got ${String(s)}`);
    if (this.current === undefined) fail("call start() before moveTo()");
    const raw = await this.embedding.optimize({
      ...this.steps, s, nEpochs: control.nEpochs ?? this.stepEpochs, signal: control.signal, onProgress: control.onProgress,
    });
    this.current = s;
    return this.finish(s, raw);
  }

  /** Frees the embedding's core and the aligner. Safe to call twice, and during a run (which then rejects). */
  destroy(): void {
    this.embedding.destroy();
    void this.aligner?.then((a) => a.destroy(), () => undefined);
  }

  private async finish(s: number, raw: Float32Array): Promise<SpectrumLayout> {
    const n = this.embedding.n;
    // where the layout is, as its fit resolved it (not recomputed: a c given to the first fit holds there)
    const settings = this.embedding.settings!;
    const where = settings.loss === "tsne" ? { zBar: this.embedding.tsnePartitionFunction }
      : settings.zBar !== undefined ? { zBar: settings.zBar } : { c: settings.c };
    const loss = settings.loss;
    if (!this.aligning) return { s, loss, ...where, layout: raw, scale: 1 };
    this.aligner ??= LayoutAligner.create(n);
    const { aligned, map } = (await this.aligner).align(raw);
    return { s, loss, ...where, layout: aligned, scale: map.scale };
  }
}

/** Creates a walk along the spectrum; nothing runs until `start()`. Input and options are validated here. */
export function createSpectrumWalk(data: DataInput, options: SpectrumWalkOptions = {}): SpectrumWalk {
  return new SpectrumWalk(data, options);
}
