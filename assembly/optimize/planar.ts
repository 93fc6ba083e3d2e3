// The optimiser's hot loop for 2-D layouts: a tile of eight heads (two v128 of four lanes, one head per lane)
// shares one set of m negatives (tile.ts says why the noise distribution is unchanged). Each negative's
// coordinates are loaded once and evaluated against all eight heads in registers; its gradient is written
// once per tile, the heads' gradients once at the end of the tile. Generic over the loss (loss/*.ts), so each
// loss gets its own copy with its coefficients inlined, and over where a batch endpoint's row lives (Rows):
// the layout's row of its point, or its slot in a buffer staged per batch (staging.ts).

import { arg, argInt, argPtr } from "../parallel/control";
import { draw, lcgNext, uniformIndex } from "../rng";
import { ARG_C, ARG_CLAMP, ARG_EDGE_COUNT, ARG_EDGES, ARG_NEGATIVES } from "./args";
import { batchEndpoint } from "./pairs";
import { TILE } from "./tile";

/** Rows by point: endpoint slot s of the batch reads and writes the row of its point (y and grad have n rows). */
@unmanaged export class PointRows {
  // @ts-ignore: decorator
  @inline row(edges: usize, edgeCount: i32, offset: i32, batchStart: i32, slot: i32): i32 {
    return batchEndpoint(edges, edgeCount, offset, batchStart, slot);
  }
  /**
   * The address of the (head, tail) pair of a whole tile's first edge (slot0 even) when the tile's TILE edges lie
   * one after another in the edge list (all but a tile that straddles the end of the rotated order), else 0: then
   * the tile's endpoints are plain loads at fixed offsets from it, with no per-endpoint wrap test.
   */
  // @ts-ignore: decorator
  @inline contiguousTile(edges: usize, edgeCount: i32, offset: i32, batchStart: i32, slot0: i32): usize {
    // positions below the edge count, so e < 2·edgeCount: the tile wraps whole (e ≥ edgeCount) or not at all
    const e = batchStart + (slot0 >> 1) + offset;
    return e + TILE <= edgeCount ? edges + (<usize>e << 3) : e >= edgeCount ? edges + (<usize>(e - edgeCount) << 3) : 0;
  }
}

/**
 * Rows by point, for a batch whose edges lie one after another in the edge list (every batch of an epoch but the
 * one that straddles the end of its rotated order; pairs.ts isContiguousBatch): the caller passes the offset that
 * makes batchStart + offset the index of the batch's first edge (contiguousOffset), and endpoint slot s is the i32
 * s places after that edge's head, with no wrap test. The same rows as PointRows, so the same bits.
 */
@unmanaged export class BatchRows {
  // @ts-ignore: decorator
  @inline row(edges: usize, edgeCount: i32, offset: i32, batchStart: i32, slot: i32): i32 {
    return load<i32>(edges + (<usize>(batchStart + offset) << 3) + (<usize>slot << 2));
  }
  // @ts-ignore: decorator
  @inline contiguousTile(edges: usize, edgeCount: i32, offset: i32, batchStart: i32, slot0: i32): usize {
    return edges + (<usize>(batchStart + offset) << 3) + (<usize>slot0 << 2);
  }
}

/** Rows by slot: endpoint slot s reads and writes row s of buffers staged for the batch (2b rows, staging.ts). */
@unmanaged export class SlotRows {
  // @ts-ignore: decorator
  @inline row(edges: usize, edgeCount: i32, offset: i32, batchStart: i32, slot: i32): i32 {
    return slot;
  }
  /** Slots need no edge lookup (see PointRows). */
  // @ts-ignore: decorator
  @inline contiguousTile(edges: usize, edgeCount: i32, offset: i32, batchStart: i32, slot0: i32): usize {
    return 0;
  }
}

// @ts-ignore: decorator
@inline function splatX(y: usize, k: i32): v128 { return v128.load32_splat(y + (<usize>k << 3)); }
// @ts-ignore: decorator
@inline function splatY(y: usize, k: i32): v128 { return v128.load32_splat(y + (<usize>k << 3) + 4); }

/** (Σ lanes of gx, Σ lanes of gy) in lanes 0 and 1. */
// @ts-ignore: decorator
@inline function sumPairs(gx: v128, gy: v128): v128 {
  const s = f32x4.add(v128.shuffle<f32>(gx, gy, 0, 4, 1, 5), v128.shuffle<f32>(gx, gy, 2, 6, 3, 7));
  return f32x4.add(s, v128.shuffle<f32>(s, s, 2, 3, 0, 1));
}

// @ts-ignore: decorator
@inline function addPoint(grad: usize, k: i32, g: v128): void {
  const p = grad + (<usize>k << 3);
  v128.store64_lane(p, f32x4.add(v128.load64_zero(p), g), 0);
}

/**
 * Adds a tile's eight (x, y) gradients into the rows of its eight points: lo and hi of lanes A (points 0–3) and
 * B (points 4–7) each hold two points' (x, y), the first in their low half.
 */
// @ts-ignore: decorator
@inline function addTile(
  grad: usize, p0: i32, p1: i32, p2: i32, p3: i32, p4: i32, p5: i32, p6: i32, p7: i32,
  loA: v128, hiA: v128, loB: v128, hiB: v128,
): void {
  addPoint(grad, p0, loA);
  addPoint(grad, p1, v128.shuffle<f32>(loA, loA, 2, 3, 0, 1));
  addPoint(grad, p2, hiA);
  addPoint(grad, p3, v128.shuffle<f32>(hiA, hiA, 2, 3, 0, 1));
  addPoint(grad, p4, loB);
  addPoint(grad, p5, v128.shuffle<f32>(loB, loB, 2, 3, 0, 1));
  addPoint(grad, p6, hiB);
  addPoint(grad, p7, v128.shuffle<f32>(hiB, hiB, 2, 3, 0, 1));
}

/**
 * 2-D gradient of this thread's share [begin, end) of one batch (begin a multiple of TILE from batchStart),
 * reading coordinates from y and adding gradients into grad, both indexed by rows.row (PointRows: the layout
 * and a gradient buffer of n rows; SlotRows: the batch's staged slots and this thread's slot gradients).
 * Returns NCE's summed ∂ℓ/∂log Z (0 for the other losses).
 */
export function accumulatePlanar<L, R>(
  loss: L, rows: R, ctrl: usize, y: usize, grad: usize, batchStart: i32, batchLength: i32, begin: i32, end: i32,
  offset: i32, key: u64, xi: f32,
): f64 {
  const edges = argPtr(ctrl, ARG_EDGES), edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
  const m = argInt(ctrl, ARG_NEGATIVES);
  const xiV = f32x4.splat(xi), clampV = f32x4.splat(<f32>arg(ctrl, ARG_CLAMP)), cV = f32x4.splat(<f32>arg(ctrl, ARG_C));
  const zero = f32x4.splat(0), one = f32x4.splat(1), two = f32x4.splat(2), minusTwo = f32x4.splat(-2);
  const endpoints = <u32>(2 * batchLength - 1);
  const laneSlots = v128(0, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 6, 0, 0, 0); // i32x4 (0, 2, 4, 6): 2 slots per edge
  let logZGrad: f64 = 0;
  for (let p0 = begin; p0 < end; p0 += TILE) {
    const count = min(TILE, end - p0);
    // the tile's heads and tails, lane by lane (lane l: slots slot0 + 2l and slot0 + 2l + 1); lanes past
    // `count` repeat the first edge and are masked off
    const slot0 = (p0 - batchStart) << 1, lastSlot = slot0 + ((count - 1) << 1);
    const tile = count == TILE ? rows.contiguousTile(edges, edgeCount, offset, batchStart, slot0) : 0;
    let h0: i32, t0: i32, h1: i32, t1: i32, h2: i32, t2: i32, h3: i32, t3: i32;
    let h4: i32, t4: i32, h5: i32, t5: i32, h6: i32, t6: i32, h7: i32, t7: i32;
    if (tile != 0) {
      // the common case: eight whole edges in a row, (head, tail) i32 pairs
      h0 = load<i32>(tile, 0); t0 = load<i32>(tile, 4); h1 = load<i32>(tile, 8); t1 = load<i32>(tile, 12);
      h2 = load<i32>(tile, 16); t2 = load<i32>(tile, 20); h3 = load<i32>(tile, 24); t3 = load<i32>(tile, 28);
      h4 = load<i32>(tile, 32); t4 = load<i32>(tile, 36); h5 = load<i32>(tile, 40); t5 = load<i32>(tile, 44);
      h6 = load<i32>(tile, 48); t6 = load<i32>(tile, 52); h7 = load<i32>(tile, 56); t7 = load<i32>(tile, 60);
    } else {
      h0 = rows.row(edges, edgeCount, offset, batchStart, slot0); t0 = rows.row(edges, edgeCount, offset, batchStart, slot0 + 1);
      h1 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 1, count)); t1 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 1, count) + 1);
      h2 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 2, count)); t2 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 2, count) + 1);
      h3 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 3, count)); t3 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 3, count) + 1);
      h4 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 4, count)); t4 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 4, count) + 1);
      h5 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 5, count)); t5 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 5, count) + 1);
      h6 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 6, count)); t6 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 6, count) + 1);
      h7 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 7, count)); t7 = rows.row(edges, edgeCount, offset, batchStart, laneSlot(slot0, 7, count) + 1);
    }
    let lo = gather2(y, h0, h1), hi = gather2(y, h2, h3);
    const hxA = v128.shuffle<f32>(lo, hi, 0, 2, 4, 6), hyA = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
    lo = gather2(y, h4, h5); hi = gather2(y, h6, h7);
    const hxB = v128.shuffle<f32>(lo, hi, 0, 2, 4, 6), hyB = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
    lo = gather2(y, t0, t1); hi = gather2(y, t2, t3);
    const txA = v128.shuffle<f32>(lo, hi, 0, 2, 4, 6), tyA = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
    lo = gather2(y, t4, t5); hi = gather2(y, t6, t7);
    const txB = v128.shuffle<f32>(lo, hi, 0, 2, 4, 6), tyB = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
    const countV = i32x4.splat(count);
    const validA = i32x4.lt_s(v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0), countV);
    const validB = i32x4.lt_s(v128(4, 0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0), countV);
    // each lane's own endpoint slot in the batch (its head), to exclude it from its negatives
    const slotsA = i32x4.add(i32x4.splat(slot0), laneSlots), slotsB = i32x4.add(i32x4.splat(slot0 + 8), laneSlots);
    const tileStream = draw(key, <u64>p0);

    // InfoNCE: each head's normaliser S = φ₊ + Σφ_k first, as norm = 1/(cS)
    let normA = zero, normB = zero;
    if (loss.normalised()) {
      let sA = loss.kernel(gap(hxA, hyA, txA, tyA)), sB = loss.kernel(gap(hxB, hyB, txB, tyB));
      let stream = tileStream;
      for (let r = 0; r < m; r++) {
        stream = lcgNext(stream);
        const q = <i32>uniformIndex(stream, endpoints);
        const mixed = q >= slot0 && q < lastSlot;
        let k = rows.row(edges, edgeCount, offset, batchStart, firstSlot(q, slot0, mixed));
        let maskA = firstLanes(validA, slotsA, q, mixed), maskB = firstLanes(validB, slotsB, q, mixed);
        for (let pass = 0; pass < 2; pass++) {
          const nx = splatX(y, k), ny = splatY(y, k);
          sA = f32x4.add(sA, v128.and(loss.kernel(gap(hxA, hyA, nx, ny)), maskA));
          sB = f32x4.add(sB, v128.and(loss.kernel(gap(hxB, hyB, nx, ny)), maskB));
          if (!mixed || pass == 1) break;
          k = rows.row(edges, edgeCount, offset, batchStart, q + 1);
          maskA = v128.andnot(validA, maskA); maskB = v128.andnot(validB, maskB);
        }
      }
      normA = f32x4.div(one, f32x4.mul(cV, sA));
      normB = f32x4.div(one, f32x4.mul(cV, sB));
    }

    // positives: head ← tail, one pair per lane
    let accXA = zero, accYA = zero, accXB = zero, accYB = zero, accZ = zero;
    {
      const dxA = f32x4.sub(hxA, txA), dyA = f32x4.sub(hyA, tyA), dxB = f32x4.sub(hxB, txB), dyB = f32x4.sub(hyB, tyB);
      const dA = f32x4.add(f32x4.mul(dxA, dxA), f32x4.mul(dyA, dyA));
      const dB = f32x4.add(f32x4.mul(dxB, dxB), f32x4.mul(dyB, dyB));
      const cA = v128.and(loss.attraction(dA, xiV, clampV, normA), validA);
      const cB = v128.and(loss.attraction(dB, xiV, clampV, normB), validB);
      if (loss.learnsZ()) {
        accZ = f32x4.add(v128.and(loss.zAttraction(dA, xiV, clampV), validA), v128.and(loss.zAttraction(dB, xiV, clampV), validB));
      }
      accXA = f32x4.mul(cA, dxA); accYA = f32x4.mul(cA, dyA);
      accXB = f32x4.mul(cB, dxB); accYB = f32x4.mul(cB, dyB);
      // each tail gets −2g of its own lane (the pair gradient is 2·coefficient·(y_i − y_j); the accumulators
      // hold coefficient·(y_i − y_j), and the factor 2, exact in floating point, is applied once per write)
      const loA = v128.shuffle<f32>(accXA, accYA, 0, 4, 1, 5), hiA = v128.shuffle<f32>(accXA, accYA, 2, 6, 3, 7);
      const loB = v128.shuffle<f32>(accXB, accYB, 0, 4, 1, 5), hiB = v128.shuffle<f32>(accXB, accYB, 2, 6, 3, 7);
      const negLoA = f32x4.mul(minusTwo, loA), negHiA = f32x4.mul(minusTwo, hiA), negLoB = f32x4.mul(minusTwo, loB), negHiB = f32x4.mul(minusTwo, hiB);
      addTile(grad, t0, t1, t2, t3, t4, t5, t6, t7, negLoA, negHiA, negLoB, negHiB);
    }

    // negatives: one gather and one scatter per negative for the whole tile (of an L2-resident slot when staged)
    let stream = tileStream;
    for (let r = 0; r < m; r++) {
      stream = lcgNext(stream);
      const q = <i32>uniformIndex(stream, endpoints);
      const mixed = q >= slot0 && q < lastSlot; // rare: the draw falls among the tile's own slots
      let k = rows.row(edges, edgeCount, offset, batchStart, firstSlot(q, slot0, mixed));
      let maskA = firstLanes(validA, slotsA, q, mixed), maskB = firstLanes(validB, slotsB, q, mixed);
      for (let pass = 0; pass < 2; pass++) {
        const nx = splatX(y, k), ny = splatY(y, k);
        const dxA = f32x4.sub(hxA, nx), dyA = f32x4.sub(hyA, ny), dxB = f32x4.sub(hxB, nx), dyB = f32x4.sub(hyB, ny);
        const dA = f32x4.add(f32x4.mul(dxA, dxA), f32x4.mul(dyA, dyA));
        const dB = f32x4.add(f32x4.mul(dxB, dxB), f32x4.mul(dyB, dyB));
        const cA = v128.and(loss.repulsion(dA, xiV, clampV, normA), maskA);
        const cB = v128.and(loss.repulsion(dB, xiV, clampV, normB), maskB);
        if (loss.learnsZ()) {
          accZ = f32x4.add(accZ, f32x4.add(v128.and(loss.zRepulsion(dA, xiV, clampV), maskA), v128.and(loss.zRepulsion(dB, xiV, clampV), maskB)));
        }
        const gxA = f32x4.mul(cA, dxA), gyA = f32x4.mul(cA, dyA), gxB = f32x4.mul(cB, dxB), gyB = f32x4.mul(cB, dyB);
        accXA = f32x4.add(accXA, gxA); accYA = f32x4.add(accYA, gyA);
        accXB = f32x4.add(accXB, gxB); accYB = f32x4.add(accYB, gyB);
        addPoint(grad, k, f32x4.mul(minusTwo, sumPairs(f32x4.add(gxA, gxB), f32x4.add(gyA, gyB))));
        if (!mixed || pass == 1) break;
        // the second pass of a mixed draw: the heads at or below slot q take slot q + 1
        k = rows.row(edges, edgeCount, offset, batchStart, q + 1);
        maskA = v128.andnot(validA, maskA); maskB = v128.andnot(validB, maskB);
      }
    }

    // the heads' gradients, once per tile
    accXA = f32x4.mul(two, accXA); accYA = f32x4.mul(two, accYA); accXB = f32x4.mul(two, accXB); accYB = f32x4.mul(two, accYB);
    const loA = v128.shuffle<f32>(accXA, accYA, 0, 4, 1, 5), hiA = v128.shuffle<f32>(accXA, accYA, 2, 6, 3, 7);
    const loB = v128.shuffle<f32>(accXB, accYB, 0, 4, 1, 5), hiB = v128.shuffle<f32>(accXB, accYB, 2, 6, 3, 7);
    addTile(grad, h0, h1, h2, h3, h4, h5, h6, h7, loA, hiA, loB, hiB);
    if (loss.learnsZ()) {
      logZGrad += <f64>(f32x4.extract_lane(accZ, 0) + f32x4.extract_lane(accZ, 1) + f32x4.extract_lane(accZ, 2) + f32x4.extract_lane(accZ, 3));
    }
  }
  return logZGrad;
}

/**
 * The batch slot that draw q names (tile.ts): q for the heads above it, q + 1 for the heads at or below it. All of
 * a tile's heads lie on one side of q, except when q falls among the tile's own slots (mixed): then the heads
 * above q take slot q in a first pass, and the others slot q + 1 in a second (their lanes: valid andnot first).
 */
// @ts-ignore: decorator
@inline function firstSlot(q: i32, slot0: i32, mixed: bool): i32 {
  return mixed || q < slot0 ? q : q + 1;
}

/** The lanes (of `valid`, with their head slots in `slots`) that take the point of firstSlot. */
// @ts-ignore: decorator
@inline function firstLanes(valid: v128, slots: v128, q: i32, mixed: bool): v128 {
  return mixed ? v128.and(valid, i32x4.gt_s(slots, i32x4.splat(q))) : valid;
}

// @ts-ignore: decorator
@inline function gap(hx: v128, hy: v128, px: v128, py: v128): v128 {
  const dx = f32x4.sub(hx, px), dy = f32x4.sub(hy, py);
  return f32x4.add(f32x4.mul(dx, dx), f32x4.mul(dy, dy));
}

/** The head slot of lane `l`; a masked lane (l ≥ count) names the tile's first edge, and receives zeros. */
// @ts-ignore: decorator
@inline function laneSlot(slot0: i32, l: i32, count: i32): i32 {
  return l < count ? slot0 + (l << 1) : slot0;
}

/** (x_a, y_a, x_b, y_b). */
// @ts-ignore: decorator
@inline function gather2(y: usize, a: i32, b: i32): v128 {
  return v128.load64_lane(y + (<usize>b << 3), v128.load64_zero(y + (<usize>a << 3)), 1);
}
