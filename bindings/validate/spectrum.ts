// The slider s moves Neg-t-SNE's Z̄ log-linearly from Z_t = 100·n (s = 0, t-SNE-like) to Z_u = n(n−1)/m
// (s = 1, the UMAP point; SPEC §2). With more than (n − 1)/100 negatives per edge Z_u falls below Z_t: the
// whole slider then lies beyond the UMAP point and runs backwards (s = 0 is the most UMAP-like end). That is a
// legal setting but almost never what was meant, so it is reported, not refused.

import { LOSSES, type Loss } from "../loss/table.ts";

/** Warns (one sentence) when loss "neg" on the slider has so many negatives that s runs backwards. */
export function checkSpectrumDirection(
  p: { loss: Loss; zBar?: number; negativeSamples: number },
  n: number,
  warn: (message: string) => void,
): void {
  if (LOSSES[p.loss].target !== "zBar" || p.zBar !== undefined) return;
  const m = p.negativeSamples, zT = 100 * n, zU = (n * (n - 1)) / m;
  if (zU >= zT) return;
  warn(
    `negativeSamples = ${m} is more than (n − 1)/100 = ${((n - 1) / 100).toFixed(2)} for n = ${n}: the slider s then ` +
      `runs backwards (Z̄ at s = 1 is n(n − 1)/m = ${zU.toPrecision(3)}, below Z̄ = 100·n = ${zT} at s = 0, so s = 0 ` +
      `is the more UMAP-like end); use at most ${Math.max(1, Math.floor((n - 1) / 100))} negatives on this data, or give zBar`,
  );
}
