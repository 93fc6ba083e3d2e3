// spectrum(): a series of layouts along s in one call, each warm-started from its neighbour in the order
// given and aligned to it, with one progress fraction over the whole series.

import { fail } from "../errors.ts";
import type { DataInput } from "../input.ts";
import type { Stage } from "../options/common.ts";
import { checkCallbacks } from "../options/common.ts";
import { DEFAULTS } from "../embedding/params.ts";
import { SpectrumWalk, type SpectrumLayout, type SpectrumWalkOptions } from "./walk.ts";

export interface SpectrumOptions extends Omit<SpectrumWalkOptions, "s"> {
  /** The points of the spectrum, computed in this order (e.g. [0, 0.25, 0.5, 0.75, 1]). */
  s: readonly number[];
  signal?: AbortSignal;
  /** `fraction` of the whole series done, the current stage, and the index of the layout being computed. */
  onProgress?: (fraction: number, stage: Stage, index: number) => void;
}

export interface SpectrumSeries {
  n: number;
  /** one entry per s, in the order given */
  layouts: SpectrumLayout[];
}

/** Share of the first fit's work before the optimiser (PCA, kNN, graph, init), in epochs of the first fit. */
const PREPARE_SHARE = 0.15;
const PREPARE_STAGES: Partial<Record<Stage, [number, number]>> = {
  pca: [0, 0.25], knn: [0.25, 0.85], graph: [0.85, 0.9], init: [0.9, 1],
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

/**
 * Computes layouts at every s: the first with the full fit, each next one warm-started from the one before
 * (`stepEpochs` epochs) and aligned to it by Procrustes. Resolves with the layouts in the order of `s`.
 */
export async function spectrum(data: DataInput, options: SpectrumOptions): Promise<SpectrumSeries> {
  if (options === null || typeof options !== "object") fail("options must be an object with s: [...]");
  const { s, signal, onProgress, ...rest } = options;
  const points = checkSeries(s);
  checkCallbacks({ signal, onProgress: onProgress as never });
  const walk = new SpectrumWalk(data, { ...rest, s: points[0] });
  try {
    // progress is counted in epochs; the first fit's preparation counts as PREPARE_SHARE of its epochs
    const nEpochs = rest.nEpochs ?? DEFAULTS.nEpochs;
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
      if (prep) report(prepare * (prep[0] + f * (prep[1] - prep[0])), stage, 0);
      else if (stage === "early-exaggeration") report(prepare + f * exaggeration, stage, 0);
      else report(prepare + exaggeration + f * (nEpochs - exaggeration), stage, 0);
    };
    const layouts = [await walk.start({ signal, onProgress: firstProgress })];
    for (let i = 1; i < points.length; i++) {
      const base = prepare + nEpochs + (i - 1) * walk.stepEpochs;
      layouts.push(await walk.moveTo(points[i], { signal, onProgress: (f, stage) => report(base + f * walk.stepEpochs, stage, i) }));
    }
    return { n: walk.n, layouts };
  } finally {
    walk.destroy();
  }
}
