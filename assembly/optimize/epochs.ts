// The one epoch driver of the optimisers that step along per-pair gradients of edge batches (SPEC §3): the
// layout's SGD (sgd.ts) and the parametric trainer's Adam (parametric/train.ts). It owns what every such phase
// shares: the epochs of the call, the linearly decaying rate, each epoch's random stream and edge offset, the
// batches, the ξ' that NCE derives from its learned log Z before each batch, and NCE's clipped SGD step of log Z
// after it. What differs, how a batch's gradient reaches the parameters and how threads meet, is the update
// rule R: an unmanaged class with no fields (changetype<R>(0)) and these methods, each called on every thread
// that takes part:
//   threads(ctrl): i32            threads that take part (the others return at once)
//   begin(ctrl, thread, threads)  before the first batch of the call
//   firstBatch(ctrl): i32         the first batch of the call's first epoch (0: whole epochs)
//   lastBatchEnd(ctrl, perEpoch)  the end of the batches of its last epoch (perEpoch: whole epochs)
//   batch<L>(loss, ctrl, thread, threads, batchStart, batchLength, offset, key, xi, rate, done)
//                                 one batch: its pair gradient (accumulateShare, sgd.ts; a loss that learns Z
//                                 keeps its ∂ℓ/∂log Z with keepLogZGradient before its barrier) and its step;
//                                 done = batches this call ran before it
//   endBatch(ctrl, thread, threads)  after NCE's step of log Z (which reads every thread's partial sum)
//   end(ctrl, thread, done)       after the last batch (done: batches this call ran)
// The loss L is resolved once per call (losses.ts withLoss), so each (rule, loss) pair compiles into its own
// copy of the loop and of the kernels it inlines. An optimiser that is not per-pair SGD over edge batches (the
// exact gradient of t-SNE, the placement of new points against a fixed layout, place.ts) is a task of its own
// with its own loop; it shares the loss classes through withLoss when it uses them.

import { arg, argInt, argPtr } from "../parallel/control";
import { draw, streamKey, uniformIndex } from "../rng";
import {
  ARG_BATCH, ARG_EDGE_COUNT, ARG_EPOCH_BEGIN, ARG_EPOCH_END, ARG_LEARNING_RATE, ARG_N, ARG_NCE_LEARNING_RATE,
  ARG_NEGATIVES, ARG_PARTIAL, ARG_PHASE, ARG_PHASE_EPOCHS, ARG_SEED, ARG_STATE, ARG_XI,
} from "./args";

/** Every coordinate of a summed gradient is clipped to ±4 (SPEC §3), and so is NCE's ∂ℓ/∂log Z. */
export const GRAD_CLIP: f32 = 4;

/** Keeps this thread's summed ∂ℓ/∂log Z of a batch for NCE's step of log Z (a loss that does not learn Z: nothing). */
// @ts-ignore: decorator
@inline export function keepLogZGradient<L>(loss: L, ctrl: usize, thread: i32, gradient: f64): void {
  if (loss.learnsZ()) store<f64>(argPtr(ctrl, ARG_PARTIAL) + (<usize>thread << 3), gradient);
}

/** Runs epochs [ARG_EPOCH_BEGIN, ARG_EPOCH_END) of one phase with update rule R and loss L on this thread. */
export function runEpochs<R, L>(rule: R, loss: L, ctrl: usize, thread: i32): void {
  const threads = rule.threads(ctrl);
  if (thread >= threads) return;
  const n = argInt(ctrl, ARG_N), m = argInt(ctrl, ARG_NEGATIVES);
  const edgeCount = argInt(ctrl, ARG_EDGE_COUNT), batch = argInt(ctrl, ARG_BATCH);
  const epochBegin = argInt(ctrl, ARG_EPOCH_BEGIN), epochEnd = argInt(ctrl, ARG_EPOCH_END);
  const phaseEpochs = argInt(ctrl, ARG_PHASE_EPOCHS);
  const rate0 = arg(ctrl, ARG_LEARNING_RATE);
  const seed = <u64>arg(ctrl, ARG_SEED), phase = <u64>argInt(ctrl, ARG_PHASE);
  const learnsZ = loss.learnsZ();
  const nceRate = arg(ctrl, ARG_NCE_LEARNING_RATE);
  const pairsScale = <f64>m / (<f64>n * <f64>(n - 1));
  const partial = argPtr(ctrl, ARG_PARTIAL), state = argPtr(ctrl, ARG_STATE);
  let xi = <f32>arg(ctrl, ARG_XI);
  let logZ = load<f64>(state);
  const perEpoch = (edgeCount + batch - 1) / batch;
  let done = 0;
  rule.begin(ctrl, thread, threads);
  for (let epoch = epochBegin; epoch < epochEnd; epoch++) {
    const rate = rate0 * (1.0 - <f64>epoch / <f64>phaseEpochs);
    const key = streamKey(seed, (phase << 24) + <u64>epoch);
    const offset = <i32>uniformIndex(draw(key, 0x4000000000000000), <u32>edgeCount);
    const bEnd = epoch == epochEnd - 1 ? rule.lastBatchEnd(ctrl, perEpoch) : perEpoch;
    for (let b = epoch == epochBegin ? rule.firstBatch(ctrl) : 0; b < bEnd; b++) {
      const batchStart = b * batch;
      const batchLength = min(batch, edgeCount - batchStart);
      if (learnsZ) xi = <f32>(pairsScale * Math.exp(logZ));
      rule.batch<L>(loss, ctrl, thread, threads, batchStart, batchLength, offset, key, xi, rate, done);
      if (learnsZ) {
        let total: f64 = 0;
        for (let t = 0; t < threads; t++) total += load<f64>(partial + (<usize>t << 3));
        logZ -= nceRate * Math.min(<f64>GRAD_CLIP, Math.max(-<f64>GRAD_CLIP, total));
      }
      rule.endBatch(ctrl, thread, threads);
      done++;
    }
  }
  rule.end(ctrl, thread, done);
  if (thread == 0) store<f64>(state, logZ);
}
