// Loss values, exported so that tests can compare the analytic derivatives the optimiser uses
// (losses.ts, infonce.ts) with finite differences of these values. Not used by the optimiser itself.

import { LOSS_UMAP, UMAP_EPSILON } from "./losses";

/** ℓ of one pair at squared distance d: positive (an edge) or negative (a noise pair), for neg/nce/umap. */
export function pairLossValue(loss: i32, positive: bool, d: f64, xi: f64): f64 {
  const u = 1 + d;
  if (loss == LOSS_UMAP) {
    return positive ? Math.log(u) : -Math.log((d + <f64>UMAP_EPSILON) / u);
  }
  const e = 1 / (1 + xi * u);
  return positive ? -Math.log(e) : -Math.log(1 - e);
}

/** InfoNCE's ℓ = −[log φ₊ − (1/c) log(φ₊ + Σφ_k)] for squared distances dPos and f64[m] at dNegPtr. */
export function infoNceLossValue(dPos: f64, dNegPtr: usize, m: i32, c: f64): f64 {
  const phiPos = 1 / (1 + dPos);
  let total = phiPos;
  for (let r = 0; r < m; r++) total += 1 / (1 + load<f64>(dNegPtr + (<usize>r << 3)));
  return -(Math.log(phiPos) - Math.log(total) / c);
}
