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
