// t-SNE's update rule on a core (assembly/tsne/iterate.ts): its state, allocated once per fit, and its phases,
// run a few iterations per call so that progress (with the KL divergence) is reported and the signal checked.

import type { TaskArgs } from "../core/abi.ts";
import type { Core } from "../core/core.ts";
import { throwIfAborted } from "../errors.ts";
import type { PhaseControl, ProgressDetail } from "../options/common.ts";
import type { Affinities } from "./affinities.ts";
import { KL_EVERY, MAX_STEP_NORM } from "./params.ts";
import { DEFAULT_REPULSION_GRID } from "./repulsion.ts";

/**
 * From how many points the repulsion is interpolated on a grid (FIt-SNE's method) instead of summed exactly
 * (O(n²)). Tests lower it to run the interpolated path on small data.
 */
export const tsneTuning = { fftMinPoints: 5000, grid: { ...DEFAULT_REPULSION_GRID } };

export interface TsneState {
  n: number;
  /** f32[n·2] the layout (the handle's layout) */
  yPtr: number;
  p: Affinities;
  /** f32[n·2] momentum, f32[n·2] gains, f32[n·2] attraction and repulsion scratch */
  updatePtr: number;
  gainsPtr: number;
  attractionPtr: number;
  forcePtr: number;
  /** f64[n] per-row Z and KL terms, f64[blocks·2] the mean's partial sums, f64[4] stats */
  rowZPtr: number;
  rowKlPtr: number;
  blockSumsPtr: number;
  statsPtr: number;
  /** the interpolated repulsion's workspace (0: exact repulsion) */
  fftWsPtr: number;
}

export interface TsnePhase {
  iterations: number;
  exaggeration: number;
  momentum: number;
  learningRate: number;
  dof: number;
}

/** Allocates the optimiser's state for the layout at yPtr: momentum 0, gains 1. */
export function allocateTsne(core: Core, yPtr: number, p: Affinities): TsneState {
  const n = p.n;
  const blocks = Math.ceil(n / core.layout.tsne.blockRows);
  const vec = () => core.alloc(n * 8);
  const st: TsneState = {
    n, yPtr, p, updatePtr: vec(), gainsPtr: vec(), attractionPtr: vec(), forcePtr: vec(), rowZPtr: vec(), rowKlPtr: vec(),
    blockSumsPtr: core.alloc(blocks * 16), statsPtr: core.alloc(32), fftWsPtr: 0,
  };
  if (n >= tsneTuning.fftMinPoints) {
    const g = tsneTuning.grid;
    st.fftWsPtr = core.alloc(core.kernels.tsneRepulsionFftWorkspaceBytes(n, g.maxIntervals, g.nodesPerInterval, core.threads));
  }
  core.f32(st.updatePtr, 2 * n).fill(0);
  core.f32(st.gainsPtr, 2 * n).fill(1);
  core.f64(st.statsPtr, 4).fill(0);
  return st;
}

/** Iterations per call: about 50 calls per phase, at most 10 iterations (each call wakes the threads once). */
function iterationsPerCall(phase: TsnePhase): number {
  return Math.max(1, Math.min(10, Math.ceil(phase.iterations / 50)));
}

/** Runs iterations [begin, end) of a phase; ranges that tile [0, iterations) give the bits of one whole run. */
export async function runTsneIterations(core: Core, st: TsneState, phase: TsnePhase, begin: number, end: number, ctl: PhaseControl): Promise<void> {
  const args: TaskArgs<"tsneIterate"> = {};
  args.y = st.yPtr;
  args.n = st.n;
  args.rowPtr = st.p.rowPtr;
  args.cols = st.p.colPtr;
  args.vals = st.p.valPtr;
  args.update = st.updatePtr;
  args.gains = st.gainsPtr;
  args.attraction = st.attractionPtr;
  args.force = st.forcePtr;
  args.rowZ = st.rowZPtr;
  args.rowKl = st.rowKlPtr;
  args.blockSums = st.blockSumsPtr;
  args.stats = st.statsPtr;
  args.exaggeration = phase.exaggeration;
  args.learningRate = phase.learningRate;
  args.momentum = phase.momentum;
  args.dof = phase.dof;
  args.maxStep = MAX_STEP_NORM;
  args.phaseIters = phase.iterations;
  args.plogp = st.p.plogp;
  args.klEvery = KL_EVERY;
  const g = tsneTuning.grid;
  args.fftWs = st.fftWsPtr;
  args.intervalsPerUnit = g.intervalsPerUnit;
  args.minIntervals = g.minIntervals;
  args.maxIntervals = g.maxIntervals;
  args.nodes = g.nodesPerInterval;
  const step = iterationsPerCall(phase);
  ctl.progress?.(begin / phase.iterations);
  for (let it = begin; it < end; it += step) {
    throwIfAborted(ctl.signal);
    const callEnd = Math.min(end, it + step);
    args.iterBegin = it;
    args.iterEnd = callEnd;
    await core.run("tsneIterate", args, 1);
    // the core measured the KL after an iteration of this call (the same rule as iterate.ts)
    const measured = Math.floor(callEnd / KL_EVERY) > Math.floor(it / KL_EVERY) || callEnd === phase.iterations;
    let detail: ProgressDetail | undefined;
    if (measured) {
      const stats = readStats(core, st);
      detail = { klDivergence: stats.klDivergence, iteration: stats.iteration };
    }
    ctl.progress?.(callEnd / phase.iterations, detail);
  }
}

/** The optimiser's last measurements: Z of the last iteration, the KL divergence and the iteration it followed. */
export function readStats(core: Core, st: TsneState): { z: number; klDivergence: number; iteration: number } {
  const s = core.f64(st.statsPtr, 3);
  return { z: s[0], klDivergence: s[1], iteration: s[2] };
}
