// The optimiser's per-pair derivatives for one pair at a time, exported by the test build only
// (assembly/testing.ts) for the gradient tests: they call the very loss methods the kernels inline (lane 0 of a
// splat), through the one loss dispatch (losses.ts withLoss).

import { withLoss } from "./losses";
import { LOSS_NCE } from "./loss/nce";
import { InfoNceLoss } from "./loss/infonce";

// @ts-ignore: decorator
@inline function lane0(v: v128): f32 { return f32x4.extract_lane(v, 0); }

// the arguments of one call, read by the runners below (the test build runs on one thread): f32 d, xi, clamp
const ARGS = memory.data(12, 4);

// @ts-ignore: decorator
@inline function put(d: f32, xi: f32, clamp: f32): usize {
  store<f32>(ARGS, d);
  store<f32>(ARGS, xi, 4);
  store<f32>(ARGS, clamp, 8);
  return ARGS;
}

@unmanaged class Attraction {
  run<L>(loss: L, a: usize, thread: i32): f64 {
    return lane0(loss.attraction(v128.load32_splat(a), v128.load32_splat(a, 4), v128.load32_splat(a, 8), f32x4.splat(0)));
  }
}
@unmanaged class Repulsion {
  run<L>(loss: L, a: usize, thread: i32): f64 {
    return lane0(loss.repulsion(v128.load32_splat(a), v128.load32_splat(a, 4), v128.load32_splat(a, 8), f32x4.splat(0)));
  }
}
@unmanaged class ZAttraction {
  run<L>(loss: L, a: usize, thread: i32): f64 {
    return lane0(loss.zAttraction(v128.load32_splat(a), v128.load32_splat(a, 4), v128.load32_splat(a, 8)));
  }
}
@unmanaged class ZRepulsion {
  run<L>(loss: L, a: usize, thread: i32): f64 {
    return lane0(loss.zRepulsion(v128.load32_splat(a), v128.load32_splat(a, 4), v128.load32_splat(a, 8)));
  }
}

/** ∂ℓ/∂D of a positive (attraction) or negative (repulsion) pair of a per-pair loss (norm 0). */
export function attractionCoefficient(loss: i32, d: f32, xi: f32, clamp: f32): f32 {
  return <f32>withLoss<Attraction>(changetype<Attraction>(0), loss, put(d, xi, clamp), 0);
}
export function repulsionCoefficient(loss: i32, d: f32, xi: f32, clamp: f32): f32 {
  return <f32>withLoss<Repulsion>(changetype<Repulsion>(0), loss, put(d, xi, clamp), 0);
}
/** NCE's ∂ℓ/∂log Z of a positive or negative pair. */
export function nceLogZGradient(positive: bool, d: f32, xi: f32, clamp: f32): f32 {
  const a = put(d, xi, clamp);
  return <f32>(positive
    ? withLoss<ZAttraction>(changetype<ZAttraction>(0), LOSS_NCE, a, 0)
    : withLoss<ZRepulsion>(changetype<ZRepulsion>(0), LOSS_NCE, a, 0));
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
