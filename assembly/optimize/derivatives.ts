// The optimiser's per-pair derivatives for one pair at a time, exported for the gradient tests: they call the
// very loss methods the kernels inline (lane 0 of a splat).

import { LOSS_INFONCE, LOSS_NCE, LOSS_UMAP } from "./losses";
import { NegLoss } from "./loss/neg";
import { NceLoss } from "./loss/nce";
import { InfoNceLoss } from "./loss/infonce";
import { UmapLoss } from "./loss/umap";

// @ts-ignore: decorator
@inline function lane0(v: v128): f32 { return f32x4.extract_lane(v, 0); }

/** ∂ℓ/∂D of a positive (attraction) or negative (repulsion) pair of neg, nce or umap. */
export function attractionCoefficient(loss: i32, d: f32, xi: f32, clamp: f32): f32 {
  const dv = f32x4.splat(d), xv = f32x4.splat(xi), cv = f32x4.splat(clamp), none = f32x4.splat(0);
  if (loss == LOSS_UMAP) return lane0(changetype<UmapLoss>(0).attraction(dv, xv, cv, none));
  if (loss == LOSS_NCE) return lane0(changetype<NceLoss>(0).attraction(dv, xv, cv, none));
  return lane0(changetype<NegLoss>(0).attraction(dv, xv, cv, none));
}
export function repulsionCoefficient(loss: i32, d: f32, xi: f32, clamp: f32): f32 {
  const dv = f32x4.splat(d), xv = f32x4.splat(xi), cv = f32x4.splat(clamp), none = f32x4.splat(0);
  if (loss == LOSS_UMAP) return lane0(changetype<UmapLoss>(0).repulsion(dv, xv, cv, none));
  if (loss == LOSS_NCE) return lane0(changetype<NceLoss>(0).repulsion(dv, xv, cv, none));
  return lane0(changetype<NegLoss>(0).repulsion(dv, xv, cv, none));
}
export function nceLogZGradient(positive: bool, d: f32, xi: f32, clamp: f32): f32 {
  const l = changetype<NceLoss>(0), dv = f32x4.splat(d), xv = f32x4.splat(xi), cv = f32x4.splat(clamp);
  return lane0(positive ? l.zAttraction(dv, xv, cv) : l.zRepulsion(dv, xv, cv));
}

/**
 * InfoNCE's coefficients from kernels: φ_k (f32[m] at kernelsPtr) is overwritten by ∂ℓ/∂D_k = −φ_k²/(cS),
 * and ∂ℓ/∂D₊ = φ₊ − φ₊²/(cS) is returned, with S = φ₊ + Σφ_k passed as `total`. Through the loss's methods,
 * which take D: φ = 1/(1 + D) ⇔ D = 1/φ − 1.
 */
export function infoNceCoefficients(kernelsPtr: usize, m: i32, phiPos: f32, total: f32, c: f32): f32 {
  const l = changetype<InfoNceLoss>(0), none = f32x4.splat(0);
  const norm = f32x4.splat(<f32>1 / (c * total));
  for (let r = 0; r < m; r++) {
    const p = kernelsPtr + (<usize>r << 2);
    store<f32>(p, lane0(l.repulsion(f32x4.splat(1 / load<f32>(p) - 1), none, none, norm)));
  }
  return lane0(l.attraction(f32x4.splat(1 / phiPos - 1), none, none, norm));
}
