// Runs optimiser phases on a core. The state (layout, gradient buffers, log Z) is allocated once per fit and
// stays in wasm memory; a phase is a parameter set handed to the one optimiser task, run a few epochs per
// call so that progress is reported and the AbortSignal checked between calls.

import type { Core, TaskArgs } from "../core/core.ts";
import { throwIfAborted } from "../errors.ts";
import type { PhaseControl } from "../options/common.ts";
import type { Loss } from "../loss/table.ts";
import type { UpdateRule } from "../fit/modes.ts";


/** Lower clamp of every log argument (the paper's runs). */
export const LOG_CLAMP = 1e-10;
/** NCE's own constant SGD rate for log Z (the reference's). */
export const NCE_LEARNING_RATE = 0.001;

export interface OptimizerState {
  n: number;
  dim: number;
  /** f32[gradStride]: the layout, n × dim, zero-padded to a multiple of 4 floats */
  yPtr: number;
  /** f32[gradBuffers · gradStride]: per-thread gradient buffers of unstaged phases and the parametric trainer,
   * then, for the layout optimiser, the layout copies of threads after the first (assembly/optimize/sgd.ts); 0
   * until one runs (ensureGradients) */
  gradPtr: number;
  gradBuffers: number;
  gradStride: number;
  partialPtr: number;
  /** f64[4]: [0] log Z */
  statePtr: number;
  scratchPtr: number;
  /** staged batches (large layouts): the endpoint rows, per-thread slot gradients, slot lists and sort buffers,
   * and on more than one thread per-thread copies of the rows and packed gradients (assembly/optimize/staging.ts),
   * for batches of up to slotBatch edges; 0 when the optimiser does not stage */
  slotsPtr: number;
  slotBatch: number;
  edgesPtr: number;
  edgeCount: number;
}

/**
 * One phase of an optimisation: its loss, the update rule that runs it (fit/modes.ts), its target (ξ′ from Z̄,
 * c; a loss that learns Z starts from the core's state) and its schedule.
 */
export interface Phase {
  loss: Loss;
  rule: UpdateRule;
  /** ξ' of the estimator: from Z̄ for a loss placed by Z̄ (loss table target), else 1 (NCE learns its own) */
  xi: number;
  /** Z̄ of a loss placed by Z̄ (given, or at s), else undefined */
  zBar?: number;
  /** InfoNCE's c */
  c: number;
  negativeSamples: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
  seed: number;
  /** distinct per phase of a fit, so phases draw independent random streams */
  phaseId: number;
}

export function allocateOptimizer(core: Core, n: number, dim: number, edgesPtr: number, edgeCount: number): OptimizerState {
  const gradStride = (n * dim + 3) & ~3;
  const yPtr = core.alloc(gradStride * 4);
  core.f32(yPtr, gradStride).fill(0);
  const partialPtr = core.alloc(core.threads * 8);
  const statePtr = core.alloc(32);
  core.f64(statePtr, 4).fill(0);
  return { n, dim, yPtr, gradPtr: 0, gradBuffers: 0, gradStride, partialPtr, statePtr, scratchPtr: 0, slotsPtr: 0, slotBatch: 0, edgesPtr, edgeCount };
}

/** The optimiser task's arguments for one phase (the epoch range is filled in per call). */
export function phaseArgs(core: Core, st: OptimizerState, phase: Phase): TaskArgs<"optimize"> {
  return {
    y: st.yPtr,
    n: st.n,
    dim: st.dim,
    edges: st.edgesPtr,
    edgeCount: st.edgeCount,
    grad: st.gradPtr,
    gradStride: st.gradStride,
    scratch: st.scratchPtr,
    slots: stages(st, phase) ? st.slotsPtr : 0,
    partial: st.partialPtr,
    state: st.statePtr,
    loss: core.layout.loss[phase.loss],
    xi: phase.xi,
    negatives: phase.negativeSamples,
    batch: Math.min(phase.batchSize, st.edgeCount),
    phaseEpochs: phase.epochs,
    learningRate: phase.learningRate,
    seed: phase.seed,
    phase: phase.phaseId,
    clamp: LOG_CLAMP,
    c: phase.c,
    nceLearningRate: NCE_LEARNING_RATE,
  };
}

/** Whether a phase stages its batches: only with buffers large enough for its batches (ensureSlots). */
function stages(st: OptimizerState, phase: Phase): boolean {
  return st.slotsPtr !== 0 && st.slotBatch >= Math.min(phase.batchSize, st.edgeCount);
}

/** Reserves the per-thread gradient buffers (zeroed; the optimiser keeps them so) and, unless `layoutCopies` is
 * false (the parametric trainer, which steps no layout), the layout copies, once per fit: only unstaged phases and
 * the parametric trainer use them, so large layouts, which stage, never pay for them (2 · threads − 1 times 8 MB
 * at 1M points in 2-D). */
export function ensureGradients(core: Core, st: OptimizerState, layoutCopies = true): void {
  const buffers = layoutCopies ? 2 * core.threads - 1 : core.threads;
  if (st.gradBuffers >= buffers) return;
  const floats = buffers * st.gradStride;
  st.gradPtr = core.alloc(floats * 4);
  core.f32(st.gradPtr, floats).fill(0);
  st.gradBuffers = buffers;
}

/** Reserves the per-thread scratch (a tile of heads for layouts other than 2-D), once per fit. */
export function ensureScratch(core: Core, st: OptimizerState, _phase: Phase): void {
  if (st.scratchPtr === 0) st.scratchPtr = core.alloc(core.threads * core.kernels.optimizeScratchBytes(st.dim));
}

/**
 * From how many points the layout optimiser stages each batch (assembly/optimize/staging.ts): it pays where the
 * layout and the gradient buffers no longer fit in cache, and costs more than it saves on small ones (measured,
 * bench/RESULTS.md "Optimiser cost per edge per epoch", with the first form of staging: 140,000 points 1.36× less
 * CPU per edge, 70,000 a few per cent more and up to 1.6× more at 5 negatives; with staged batches walked in
 * point order, 70,000 points cost the same either way). Tests lower it to run the staged path on small data.
 */
export const stagingTuning = { minPoints: 100_000 };

/** Reserves the layout optimiser's staging buffers for the phase's batch size, when it stages: once per fit,
 * again only if a later call asks for larger batches. */
function ensureSlots(core: Core, st: OptimizerState, phase: Phase): void {
  const batch = Math.min(phase.batchSize, st.edgeCount);
  if (st.n < stagingTuning.minPoints || batch <= st.slotBatch) return;
  const bytes = core.kernels.optimizeSlotBytes(batch, core.threads, st.dim);
  st.slotsPtr = core.alloc(bytes);
  // the slot gradients start at zero and the optimiser keeps them so; everything else is written before use
  core.f32(st.slotsPtr, bytes / 4).fill(0);
  st.slotBatch = batch;
}

/** Epochs per optimiser call: enough work per call to amortise waking the threads, ~50 calls per phase. */
function epochsPerCall(phase: Phase): number {
  return Math.max(1, Math.min(25, Math.ceil(phase.epochs / 50)));
}

/** Runs epochs [begin, end) of a phase; ranges that tile [0, epochs) give the bits of one whole run. */
export async function runPhaseEpochs(
  core: Core, st: OptimizerState, phase: Phase, begin: number, end: number, ctl: PhaseControl,
): Promise<void> {
  ensureScratch(core, st, phase);
  ensureSlots(core, st, phase);
  if (!stages(st, phase)) ensureGradients(core, st);
  await runEpochs(core, "optimize", phaseArgs(core, st, phase), phase.epochs, epochsPerCall(phase), ctl, begin, end);
}

/**
 * Runs an epoch-range task (the optimiser's or the parametric trainer's) over epochs [begin, end) of a phase of
 * `epochs`, `step` epochs per call, reporting progress (of the whole phase) and checking the signal between calls.
 */
export async function runEpochs(
  core: Core, task: "optimize" | "parametricTrain", args: TaskArgs<"optimize">, epochs: number, step: number, ctl: PhaseControl,
  begin = 0, end = epochs,
): Promise<void> {
  ctl.progress?.(begin / epochs);
  for (let e = begin; e < end; e += step) {
    throwIfAborted(ctl.signal);
    const callEnd = Math.min(end, e + step);
    args.epochBegin = e;
    args.epochEnd = callEnd;
    await core.run(task, args, 1);
    ctl.progress?.(callEnd / epochs);
  }
}

export function readLogZ(core: Core, st: OptimizerState): number {
  return core.f64(st.statePtr, 1)[0];
}

export function writeLogZ(core: Core, st: OptimizerState, logZ: number): void {
  core.f64(st.statePtr, 1)[0] = logZ;
}
