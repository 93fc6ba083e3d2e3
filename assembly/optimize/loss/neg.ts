// Neg-t-SNE (the spectrum): the estimator with a fixed ξ' = m·Z̄ / (n(n−1)) (SPEC §2).
//
// A loss is an unmanaged class with no fields: the optimiser is generic over it, so each loss compiles into its
// own copy of the kernels with these methods inlined (resolved once per phase, never per pair). Every method
// works on four pairs at once; the scalar entry points (derivatives.ts) call the same methods.
//   normalised(): does a pair's coefficient depend on all pairs of its head (InfoNCE's S)?
//   learnsZ():    does the loss learn log Z (NCE), so the kernel sums ∂ℓ/∂log Z?
//   kernel(d):    a pair's term of the head's normaliser (used only when normalised)
//   attraction(d, xi, clamp, norm) / repulsion(...): ∂ℓ/∂D of a positive / negative pair; `norm` is
//                 1/(c·S) per head for normalised losses, ignored otherwise
//   zAttraction(d, xi, clamp) / zRepulsion(...): ∂ℓ/∂log Z (only when learnsZ)
//   pairValue(positive, d, xi): ℓ of one pair in f64, for the tests' finite differences (not used by the optimiser)

import { estimatorAttraction, estimatorRepulsion } from "./estimator";

/** The id of Neg-t-SNE in the core's ABI (read by the bindings as LOSS_NEG; ids are distinct, test/contract.test.ts). */
export const LOSS_NEG: i32 = 0;

@unmanaged export class NegLoss {
  // @ts-ignore: decorator
  @inline normalised(): bool { return false; }
  // @ts-ignore: decorator
  @inline learnsZ(): bool { return false; }
  // @ts-ignore: decorator
  @inline kernel(d: v128): v128 { return d; }
  // @ts-ignore: decorator
  @inline attraction(d: v128, xi: v128, clamp: v128, norm: v128): v128 { return estimatorAttraction(d, xi, clamp); }
  // @ts-ignore: decorator
  @inline repulsion(d: v128, xi: v128, clamp: v128, norm: v128): v128 { return estimatorRepulsion(d, xi, clamp); }
  // @ts-ignore: decorator
  @inline zAttraction(d: v128, xi: v128, clamp: v128): v128 { return f32x4.splat(0); }
  // @ts-ignore: decorator
  @inline zRepulsion(d: v128, xi: v128, clamp: v128): v128 { return f32x4.splat(0); }
  /** ℓ of one pair at squared distance d, positive (an edge) or negative (a noise pair): for the tests' finite
   * differences of attraction and repulsion (and of zAttraction/zRepulsion through ξ' = m·Z/(n(n−1))). */
  pairValue(positive: bool, d: f64, xi: f64): f64 {
    const e = 1 / (1 + xi * (1 + d));
    return positive ? -Math.log(e) : -Math.log(1 - e);
  }
}
