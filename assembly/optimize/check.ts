// Loss values, exported by the test build only (assembly/testing.ts) so that tests can compare the analytic
// derivatives the optimiser uses (loss/*.ts) with finite differences of these values.

import { withLoss } from "./losses";

// the arguments of one call, read by the loss runner (the test build runs on one thread)
const ARGS = memory.data(24, 8);

@unmanaged class PairValue {
  run<L>(loss: L, args: usize, thread: i32): f64 {
    return loss.pairValue(load<i32>(args) != 0, load<f64>(args, 8), load<f64>(args, 16));
  }
}

/** ℓ of one pair at squared distance d: positive (an edge) or negative (a noise pair), of a per-pair loss. */
export function pairLossValue(loss: i32, positive: bool, d: f64, xi: f64): f64 {
  store<i32>(ARGS, positive ? 1 : 0);
  store<f64>(ARGS, d, 8);
  store<f64>(ARGS, xi, 16);
  return withLoss<PairValue>(changetype<PairValue>(0), loss, ARGS, 0);
}

/** InfoNCE's ℓ = −[log φ₊ − (1/c) log(φ₊ + Σφ_k)] for squared distances dPos and f64[m] at dNegPtr. */
export function infoNceLossValue(dPos: f64, dNegPtr: usize, m: i32, c: f64): f64 {
  const phiPos = 1 / (1 + dPos);
  let total = phiPos;
  for (let r = 0; r < m; r++) total += 1 / (1 + load<f64>(dNegPtr + (<usize>r << 3)));
  return -(Math.log(phiPos) - Math.log(total) / c);
}
