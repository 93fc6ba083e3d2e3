// The schedule that the edge-batch update rules share (the layout's SGD, sgd.ts; the network's Adam,
// parametric/train.ts) for the epoch driver (epochs.ts): one unit, which every thread works on step by step;
// per epoch a random stream keyed by (seed, phase, epoch) and a random rotation of the fixed edge order; the
// epoch's edges in batches of ARG_BATCH, one step each. A rule extends it with threads, begin, firstStep,
// lastStepEnd, step, endStep and end.

import { arg, argInt } from "../parallel/control";
import { draw, streamKey, uniformIndex } from "../rng";
import {
  ARG_BATCH, ARG_EDGE_COUNT, ARG_EPOCH_BEGIN, ARG_EPOCH_END, ARG_LEARNING_RATE, ARG_PHASE, ARG_PHASE_EPOCHS,
  ARG_SEED, ARG_XI,
} from "./args";

@unmanaged export class EdgeBatches {
  // @ts-ignore: decorator
  @inline epochBegin(ctrl: usize): i32 { return argInt(ctrl, ARG_EPOCH_BEGIN); }
  // @ts-ignore: decorator
  @inline epochEnd(ctrl: usize): i32 { return argInt(ctrl, ARG_EPOCH_END); }
  // @ts-ignore: decorator
  @inline xi(ctrl: usize): f32 { return <f32>arg(ctrl, ARG_XI); }
  // @ts-ignore: decorator
  @inline learnsZ<L>(loss: L): bool { return loss.learnsZ(); }
  // @ts-ignore: decorator
  @inline nextUnit(ctrl: usize, unit: i32): i32 { return unit < 0 ? 0 : -1; }
  // @ts-ignore: decorator
  @inline unitKey(ctrl: usize, unit: i32): u64 { return <u64>arg(ctrl, ARG_SEED); }
  // @ts-ignore: decorator
  @inline context(ctrl: usize, thread: i32): usize { return 0; }
  // @ts-ignore: decorator
  @inline rate(ctrl: usize, context: usize, epoch: i32): f64 {
    return arg(ctrl, ARG_LEARNING_RATE) * (1.0 - <f64>epoch / <f64>argInt(ctrl, ARG_PHASE_EPOCHS));
  }
  /** The epoch's stream: the seed's, separated by phase (ARG_PHASE) and epoch. */
  // @ts-ignore: decorator
  @inline epochKey(ctrl: usize, seed: u64, epoch: i32): u64 {
    return streamKey(seed, (<u64>argInt(ctrl, ARG_PHASE) << 24) + <u64>epoch);
  }
  // @ts-ignore: decorator
  @inline epochOffset(ctrl: usize, key: u64): i32 {
    return <i32>uniformIndex(draw(key, 0x4000000000000000), <u32>argInt(ctrl, ARG_EDGE_COUNT));
  }
  // @ts-ignore: decorator
  @inline steps(ctrl: usize): i32 {
    const batch = argInt(ctrl, ARG_BATCH);
    return (argInt(ctrl, ARG_EDGE_COUNT) + batch - 1) / batch;
  }
}

/** The first edge position of batch `step` of an epoch. */
// @ts-ignore: decorator
@inline export function batchStartOf(ctrl: usize, step: i32): i32 {
  return step * argInt(ctrl, ARG_BATCH);
}

/** The edges of batch `step` of an epoch (the last may be short). */
// @ts-ignore: decorator
@inline export function batchLengthOf(ctrl: usize, step: i32): i32 {
  const batch = argInt(ctrl, ARG_BATCH);
  return min(batch, argInt(ctrl, ARG_EDGE_COUNT) - step * batch);
}
