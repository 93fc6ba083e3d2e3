// InfoNC-t-SNE (SPEC §2): per head, S = φ₊ + Σ_k φ_k over its m negatives and ℓ = −[log φ₊ − (1/c) log S].
// A pair's gradient depends on all of its head's pairs, so the kernel first sums S (kernel()), then passes
// norm = 1/(cS):  ∂ℓ/∂D₊ = φ₊ − φ₊²·norm,  ∂ℓ/∂D_k = −φ_k²·norm. Method contract: see neg.ts.

/** The id of InfoNC-t-SNE in the core's ABI (read by the bindings as LOSS_INFONCE; ids are distinct, test/contract.test.ts). */
export const LOSS_INFONCE: i32 = 2;

@unmanaged export class InfoNceLoss {
  // @ts-ignore: decorator
  @inline normalised(): bool { return true; }
  // @ts-ignore: decorator
  @inline learnsZ(): bool { return false; }
  // @ts-ignore: decorator
  @inline kernel(d: v128): v128 { return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), d)); }
  // @ts-ignore: decorator
  @inline attraction(d: v128, xi: v128, clamp: v128, norm: v128): v128 {
    const phi = this.kernel(d);
    return f32x4.sub(phi, f32x4.mul(f32x4.mul(phi, phi), norm));
  }
  // @ts-ignore: decorator
  @inline repulsion(d: v128, xi: v128, clamp: v128, norm: v128): v128 {
    const phi = this.kernel(d);
    return f32x4.neg(f32x4.mul(f32x4.mul(phi, phi), norm));
  }
  // @ts-ignore: decorator
  @inline zAttraction(d: v128, xi: v128, clamp: v128): v128 { return f32x4.splat(0); }
  // @ts-ignore: decorator
  @inline zRepulsion(d: v128, xi: v128, clamp: v128): v128 { return f32x4.splat(0); }
  /** No per-pair value: a pair's ℓ depends on all pairs of its head (the tests use infoNceLossValue). */
  pairValue(positive: bool, d: f64, xi: f64): f64 { return NaN; }
}
