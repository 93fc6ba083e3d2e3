// spectrum(): a series of layouts along s in one call, each warm-started from its neighbour and aligned to it,
// with one progress fraction over the whole series. The walk goes from the highest s down: a warm step toward
// the t-SNE end expands a layout and keeps its global arrangement, while a step toward the UMAP end contracts
// each neighbourhood first and, on large data, leaves the clusters in fragments (Fashion-MNIST 70k, 40-epoch
// steps from s = 0 up to 1: dozens of islands; from 1.5 down to −0.5: intact clusters at every s). From the
// t-SNE end (tsneEnd) the walk has to go up: t-SNE is the s = 0 layout, the others follow in increasing s.

import { fail } from "../errors.ts";
import type { DataInput } from "../input.ts";
import type { Stage } from "../options/common.ts";
import { checkCallbacks } from "../options/common.ts";
import { DEFAULTS } from "../embedding/params.ts";
import { TSNE_ITERATIONS } from "../tsne/params.ts";
import { SpectrumWalk, type SpectrumLayout, type SpectrumWalkOptions } from "./walk.ts";

export interface SpectrumOptions extends Omit<SpectrumWalkOptions, "s"> {
  /**
   * The points of the spectrum (e.g. [0, 0.25, 0.5, 0.75, 1]); computed from the highest down (with tsneEnd: from
   * 0 up, every s ≥ 0 and 0 among them), returned in this order.
   */
  s: readonly number[];
  signal?: AbortSignal;
  /** `fraction` of the whole series done, the current stage, and the index of the layout being computed. */
  onProgress?: (fraction: number, stage: Stage, index: number) => void;
}

export interface SpectrumSeries {
  n: number;
  /** one entry per s, in the order given */
  layouts: SpectrumLayout[];
  /** the indices of `layouts` in the order they were computed (highest s first; with tsneEnd lowest first), each warm-started from the one before */
  computed: number[];
}

/** Share of the first fit's work before the optimiser (PCA, kNN, graph, init), in epochs of the first fit. */
const PREPARE_SHARE = 0.15;
const PREPARE_STAGES: Partial<Record<Stage, [number, number]>> = {
  pca: [0, 0.25], knn: [0.25, 0.85], graph: [0.85, 0.9], affinities: [0.85, 0.9], init: [0.9, 1],
};

export const MAX_SERIES = 1000;

function checkSeries(s: unknown): number[] {
  if (!Array.isArray(s) || s.length === 0) fail("s must be a non-empty array of numbers, e.g. [0, 0.5, 1]");
  if (s.length > MAX_SERIES) fail(`s has ${s.length} values; at most ${MAX_SERIES}`);
  s.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) fail(`s[${i}] must be a finite number, got ${String(v)}`);
  });
  return [...s] as number[];
}

/** Refuses a series that a walk from the t-SNE end (at s = 0, going up) cannot give. */
export function checkTsneEndSeries(points: readonly number[]): void {
  if (points.some((v) => v < 0)) fail(`with tsneEnd the t-SNE layout is the s = 0 end: every s must be ≥ 0, got ${points.find((v) => v < 0)}`);
  if (!points.includes(0)) fail("with tsneEnd, s must include 0: the t-SNE layout");
}

/**
 * Computes layouts at every s: the highest s with the full fit, then down the list, each warm-started from the
 * layout before it (`stepEpochs` epochs) and aligned to it by Procrustes. Resolves with the layouts in the
 * order of `s`.
 */
export async function spectrum(data: DataInput, options: SpectrumOptions): Promise<SpectrumSeries> {
  if (options === null || typeof options !== "object") fail("options must be an object with s: [...]");
  const { s, signal, onProgress, ...rest } = options;
  const points = checkSeries(s);
  checkCallbacks({ signal, onProgress: onProgress as never });
  if (rest.tsneEnd === true) checkTsneEndSeries(points);
  // highest s first (from the t-SNE end: lowest first); equal values keep their order
  const order = points.map((_, i) => i).sort((a, b) => (rest.tsneEnd === true ? points[a] - points[b] : points[b] - points[a]) || a - b);
  const walk = new SpectrumWalk(data, rest.tsneEnd === true ? rest : { ...rest, s: points[order[0]] });
  try {
    // progress is counted in epochs (t-SNE's iterations for the t-SNE end); the first fit's preparation counts
    // as PREPARE_SHARE of its epochs
    const nEpochs = rest.nEpochs ?? (rest.tsneEnd === true ? TSNE_ITERATIONS : DEFAULTS.nEpochs);
    const prepare = PREPARE_SHARE * nEpochs;
    const exaggeration = (rest.earlyExaggeration ?? DEFAULTS.earlyExaggeration) ? nEpochs / 3 : 0;
    const total = prepare + nEpochs + (points.length - 1) * walk.stepEpochs;
    let shown = 0;
    const report = (epochs: number, stage: Stage, index: number) => {
      shown = Math.max(shown, Math.min(1, epochs / total));
      onProgress?.(shown, stage, index);
    };
    const firstProgress = (f: number, stage: Stage) => {
      const prep = PREPARE_STAGES[stage];
      if (prep) report(prepare * (prep[0] + f * (prep[1] - prep[0])), stage, order[0]);
      else if (stage === "early-exaggeration") report(prepare + f * exaggeration, stage, order[0]);
      else report(prepare + exaggeration + f * (nEpochs - exaggeration), stage, order[0]);
    };
    const layouts = new Array<SpectrumLayout>(points.length);
    layouts[order[0]] = await walk.start({ signal, onProgress: firstProgress });
    for (let k = 1; k < order.length; k++) {
      const i = order[k];
      const base = prepare + nEpochs + (k - 1) * walk.stepEpochs;
      layouts[i] = await walk.moveTo(points[i], { signal, onProgress: (f, stage) => report(base + f * walk.stepEpochs, stage, i) });
    }
    return { n: walk.n, layouts, computed: order };
  } finally {
    walk.destroy();
  }
}
