// The contrastive losses: their ids (read by the bindings from the core's exports, assembly/abi.ts) and the one
// dispatch from an id to a loss class. Every loss is the negative log of an estimator of "this pair is an edge",
// written as its derivative with respect to the squared embedding distance D of a pair in one file of loss/
// (the method contract is in loss/neg.ts); the optimiser multiplies the coefficient by 2(y_i − y_j). Log
// arguments below the clamp give no gradient (SPEC §2). A positive coefficient attracts, a negative one repels.
//
// Adding a loss that is only per-pair coefficients: its class in loss/<name>.ts, its id below and one case in
// withLoss. Every task that runs a loss (the layout optimiser, the parametric trainer, the placement of new
// points, the test hooks) goes through withLoss, so each gets its own compiled copy for the new loss.

import { NegLoss } from "./loss/neg";
import { NceLoss } from "./loss/nce";
import { InfoNceLoss } from "./loss/infonce";
import { UmapLoss } from "./loss/umap";

export const LOSS_NEG: i32 = 0; // Neg-t-SNE: fixed normalisation, ξ' = m·Z̄ / (n(n−1))  (loss/neg.ts)
export const LOSS_NCE: i32 = 1; // NCVis: the same estimator with a learned log Z       (loss/nce.ts)
export const LOSS_INFONCE: i32 = 2; // InfoNC-t-SNE: softmax over the positive and its negatives (loss/infonce.ts)
export const LOSS_UMAP: i32 = 3; // UMAP with a = b = 1                                  (loss/umap.ts)

/**
 * Runs `runner.run<L>(loss, ctrl, thread)` with L the loss class of id `loss`: resolved here once per call, so
 * every hot loop below is compiled once per loss with the loss's methods inlined (no per-pair branch or indirect
 * call). A runner is an unmanaged class with no fields (pass changetype<R>(0)) and one generic method
 * `run<L>(loss: L, ctrl: usize, thread: i32): f64`; ctrl is the task's control block (or, for the test hooks,
 * any record the runner reads). Traps on an id the core does not know: the bindings and the core disagree.
 */
export function withLoss<R>(runner: R, loss: i32, ctrl: usize, thread: i32): f64 {
  if (loss == LOSS_NEG) return runner.run<NegLoss>(changetype<NegLoss>(0), ctrl, thread);
  if (loss == LOSS_NCE) return runner.run<NceLoss>(changetype<NceLoss>(0), ctrl, thread);
  if (loss == LOSS_INFONCE) return runner.run<InfoNceLoss>(changetype<InfoNceLoss>(0), ctrl, thread);
  if (loss == LOSS_UMAP) return runner.run<UmapLoss>(changetype<UmapLoss>(0), ctrl, thread);
  unreachable();
  return 0;
}
