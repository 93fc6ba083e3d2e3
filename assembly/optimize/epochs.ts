// The one epoch driver of the optimisers (SPEC §3): the layout's SGD (sgd.ts), the parametric trainer's Adam
// (parametric/train.ts) and the placement of new points against a fixed layout (place.ts). It owns what every
// such phase shares: the units of work, each running the epochs of the call in turn; per epoch its decayed rate
// and its random stream; the steps (batches) of each epoch; the ξ' that NCE derives from its learned log Z before
// each step, and NCE's clipped SGD step of log Z after it. What differs is the update rule R: an unmanaged class
// with no fields (changetype<R>(0)) and these methods, each called on every thread that takes part:
//   threads(ctrl): i32              threads that take part (the others return at once)
//   epochBegin(ctrl), epochEnd(ctrl): i32   the epochs of the call
//   xi(ctrl): f32                   ξ' of the phase (a rule that learns Z replaces it before every step)
//   learnsZ<L>(loss): bool          whether the driver learns log Z (a loss that learns Z, on a rule that lets it)
//   begin(ctrl, thread, threads)    before the first unit
//   context(ctrl, thread): usize    what this thread's steps read on every call, decoded once (the placement's
//                                   constants; 0 for the edge-batch rules), passed to rate and step
//   nextUnit(ctrl, unit): i32       the unit this thread runs after `unit` (−1: its first), −1 when none is left.
//                                   The edge-batch rules have one unit, the layout (or network), that every thread
//                                   shares step by step; the placement's units are the new points, which never
//                                   meet, so each runs all of its epochs while its rows stay in cache
//   unitKey(ctrl, unit): u64        the key of the unit's random stream
//   rate(ctrl, context, epoch): f64 the epoch's learning rate (decaying linearly over the phase)
//   epochKey(ctrl, unitKey, epoch): u64   the key of the epoch's random stream
//   epochOffset(ctrl, key): i32     the epoch's rotation of the edge order (0 for the placement)
//   steps(ctrl): i32                steps per epoch (edge batches; 1 for the placement)
//   firstStep(ctrl): i32            the first step of the call's first epoch (0: whole epochs)
//   lastStepEnd(ctrl, perEpoch)     the end of the steps of its last epoch (perEpoch: whole epochs)
//   step<L>(loss, ctrl, context, thread, threads, unit, epoch, step, offset, key, xi, rate, done)
//                                   one step: a batch's pair gradient (accumulateShare, sgd.ts; a loss that learns
//                                   Z keeps its ∂ℓ/∂log Z with keepLogZGradient before its barrier) and its update,
//                                   or one epoch of one new point; done = steps this thread ran before it
//   endStep(ctrl, thread, threads)  after NCE's step of log Z (which reads every thread's partial sum)
//   end(ctrl, thread, done)         after the last unit (done: steps this thread ran)
// The loss L is resolved once per call (losses.ts withLoss), so each (rule, loss) pair compiles into its own
// copy of the loop and of the kernels it inlines. An optimiser that is not a sequence of such steps (the exact
// gradient of t-SNE, assembly/tsne/) is a task of its own with its own loop; it shares the loss classes through
// withLoss when it uses them.

import { argInt, argPtr, arg } from "../parallel/control";
import { ARG_N, ARG_NCE_LEARNING_RATE, ARG_NEGATIVES, ARG_PARTIAL, ARG_STATE } from "./args";

/** Every coordinate of a summed gradient is clipped to ±4 (SPEC §3), and so is NCE's ∂ℓ/∂log Z. */
export const GRAD_CLIP: f32 = 4;

/** Keeps this thread's summed ∂ℓ/∂log Z of a batch for NCE's step of log Z (a loss that does not learn Z: nothing). */
// @ts-ignore: decorator
@inline export function keepLogZGradient<L>(loss: L, ctrl: usize, thread: i32, gradient: f64): void {
  if (loss.learnsZ()) store<f64>(argPtr(ctrl, ARG_PARTIAL) + (<usize>thread << 3), gradient);
}

/** Runs the epochs of one phase's call (rule.epochBegin to rule.epochEnd) with update rule R and loss L on this
 * thread. A rule that learns Z reads log Z from, and writes it back to, the optimiser's ARG_STATE. */
export function runEpochs<R, L>(rule: R, loss: L, ctrl: usize, thread: i32): void {
  const threads = rule.threads(ctrl);
  if (thread >= threads) return;
  const epochBegin = rule.epochBegin(ctrl), epochEnd = rule.epochEnd(ctrl);
  const perEpoch = rule.steps(ctrl);
  const learnsZ = rule.learnsZ<L>(loss);
  let xi = rule.xi(ctrl);
  // NCE: ξ' = m·Z / (n(n − 1)) from its learned log Z, which the driver steps along the threads' summed ∂ℓ/∂log Z
  let pairsScale: f64 = 0, nceRate: f64 = 0, logZ: f64 = 0;
  let partial: usize = 0, state: usize = 0;
  if (learnsZ) {
    const n = argInt(ctrl, ARG_N), m = argInt(ctrl, ARG_NEGATIVES);
    pairsScale = <f64>m / (<f64>n * <f64>(n - 1));
    nceRate = arg(ctrl, ARG_NCE_LEARNING_RATE);
    partial = argPtr(ctrl, ARG_PARTIAL);
    state = argPtr(ctrl, ARG_STATE);
    logZ = load<f64>(state);
  }
  let done = 0;
  rule.begin(ctrl, thread, threads);
  const context = rule.context(ctrl, thread);
  for (let unit = rule.nextUnit(ctrl, -1); unit >= 0; unit = rule.nextUnit(ctrl, unit)) {
    const unitKey = rule.unitKey(ctrl, unit);
    for (let epoch = epochBegin; epoch < epochEnd; epoch++) {
      const rate = rule.rate(ctrl, context, epoch);
      const key = rule.epochKey(ctrl, unitKey, epoch);
      const offset = rule.epochOffset(ctrl, key);
      const end = epoch == epochEnd - 1 ? rule.lastStepEnd(ctrl, perEpoch) : perEpoch;
      for (let s = epoch == epochBegin ? rule.firstStep(ctrl) : 0; s < end; s++) {
        if (learnsZ) xi = <f32>(pairsScale * Math.exp(logZ));
        rule.step<L>(loss, ctrl, context, thread, threads, unit, epoch, s, offset, key, xi, rate, done);
        if (learnsZ) {
          let total: f64 = 0;
          for (let t = 0; t < threads; t++) total += load<f64>(partial + (<usize>t << 3));
          logZ -= nceRate * Math.min(<f64>GRAD_CLIP, Math.max(-<f64>GRAD_CLIP, total));
        }
        rule.endStep(ctrl, thread, threads);
        done++;
      }
    }
  }
  rule.end(ctrl, thread, done);
  if (learnsZ && thread == 0) store<f64>(state, logZ);
}
