// Placing new points in a fixed t-SNE layout on a core (assembly/tsne/place.ts): the training layout's partition
// function Z, the grid of its repulsion potentials (once per call), then the new points' iterations: an early
// phase at a raised exaggeration, then the main phase, a few iterations per core call so that progress is
// reported and the signal checked. Every row moves independently of the others (batch- and thread-independent).

import type { TaskArgs } from "../core/abi.ts";
import type { Core } from "../core/core.ts";
import { throwIfAborted } from "../errors.ts";
import type { PhaseControl } from "../options/common.ts";
import { conditionalAffinities } from "./affinities.ts";
import { tsneTuning } from "./optimizer.ts";
import { MAX_STEP_NORM } from "./params.ts";
import { TsneRepulsion } from "./repulsion.ts";

/** What a t-SNE layout keeps for placing new points. */
export interface TsneLayoutSettings {
  /** the fit's perplexity (0: binary affinities) */
  perplexity: number;
  /** the kernel's degrees of freedom α */
  dof: number;
  /** the training layout's partition function Σ_{i≠j} w_ij */
  z: number;
}

/** The placement's schedule (iterations and rates in the fit's convention, gradient.ts). */
export interface TsnePlaceSchedule {
  iterations: number;
  earlyIterations: number;
  earlyExaggeration: number;
  exaggeration: number;
  learningRate: number;
  earlyMomentum: number;
  momentum: number;
  /** each point's gradient is clipped at this norm (openTSNE's max_grad_norm; 0: none) */
  maxGrad: number;
}

/**
 * The transform's defaults, chosen on held-out rows (bench/tsne-transform.js, bench/RESULTS.md): openTSNE's
 * transform schedule (learning rate 0.1, momentum, gradient norm clipped at 0.25) with an early phase.
 */
export const TSNE_TRANSFORM_DEFAULTS = {
  nEpochs: 250,
  earlyFraction: 0.25,
  earlyExaggeration: 4,
  exaggeration: 1,
  learningRate: 0.1,
  earlyMomentum: 0.5,
  momentum: 0.8,
  maxGrad: 0.25,
};

/**
 * From how many training points the repulsion is read from a grid rather than summed exactly, and the grid's
 * margin beyond the layout (a fraction of its extent per side; openTSNE pads by 0.25). Tests change them.
 */
export const tsnePlaceTuning = { gridMinPoints: 1000, pad: 0.25 };

const ROWS_PER_CHUNK = 32;
/** Iterations per core call: progress and abort are checked between calls. */
const ITERATIONS_PER_CALL = 10;

/**
 * Z = Σ_{i≠j} w_ij of the layout at yPtr (f32[n × 2]) with dof α: exact below tsneTuning.fftMinPoints, else
 * interpolated as the fit measures it. Its scratch is freed.
 */
export async function layoutPartition(core: Core, yPtr: number, n: number, dof: number): Promise<number> {
  const mark = core.mark();
  try {
    const method = n >= tsneTuning.fftMinPoints ? "fft" : "exact";
    const repulsion = TsneRepulsion.create(core, n, { method, dof, ...tsneTuning.grid });
    return await repulsion.compute(yPtr, core.alloc(n * 8));
  } finally {
    core.reset(mark);
  }
}

/** The schedule of a placement of `iterations` iterations at learning rate `learningRate`. */
export function tsnePlaceSchedule(iterations: number, learningRate: number): TsnePlaceSchedule {
  const d = TSNE_TRANSFORM_DEFAULTS;
  return {
    iterations, earlyIterations: Math.round(iterations * d.earlyFraction), earlyExaggeration: d.earlyExaggeration,
    exaggeration: d.exaggeration, learningRate, earlyMomentum: d.earlyMomentum, momentum: d.momentum, maxGrad: d.maxGrad,
  };
}

/**
 * Moves the new points at y (f32[rows × 2], their starts) against the training layout at trainPtr (f32[n × 2]):
 * neighbours (i32[rows × k]) at distances (f32[rows × k], ascending) give each row's affinities at the fit's
 * perplexity. Allocates in the core's arena; the caller frees.
 */
export async function placeTsnePoints(
  core: Core, trainPtr: number, n: number, found: { indicesPtr: number; distancesPtr: number }, k: number, y: number, rows: number,
  layout: TsneLayoutSettings, schedule: TsnePlaceSchedule, ctl: PhaseControl,
): Promise<void> {
  const affinities = await conditionalAffinities(core, found.distancesPtr, rows, k, layout.perplexity);
  throwIfAborted(ctl.signal);
  const g = tsneTuning.grid;
  let gridWs = 0;
  if (n >= tsnePlaceTuning.gridMinPoints) {
    gridWs = core.alloc(core.kernels.tsneRepulsionFftWorkspaceBytes(n, g.maxIntervals, g.nodesPerInterval, core.threads));
    await core.run("tsnePlaceGrid", {
      y: trainPtr, n, dof: layout.dof, force: core.alloc(n * 8), workspace: gridWs, intervalsPerUnit: g.intervalsPerUnit,
      minIntervals: g.minIntervals, maxIntervals: g.maxIntervals, nodes: g.nodesPerInterval, pad: tsnePlaceTuning.pad,
    }, 1);
    throwIfAborted(ctl.signal);
  }
  const update = core.alloc(rows * 8), gains = core.alloc(rows * 8);
  core.f32(update, 2 * rows).fill(0);
  core.f32(gains, 2 * rows).fill(1);
  const args: TaskArgs<"tsnePlace"> = {
    train: trainPtr, n, dof: layout.dof, grid: gridWs, maxIntervals: g.maxIntervals, nodes: g.nodesPerInterval,
    repulsionScale: n / layout.z, y, rows, neighbours: found.indicesPtr, affinities, k, update, gains,
    learningRate: schedule.learningRate, maxGrad: schedule.maxGrad, maxStep: MAX_STEP_NORM, chunkRows: ROWS_PER_CHUNK,
    scratch: core.alloc(core.threads * core.layout.tsne.placeScratchBytes),
  };
  const total = schedule.iterations;
  for (let it = 0; it < total;) {
    throwIfAborted(ctl.signal);
    const early = it < schedule.earlyIterations;
    const end = Math.min(early ? schedule.earlyIterations : total, it + ITERATIONS_PER_CALL);
    args.exaggeration = early ? schedule.earlyExaggeration : schedule.exaggeration;
    args.momentum = early ? schedule.earlyMomentum : schedule.momentum;
    args.iterations = end - it;
    await core.run("tsnePlace", args, Math.ceil(rows / ROWS_PER_CHUNK));
    it = end;
    ctl.progress?.(it / total);
  }
  throwIfAborted(ctl.signal);
}
