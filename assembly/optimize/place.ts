// Placing new points against a fixed layout (the non-parametric transform, openTSNE-style). Each new point
// starts at the coordinate-wise median of its training neighbours' positions, then moves by SGD with the fit's
// loss: per epoch, for each of its k training neighbours, one positive pair and m negatives drawn as heads of
// uniformly random directed edges of the training graph (the fit's noise distribution, ∝ degree). Training
// points never move, so new points are independent of each other: any chunking, thread count or split of the
// epochs gives the same bits. Four negatives are evaluated per v128.

import { arg, argInt, argPtr, argSeed, nextChunk } from "../parallel/control";
import { draw, streamKey, uniformIndex } from "../rng";
import { LOSS_INFONCE, LOSS_NCE, LOSS_NEG, LOSS_UMAP } from "./losses";
import { NegLoss } from "./loss/neg";
import { InfoNceLoss } from "./loss/infonce";
import { UmapLoss } from "./loss/umap";

// Argument slots of TASK_PLACE.
export const ARG_P_TRAIN = 0; // f32[n × dim] the fixed training layout
export const ARG_P_N = 1;
export const ARG_P_DIM = 2;
export const ARG_P_EDGES = 3; // i32[2 × E] the training graph's directed edges (head, tail)
export const ARG_P_EDGE_COUNT = 4;
export const ARG_P_Y = 5; // f32[rows × dim] the new points, updated in place
export const ARG_P_ROWS = 6;
export const ARG_P_NEIGHBOURS = 7; // i32[rows × k] training neighbours of each new point
export const ARG_P_K = 8;
export const ARG_P_LOSS = 9; // NCE places with its learned Z fixed: the estimator of "neg" at that ξ'
export const ARG_P_XI = 10;
export const ARG_P_NEGATIVES = 11;
export const ARG_P_EPOCH_BEGIN = 12;
export const ARG_P_EPOCH_END = 13;
export const ARG_P_EPOCHS = 14; // epochs of the whole placement (the learning rate decays linearly over them)
export const ARG_P_LEARNING_RATE = 15;
export const ARG_P_SEED = 16;
export const ARG_P_CLAMP = 17;
export const ARG_P_C = 18;
export const ARG_P_SCRATCH = 19; // f32[threads × dim]: one point's gradient per thread
export const ARG_P_CHUNK_ROWS = 20;

/** The gradient of each coordinate is clipped to ±4, as the optimiser clips a batch's (SPEC §2). */
const CLIP: f32 = 4;
/** Separates the placement's random stream from the fit's phases. */
const PLACE_STREAM: u64 = 0x706c616365;

// @ts-ignore: decorator
@inline function squaredDistance(a: usize, b: usize, dim: i32): f32 {
  let s: f32 = 0;
  for (let d = 0; d < dim; d++) {
    const t = load<f32>(a + (<usize>d << 2)) - load<f32>(b + (<usize>d << 2));
    s += t * t;
  }
  return s;
}

// @ts-ignore: decorator
@inline function addScaled(g: usize, coef: f32, yi: usize, yj: usize, dim: i32): void {
  for (let d = 0; d < dim; d++) {
    const p = g + (<usize>d << 2);
    store<f32>(p, load<f32>(p) + coef * (load<f32>(yi + (<usize>d << 2)) - load<f32>(yj + (<usize>d << 2))));
  }
}

/** The training row of the r-th negative of draw stream position `counter`. */
// @ts-ignore: decorator
@inline function negativeRow(key: u64, counter: u64, edges: usize, edgeCount: i32): i32 {
  const e = uniformIndex(draw(key, counter), <u32>edgeCount);
  return load<i32>(edges + (<usize>e << 3));
}

function placeRows<L>(loss: L, ctrl: usize, thread: i32, begin: i32, end: i32): void {
  const train = argPtr(ctrl, ARG_P_TRAIN), dim = argInt(ctrl, ARG_P_DIM);
  const edges = argPtr(ctrl, ARG_P_EDGES), edgeCount = argInt(ctrl, ARG_P_EDGE_COUNT);
  const y = argPtr(ctrl, ARG_P_Y), rows = argInt(ctrl, ARG_P_ROWS);
  const nbrs = argPtr(ctrl, ARG_P_NEIGHBOURS), k = argInt(ctrl, ARG_P_K), m = argInt(ctrl, ARG_P_NEGATIVES);
  const epochBegin = argInt(ctrl, ARG_P_EPOCH_BEGIN), epochEnd = argInt(ctrl, ARG_P_EPOCH_END), epochs = argInt(ctrl, ARG_P_EPOCHS);
  const rate = <f32>arg(ctrl, ARG_P_LEARNING_RATE);
  const xiV = f32x4.splat(<f32>arg(ctrl, ARG_P_XI)), clampV = f32x4.splat(<f32>arg(ctrl, ARG_P_CLAMP));
  const c = <f32>arg(ctrl, ARG_P_C);
  const key = streamKey(argSeed(ctrl, ARG_P_SEED), PLACE_STREAM);
  const g = argPtr(ctrl, ARG_P_SCRATCH) + ((<usize>thread * <usize>dim) << 2);
  const rowBytes = <usize>dim << 2;
  for (let i = begin; i < end; i++) {
    const yi = y + <usize>i * rowBytes;
    for (let e = epochBegin; e < epochEnd; e++) {
      const lr = rate * (1 - <f32>e / <f32>epochs);
      for (let t = 0; t < k; t++) {
        const j = load<i32>(nbrs + ((<usize>i * <usize>k + <usize>t) << 2));
        if (j < 0) continue;
        const yj = train + <usize>j * rowBytes;
        const base = ((<u64>e * <u64>rows + <u64>i) * <u64>k + <u64>t) * <u64>m;
        const dPos = f32x4.splat(squaredDistance(yi, yj, dim));
        // InfoNCE: the head's normaliser S = φ₊ + Σφ_k over its negatives first, as norm = 1/(cS)
        let norm = f32x4.splat(0);
        if (loss.normalised()) {
          let s = f32x4.extract_lane(loss.kernel(dPos), 0);
          for (let r = 0; r < m; r++) {
            const q = negativeRow(key, base + <u64>r, edges, edgeCount);
            s += f32x4.extract_lane(loss.kernel(f32x4.splat(squaredDistance(yi, train + <usize>q * rowBytes, dim))), 0);
          }
          norm = f32x4.splat(1 / (c * s));
        }
        for (let d = 0; d < dim; d++) store<f32>(g + (<usize>d << 2), 0);
        addScaled(g, 2 * f32x4.extract_lane(loss.attraction(dPos, xiV, clampV, norm), 0), yi, yj, dim);
        for (let r = 0; r < m; r += 4) {
          const q0 = negativeRow(key, base + <u64>r, edges, edgeCount);
          const q1 = r + 1 < m ? negativeRow(key, base + <u64>(r + 1), edges, edgeCount) : q0;
          const q2 = r + 2 < m ? negativeRow(key, base + <u64>(r + 2), edges, edgeCount) : q0;
          const q3 = r + 3 < m ? negativeRow(key, base + <u64>(r + 3), edges, edgeCount) : q0;
          const p0 = train + <usize>q0 * rowBytes, p1 = train + <usize>q1 * rowBytes;
          const p2 = train + <usize>q2 * rowBytes, p3 = train + <usize>q3 * rowBytes;
          let dv = f32x4.splat(squaredDistance(yi, p0, dim));
          dv = f32x4.replace_lane(dv, 1, squaredDistance(yi, p1, dim));
          dv = f32x4.replace_lane(dv, 2, squaredDistance(yi, p2, dim));
          dv = f32x4.replace_lane(dv, 3, squaredDistance(yi, p3, dim));
          const coef = f32x4.mul(f32x4.splat(2), loss.repulsion(dv, xiV, clampV, norm));
          addScaled(g, f32x4.extract_lane(coef, 0), yi, p0, dim);
          if (r + 1 < m) addScaled(g, f32x4.extract_lane(coef, 1), yi, p1, dim);
          if (r + 2 < m) addScaled(g, f32x4.extract_lane(coef, 2), yi, p2, dim);
          if (r + 3 < m) addScaled(g, f32x4.extract_lane(coef, 3), yi, p3, dim);
        }
        for (let d = 0; d < dim; d++) {
          const gd = min(CLIP, max(-CLIP, load<f32>(g + (<usize>d << 2))));
          const p = yi + (<usize>d << 2);
          store<f32>(p, load<f32>(p) - lr * gd);
        }
      }
    }
  }
}

function placeChunks<L>(loss: L, ctrl: usize, thread: i32): void {
  const rows = argInt(ctrl, ARG_P_ROWS), chunkRows = argInt(ctrl, ARG_P_CHUNK_ROWS);
  for (let ch = nextChunk(ctrl); ch >= 0; ch = nextChunk(ctrl)) {
    const b = ch * chunkRows;
    placeRows<L>(loss, ctrl, thread, b, min(rows, b + chunkRows));
  }
}

export function placeTask(ctrl: usize, thread: i32): void {
  const loss = argInt(ctrl, ARG_P_LOSS);
  if (loss == LOSS_NEG || loss == LOSS_NCE) placeChunks<NegLoss>(changetype<NegLoss>(0), ctrl, thread);
  else if (loss == LOSS_INFONCE) placeChunks<InfoNceLoss>(changetype<InfoNceLoss>(0), ctrl, thread);
  else if (loss == LOSS_UMAP) placeChunks<UmapLoss>(changetype<UmapLoss>(0), ctrl, thread);
  else unreachable(); // a loss id the core does not know
}

/**
 * Initial positions of new points: each coordinate the median of its neighbours' (the mean of the two middle
 * values for even k), or their mean when `useMean`. Sequential: O(rows · k · dim).
 */
export function placeInitial(train: usize, dim: i32, nbrs: usize, k: i32, rows: i32, y: usize, scratch: usize, useMean: bool): void {
  for (let i = 0; i < rows; i++) {
    for (let d = 0; d < dim; d++) {
      let count = 0;
      for (let t = 0; t < k; t++) {
        const j = load<i32>(nbrs + ((<usize>i * <usize>k + <usize>t) << 2));
        if (j < 0) continue;
        // insertion into the sorted scratch
        const v = load<f32>(train + ((<usize>j * <usize>dim + <usize>d) << 2));
        let p = count++;
        while (p > 0 && load<f32>(scratch + (<usize>(p - 1) << 2)) > v) {
          store<f32>(scratch + (<usize>p << 2), load<f32>(scratch + (<usize>(p - 1) << 2)));
          p--;
        }
        store<f32>(scratch + (<usize>p << 2), v);
      }
      let out: f32 = 0;
      if (useMean) {
        for (let t = 0; t < count; t++) out += load<f32>(scratch + (<usize>t << 2));
        out /= <f32>max(1, count);
      } else if (count > 0) {
        const h = count >> 1;
        out = count & 1 ? load<f32>(scratch + (<usize>h << 2)) : (load<f32>(scratch + (<usize>(h - 1) << 2)) + load<f32>(scratch + (<usize>h << 2))) / 2;
      }
      store<f32>(y + ((<usize>i * <usize>dim + <usize>d) << 2), out);
    }
  }
}
