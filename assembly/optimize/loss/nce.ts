// NCVis (NC-t-SNE): the estimator of neg with ξ' = m·Z / (n(n−1)) from a learned log Z (SPEC §2):
//   ∂ℓ⁺/∂log Z = 1 − e,  ∂ℓ⁻/∂log Z = −e  (0 where the log is clamped). Method contract: see neg.ts.

import { estimatorAttraction, estimatorRepulsion } from "./estimator";

/** The id of NCVis in the core's ABI (read by the bindings as LOSS_NCE; ids are distinct, test/contract.test.ts). */
export const LOSS_NCE: i32 = 1;

@unmanaged export class NceLoss {
  // @ts-ignore: decorator
  @inline normalised(): bool { return false; }
  // @ts-ignore: decorator
  @inline learnsZ(): bool { return true; }
  // @ts-ignore: decorator
  @inline kernel(d: v128): v128 { return d; }
  // @ts-ignore: decorator
  @inline attraction(d: v128, xi: v128, clamp: v128, norm: v128): v128 { return estimatorAttraction(d, xi, clamp); }
  // @ts-ignore: decorator
  @inline repulsion(d: v128, xi: v128, clamp: v128, norm: v128): v128 { return estimatorRepulsion(d, xi, clamp); }
  // @ts-ignore: decorator
  @inline zAttraction(d: v128, xi: v128, clamp: v128): v128 {
    const e = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(xi, f32x4.add(f32x4.splat(1), d))));
    return v128.and(f32x4.sub(f32x4.splat(1), e), f32x4.ge(e, clamp));
  }
  // @ts-ignore: decorator
  @inline zRepulsion(d: v128, xi: v128, clamp: v128): v128 {
    const xu = f32x4.mul(xi, f32x4.add(f32x4.splat(1), d));
    const q = f32x4.add(f32x4.splat(1), xu);
    return v128.and(f32x4.div(f32x4.splat(-1), q), f32x4.ge(xu, f32x4.mul(clamp, q))); // 1 − e = ξ'u/q
  }
  /** ℓ of one pair (the estimator of neg.ts): see neg.ts. */
  pairValue(positive: bool, d: f64, xi: f64): f64 {
    const e = 1 / (1 + xi * (1 + d));
    return positive ? -Math.log(e) : -Math.log(1 - e);
  }
}
