// Negatives shared by a tile of heads.
//
// SPEC §3 draws, for every head, m negatives uniformly with replacement from the 2b endpoint slots of its
// batch except the head's own slot. The kernels keep that distribution per head and change only how the draws
// of neighbouring heads relate: the TILE heads at consecutive positions of a batch share one list of m draws.
// Draw r is an index q, uniform on [0, 2b − 1); a head whose slot is above q takes slot q, a head whose slot
// is at or below q takes slot q + 1. For every head this is exactly a uniform draw over the 2b − 1 slots other
// than its own, independent across r, so each head's expected gradient is the per-head sampler's; what changes
// is that the heads of a tile see (almost always) the same negative points, so each negative's coordinates are
// loaded once and its gradient written once per tile instead of once per head. Only when q falls among the
// tile's own slots (probability < 2·TILE/2b) do the tile's heads split between two points.
//
// Tiles start at multiples of TILE from the batch start and threads take whole tiles, so the draws do not
// depend on the thread count.

import { splitBegin } from "../parallel/control";

export const TILE: i32 = 8; // heads per tile: two v128 of four lanes

/** First edge position of thread `part`'s share of the batch [batchStart, batchStart + batchLength). */
// @ts-ignore: decorator
@inline export function shareBegin(batchStart: i32, batchLength: i32, parts: i32, part: i32): i32 {
  const tiles = (batchLength + TILE - 1) / TILE;
  return batchStart + min(batchLength, splitBegin(tiles, parts, part) * TILE);
}
