// The slider s moves Neg-t-SNE's Z̄ log-linearly from Z_t = 100·n (s = 0, t-SNE-like) to Z_u = n(n−1)/5 (s = 1,
// the UMAP point; SPEC §2), whatever the number of negatives. On n ≤ 501 points Z_u ≤ Z_t: the slider then
// runs backwards (s = 0 is the more UMAP-like end), however many negatives are used. That is a legal setting but
// not what s promises, so a caller who places a layout by s on such data is told; zBar places it directly.

import { zBarAt } from "../embedding/spectrum.ts";
import { LOSSES, type Loss } from "../loss/table.ts";

/** Warns (one sentence) when a loss placed by Z̄ is placed by s on data so small that s runs backwards. */
export function checkSpectrumDirection(p: { loss: Loss; zBar?: number }, n: number, warn: (message: string) => void): void {
  if (LOSSES[p.loss].target !== "zBar" || p.zBar !== undefined) return;
  const zT = zBarAt(0, n), zU = zBarAt(1, n);
  if (zU > zT) return;
  warn(
    `on n = ${n} points s runs backwards: Z̄ at s = 1 (UMAP's n(n − 1)/5 = ${zU.toPrecision(3)}) is not ` +
      `above Z̄ at s = 0 (100·n = ${zT}), which needs n > 501; give zBar to place the layout directly`,
  );
}

// The range the maths allows on given data. Neg-t-SNE's estimator is 1/(1 + ξ'(1 + D)) with ξ' = m·Z̄/(n(n − 1)):
// the layout spreads until ξ'·D ≈ 1, so its width grows as 1/ξ' (measured: ξ' = 1e-4 → 8e3, 1e-8 → 8e7, 1e-16 →
// 4e14). Below ξ' = 1e-6 a layout leaves the ±1e6 where f32 distances keep their precision (and that a layout
// given as init may have); above 1e30, ξ'(1 + D) overflows f32. InfoNCE's c below ~1e-38 is 0 in f32 (NaN).

/** ξ' of "neg" outside this range is refused; inside but beyond the warning bounds it is reported. */
export const XI_RANGE = [1e-6, 1e30] as const;
/** ξ' below this makes a layout ≳ 1e4 wide; above this, past the UMAP point by 10^6, the layout no longer changes. */
export const XI_WARN = [1e-4, 1e6] as const;
/** InfoNCE's c, given or 4^s. */
export const C_RANGE = [1e-20, 1e20] as const;

const fmt = (x: number) => x.toPrecision(3);

/** A bound as people write it: 1e-6, 1e20, 100. */
export function formatBound(x: number): string {
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? x.toExponential().replace("e+", "e") : String(x);
}

/**
 * Refuses settings whose ξ' (neg) or c (infonce) lies outside what f32 computes, naming the option and the
 * range it has on this data; with `warn`, reports settings that give a degenerate layout (extreme s or zBar).
 */
export function checkSpectrumBounds(
  p: { loss: string; s: number; zBar?: number; c?: number; negativeSamples: number },
  n: number,
  fail: (message: string) => never,
  warn?: (message: string) => void,
): void {
  if (p.loss === "infonce") {
    const c = p.c ?? Math.pow(4, p.s);
    if (c >= C_RANGE[0] && c <= C_RANGE[1]) return;
    const range = `[${Math.log(C_RANGE[0]) / Math.log(4)}, ${Math.log(C_RANGE[1]) / Math.log(4)}]`.replace(/(\.\d\d)\d+/g, "$1");
    fail(`s = ${p.s} gives InfoNCE's c = 4^s = ${fmt(c)}, outside [${formatBound(C_RANGE[0])}, ${formatBound(C_RANGE[1])}]: with loss "infonce" s must lie in ${range}`);
  }
  if (p.loss !== "neg") return;
  const m = p.negativeSamples, pairs = n * (n - 1);
  const xiT = (100 * m * n) / pairs, ratio = (n - 1) / (100 * m); // ξ' at s = 0, and ξ'(s) = ξ'_t · ratio^s
  const xi = p.zBar !== undefined ? (m * p.zBar) / pairs : xiT * Math.pow(ratio, p.s);
  const setting = p.zBar !== undefined ? `zBar = ${p.zBar}` : `s = ${p.s}`;
  const rangeOf = (lo: number, hi: number) => {
    if (p.zBar !== undefined) return `zBar must lie in [${fmt((lo * pairs) / m)}, ${fmt((hi * pairs) / m)}]`;
    if (ratio === 1) return "every s gives the same ξ'";
    const a = Math.log(lo / xiT) / Math.log(ratio), b = Math.log(hi / xiT) / Math.log(ratio);
    return `s must lie in [${fmt(Math.max(-100, Math.min(a, b)))}, ${fmt(Math.min(100, Math.max(a, b)))}]`;
  };
  const on = `on n = ${n} points with ${m} negatives`;
  if (!(xi >= XI_RANGE[0] && xi <= XI_RANGE[1])) {
    fail(`${setting} gives ξ' = ${fmt(xi)} ${on}, outside [${formatBound(XI_RANGE[0])}, ${formatBound(XI_RANGE[1])}] (the layout would leave f32's precision): ${rangeOf(...XI_RANGE)}`);
  }
  if (!warn) return;
  if (xi < XI_WARN[0]) {
    warn(`${setting} gives ξ' = ${fmt(xi)} ${on}: the layout will be about ${fmt(1 / xi)} wide (${rangeOf(XI_WARN[0], XI_RANGE[1])} for a layout under 1e4)`);
  } else if (xi > XI_WARN[1]) {
    warn(`${setting} gives ξ' = ${fmt(xi)} ${on}, 10^6 past the UMAP point (ξ' = 1): the layout no longer changes with it`);
  }
}
