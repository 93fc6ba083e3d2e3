// The optimiser's loop for layouts of any dimension, with the same tiles, draws, loss methods and rows (points or
// staged slots) as the 2-D kernel (planar.ts): the tile's eight heads lie coordinate by coordinate in this
// thread's scratch (structure of arrays, dim × 8 floats), so each pair distance and gradient is computed for
// eight heads at once.

import { arg, argInt, argPtr } from "../parallel/control";
import { draw, lcgNext, uniformIndex } from "../rng";
import { ARG_C, ARG_CLAMP, ARG_DIM, ARG_EDGE_COUNT, ARG_EDGES, ARG_NEGATIVES } from "./args";
import { TILE } from "./tile";

/** Bytes of one thread's scratch: heads, tails and the heads' gradients, dim × TILE floats each. */
// @ts-ignore: decorator
@inline export function anyDimScratchBytes(dim: i32): usize {
  return <usize>(3 * dim * TILE) << 2;
}

// @ts-ignore: decorator
@inline function laneSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Writes lanes (a, b) of the tile's SoA block at `block` for coordinate t into point rows, adding `sign`·value. */
function scatterLanes(grad: usize, block: usize, dim: i32, points: usize, count: i32, sign: f32): void {
  for (let l = 0; l < count; l++) {
    const row = grad + (<usize>load<i32>(points + (<usize>l << 2)) * <usize>dim << 2);
    for (let t = 0; t < dim; t++) {
      const o = row + (<usize>t << 2);
      store<f32>(o, load<f32>(o) + sign * load<f32>(block + (<usize>(t * TILE + l) << 2)));
    }
  }
}

/**
 * Squared distances of the tile's heads (SoA at `heads`) to one draw's negative: lanes in highA/highB take
 * point kHigh (slot q + 1), the others kLow (slot q), as tile.ts says. Stored as two v128 (lanes 0–3, 4–7) at out.
 */
// @ts-ignore: decorator
@inline function negativeGaps(y: usize, dim: i32, heads: usize, kLow: i32, kHigh: i32, highA: v128, highB: v128, out: usize): void {
  const zero = f32x4.splat(0);
  let dA = zero, dB = zero;
  for (let t = 0; t < dim; t++) {
    const o = <usize>(t * TILE) << 2;
    const high = f32x4.splat(load<f32>(y + (<usize>(kHigh * dim + t) << 2)));
    const low = f32x4.splat(load<f32>(y + (<usize>(kLow * dim + t) << 2)));
    const xA = f32x4.sub(v128.load(heads + o), v128.bitselect(high, low, highA));
    const xB = f32x4.sub(v128.load(heads + o, 16), v128.bitselect(high, low, highB));
    dA = f32x4.add(dA, f32x4.mul(xA, xA)); dB = f32x4.add(dB, f32x4.mul(xB, xB));
  }
  v128.store(out, dA);
  v128.store(out, dB, 16);
}

/**
 * Gradient of this thread's share [begin, end) of one batch for any layout dimension, reading rows of y and adding
 * into rows of grad as rows.row names them (planar.ts: PointRows, BatchRows or SlotRows). scratch: this thread's
 * block of anyDimScratchBytes(dim), then i32[2·TILE] for the tile's heads and tails and f32[TILE] for negativeGaps.
 * Returns NCE's summed ∂ℓ/∂log Z (0 for the other losses).
 */
export function accumulateAnyDim<L, R>(
  loss: L, rows: R, ctrl: usize, y: usize, grad: usize, batchStart: i32, batchLength: i32, begin: i32, end: i32,
  offset: i32, key: u64, xi: f32, scratch: usize,
): f64 {
  const dim = argInt(ctrl, ARG_DIM);
  const edges = argPtr(ctrl, ARG_EDGES), edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
  const m = argInt(ctrl, ARG_NEGATIVES);
  const xiV = f32x4.splat(xi), clampV = f32x4.splat(<f32>arg(ctrl, ARG_CLAMP)), cV = f32x4.splat(<f32>arg(ctrl, ARG_C));
  const zero = f32x4.splat(0), one = f32x4.splat(1), two = f32x4.splat(2);
  const endpoints = <u32>(2 * batchLength - 1);
  const laneSlots = v128(0, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 6, 0, 0, 0);
  const blockBytes = <usize>(dim * TILE) << 2;
  const heads = scratch, tails = scratch + blockBytes, acc = scratch + 2 * blockBytes;
  const headIds = scratch + 3 * blockBytes, tailIds = headIds + (<usize>TILE << 2), gaps = tailIds + (<usize>TILE << 2);
  let logZGrad: f64 = 0;
  for (let p0 = begin; p0 < end; p0 += TILE) {
    const count = min(TILE, end - p0);
    const slot0 = (p0 - batchStart) << 1;
    for (let l = 0; l < TILE; l++) {
      const s = l < count ? slot0 + (l << 1) : slot0; // a masked lane repeats the first edge and receives zeros
      const h = rows.row(edges, edgeCount, offset, batchStart, s), tl = rows.row(edges, edgeCount, offset, batchStart, s + 1);
      store<i32>(headIds + (<usize>l << 2), h);
      store<i32>(tailIds + (<usize>l << 2), tl);
      for (let t = 0; t < dim; t++) {
        const o = <usize>(t * TILE + l) << 2;
        store<f32>(heads + o, load<f32>(y + (<usize>(h * dim + t) << 2)));
        store<f32>(tails + o, load<f32>(y + (<usize>(tl * dim + t) << 2)));
      }
    }
    const countV = i32x4.splat(count);
    const validA = i32x4.lt_s(v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0), countV);
    const validB = i32x4.lt_s(v128(4, 0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0), countV);
    const slotsA = i32x4.add(i32x4.splat(slot0), laneSlots), slotsB = i32x4.add(i32x4.splat(slot0 + 8), laneSlots);
    const tileStream = draw(key, <u64>p0);

    // positives first (their distances also seed InfoNCE's normaliser)
    let dPosA = zero, dPosB = zero;
    for (let t = 0; t < dim; t++) {
      const o = <usize>(t * TILE) << 2;
      const dA = f32x4.sub(v128.load(heads + o), v128.load(tails + o));
      const dB = f32x4.sub(v128.load(heads + o, 16), v128.load(tails + o, 16));
      dPosA = f32x4.add(dPosA, f32x4.mul(dA, dA)); dPosB = f32x4.add(dPosB, f32x4.mul(dB, dB));
    }
    let normA = zero, normB = zero;
    if (loss.normalised()) {
      let sA = loss.kernel(dPosA), sB = loss.kernel(dPosB);
      let stream = tileStream;
      for (let r = 0; r < m; r++) {
        stream = lcgNext(stream);
        const q = <i32>uniformIndex(stream, endpoints);
        const kLow = rows.row(edges, edgeCount, offset, batchStart, q);
        const kHigh = rows.row(edges, edgeCount, offset, batchStart, q + 1);
        const highA = i32x4.le_s(slotsA, i32x4.splat(q)), highB = i32x4.le_s(slotsB, i32x4.splat(q));
        negativeGaps(y, dim, heads, kLow, kHigh, highA, highB, gaps);
        const dA = v128.load(gaps), dB = v128.load(gaps, 16);
        sA = f32x4.add(sA, loss.kernel(dA)); sB = f32x4.add(sB, loss.kernel(dB));
      }
      normA = f32x4.div(one, f32x4.mul(cV, sA)); normB = f32x4.div(one, f32x4.mul(cV, sB));
    }
    let accZ = zero;
    {
      const cA = f32x4.mul(two, v128.and(loss.attraction(dPosA, xiV, clampV, normA), validA));
      const cB = f32x4.mul(two, v128.and(loss.attraction(dPosB, xiV, clampV, normB), validB));
      if (loss.learnsZ()) {
        accZ = f32x4.add(v128.and(loss.zAttraction(dPosA, xiV, clampV), validA), v128.and(loss.zAttraction(dPosB, xiV, clampV), validB));
      }
      for (let t = 0; t < dim; t++) {
        const o = <usize>(t * TILE) << 2;
        const gA = f32x4.mul(cA, f32x4.sub(v128.load(heads + o), v128.load(tails + o)));
        const gB = f32x4.mul(cB, f32x4.sub(v128.load(heads + o, 16), v128.load(tails + o, 16)));
        v128.store(acc + o, gA); v128.store(acc + o, gB, 16);
      }
      scatterLanes(grad, acc, dim, tailIds, count, -1);
    }

    // negatives: the lanes at or below slot q take slot q + 1 (tile.ts); usually all lanes take one point
    let stream = tileStream;
    for (let r = 0; r < m; r++) {
      stream = lcgNext(stream);
      const q = <i32>uniformIndex(stream, endpoints);
      const kLow = rows.row(edges, edgeCount, offset, batchStart, q);
      const kHigh = rows.row(edges, edgeCount, offset, batchStart, q + 1);
      const highA = i32x4.le_s(slotsA, i32x4.splat(q)), highB = i32x4.le_s(slotsB, i32x4.splat(q));
      negativeGaps(y, dim, heads, kLow, kHigh, highA, highB, gaps);
      const dA = v128.load(gaps), dB = v128.load(gaps, 16);
      const cA = f32x4.mul(two, v128.and(loss.repulsion(dA, xiV, clampV, normA), validA));
      const cB = f32x4.mul(two, v128.and(loss.repulsion(dB, xiV, clampV, normB), validB));
      if (loss.learnsZ()) {
        accZ = f32x4.add(accZ, f32x4.add(v128.and(loss.zRepulsion(dA, xiV, clampV), validA), v128.and(loss.zRepulsion(dB, xiV, clampV), validB)));
      }
      for (let t = 0; t < dim; t++) {
        const o = <usize>(t * TILE) << 2;
        const lowP = y + (<usize>(kLow * dim + t) << 2), highP = y + (<usize>(kHigh * dim + t) << 2);
        const nA = v128.bitselect(f32x4.splat(load<f32>(highP)), f32x4.splat(load<f32>(lowP)), highA);
        const nB = v128.bitselect(f32x4.splat(load<f32>(highP)), f32x4.splat(load<f32>(lowP)), highB);
        const gA = f32x4.mul(cA, f32x4.sub(v128.load(heads + o), nA));
        const gB = f32x4.mul(cB, f32x4.sub(v128.load(heads + o, 16), nB));
        v128.store(acc + o, f32x4.add(v128.load(acc + o), gA));
        v128.store(acc + o, f32x4.add(v128.load(acc + o, 16), gB), 16);
        // the negative's gradient, split between the two candidate points by lane
        const toHigh = laneSum(v128.and(gA, highA)) + laneSum(v128.and(gB, highB));
        const toLow = laneSum(v128.andnot(gA, highA)) + laneSum(v128.andnot(gB, highB));
        const gl = grad + (<usize>(kLow * dim + t) << 2), gh = grad + (<usize>(kHigh * dim + t) << 2);
        store<f32>(gl, load<f32>(gl) - toLow);
        store<f32>(gh, load<f32>(gh) - toHigh);
      }
    }
    scatterLanes(grad, acc, dim, headIds, count, 1);
    if (loss.learnsZ()) logZGrad += <f64>laneSum(accZ);
  }
  return logZGrad;
}
