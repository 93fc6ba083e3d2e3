// t-SNE's input affinities (SPEC §7): for each point a Gaussian over its k nearest neighbours whose bandwidth
// is found by bisection so that the conditional distribution p_{j|i} has the requested perplexity (openTSNE's
// and FIt-SNE's search), or the paper's binary kNN affinities (p_{j|i} = 1/k). Rows are independent: threads
// take chunks of rows, and a row's values do not depend on who computed them.

import { arg, argInt, argPtr, nextChunk } from "../parallel/control";

// Argument slots of TASK_TSNE_AFFINITIES, written by name by the bindings (bindings/core/abi.ts: tsneAffinitiesArg).
export const ARG_TSNE_AFF_DISTANCES: i32 = 0; // f32[n × k] the kNN distances
export const ARG_TSNE_AFF_N: i32 = 1;
export const ARG_TSNE_AFF_K: i32 = 2;
export const ARG_TSNE_AFF_PERPLEXITY: i32 = 3;
export const ARG_TSNE_AFF_OUT: i32 = 4; // f32[n × k] out: the conditional p_j|i
export const ARG_TSNE_AFF_ROWS_PER_CHUNK: i32 = 5;

/** TASK_TSNE_AFFINITIES args: 0 distances f32[n·k] (ascending, Euclidean), 1 n, 2 k, 3 perplexity (0: binary),
 * 4 out f32[n·k] (p_{j|i}, row i sums to 1), 5 rows per chunk. */
export function affinityTask(ctrl: usize): void {
  const dist = argPtr(ctrl, ARG_TSNE_AFF_DISTANCES), n = argInt(ctrl, ARG_TSNE_AFF_N), k = argInt(ctrl, ARG_TSNE_AFF_K);
  const perplexity = arg(ctrl, ARG_TSNE_AFF_PERPLEXITY), out = argPtr(ctrl, ARG_TSNE_AFF_OUT), rows = argInt(ctrl, ARG_TSNE_AFF_ROWS_PER_CHUNK);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const end = min(n, (c + 1) * rows);
    for (let i = c * rows; i < end; i++) {
      const rowDist = dist + ((<usize>i * <usize>k) << 2), rowOut = out + ((<usize>i * <usize>k) << 2);
      if (perplexity > 0) conditionalRow(rowDist, k, perplexity, rowOut);
      else uniformRow(k, rowOut);
    }
  }
}

function uniformRow(k: i32, out: usize): void {
  const v = <f32>(1.0 / <f64>k);
  for (let t = 0; t < k; t++) store<f32>(out + (<usize>t << 2), v);
}

/** Bisection steps at most, and the tolerance on the entropy (nats), as FIt-SNE's (openTSNE's is 1e-8: more steps,
 * the same layouts to the eye). */
const MAX_STEPS = 200;
const ENTROPY_TOLERANCE: f64 = 1e-5;

/**
 * p_{j|i} ∝ exp(−β (d_j² − d_1²)) over the row's k distances, β chosen by bisection so that the entropy
 * H = −Σ p log p equals log(perplexity). Subtracting the nearest squared distance leaves p unchanged and keeps
 * the largest term at 1, so no row underflows to all zeros. Returns the entropy reached.
 */
export function conditionalRow(dist: usize, k: i32, perplexity: f64, out: usize): f64 {
  const target = Math.log(perplexity);
  const d0 = <f64>load<f32>(dist);
  const base = d0 * d0;
  let beta: f64 = 1, lo: f64 = 0, hi: f64 = Infinity;
  let entropy: f64 = 0;
  for (let step = 0; step < MAX_STEPS; step++) {
    let sum: f64 = 0, weighted: f64 = 0;
    for (let t = 0; t < k; t++) {
      const d = <f64>load<f32>(dist + (<usize>t << 2));
      const e = d * d - base;
      const p = Math.exp(-beta * e);
      sum += p;
      weighted += e * p;
    }
    // H = log Σ + β · E_p[e]
    entropy = Math.log(sum) + beta * weighted / sum;
    const gap = entropy - target;
    if (Math.abs(gap) < ENTROPY_TOLERANCE) break;
    if (gap > 0) {
      lo = beta;
      beta = hi == Infinity ? beta * 2 : (beta + hi) / 2;
    } else {
      hi = beta;
      beta = (beta + lo) / 2;
    }
  }
  let sum: f64 = 0;
  for (let t = 0; t < k; t++) {
    const d = <f64>load<f32>(dist + (<usize>t << 2));
    sum += Math.exp(-beta * (d * d - base));
  }
  for (let t = 0; t < k; t++) {
    const d = <f64>load<f32>(dist + (<usize>t << 2));
    store<f32>(out + (<usize>t << 2), <f32>(Math.exp(-beta * (d * d - base)) / sum));
  }
  return entropy;
}
