// Random-projection forest for the initial neighbour graph of NN-descent. Each tree splits its rows
// recursively by the hyperplane halfway between two random rows (as Annoy and PyNNDescent do) until a node has
// at most `leafSize` rows. A tree is built by one thread on its own buffers, and every random choice is a draw
// keyed by (seed, tree, node), so a forest does not depend on the thread count. A metric without Euclidean
// hyperplanes (Manhattan, the binary metrics on packed bits: knn/metric.ts) splits a node by which of the two
// random rows is nearer under the metric, the same rule in its own geometry.

import { draw, mix64, streamKey, uniformIndex } from "../rng";
import { dot } from "../util/simd";
import { metricOf } from "./metric";

/** Stream ids of the forest's random draws (kept apart from NN-descent's iteration streams). */
const TREE_STREAM: u64 = 0x7472656500000000; // "tree"

/** Past this depth a node is split in half by position: bounds the recursion on degenerate data. */
const MAX_PROJECTION_DEPTH: i32 = 40;

/** Where one tree keeps its arrays; set by buildTree before the recursion (per-instance globals are fine:
 * each thread has its own instance and builds one tree at a time). */
let dataBase: usize = 0;
let rowBytes: usize = 0;
let strideFloats: i32 = 0;
let permBase: usize = 0;
let scratchBase: usize = 0;
let leafBeginBase: usize = 0;
let normalBase: usize = 0;
let leaves: i32 = 0;
let maxLeaf: i32 = 0;
let treeKey: u64 = 0;

// @ts-ignore: decorator
@inline function permAt(p: i32): i32 {
  return load<i32>(permBase + (<usize>p << 2));
}

function emitLeaf(begin: i32): void {
  store<i32>(leafBeginBase + (<usize>leaves << 2), begin);
  leaves++;
}

/**
 * Writes the hyperplane normal a - c into the scratch row and returns the offset (|a|² - |c|²) / 2, so that
 * dot(x, normal) - offset > 0 puts x on a's side.
 */
function setHyperplane(a: usize, c: usize): f32 {
  const bytes = <usize>strideFloats << 2;
  for (let o: usize = 0; o < bytes; o += 16) {
    v128.store(normalBase + o, f32x4.sub(v128.load(a + o), v128.load(c + o)));
  }
  return (dot(a, a, strideFloats) - dot(c, c, strideFloats)) * 0.5;
}

/**
 * Partitions perm[begin, end) stably: rows on the positive side first, each side keeping its order, so the
 * rows of a node stay in ascending memory order when the tree is built on reordered data. Returns the split.
 */
function partition<M>(begin: i32, end: i32, offset: f32, nodeKey: u64, a: usize, c: usize): i32 {
  let kept = begin;
  let moved = 0;
  for (let p = begin; p < end; p++) {
    const row = permAt(p);
    const x = dataBase + <usize>row * rowBytes;
    const margin = metricOf<M>().hyperplanes()
      ? dot(x, normalBase, strideFloats) - offset
      : metricOf<M>().rank(x, c, strideFloats) - metricOf<M>().rank(x, a, strideFloats);
    // rows on the hyperplane (duplicates, a zero normal) go to a side chosen by a hash of the row
    if (margin > 0 || (margin == 0 && (draw(nodeKey, u64(row)) & 1) != 0)) {
      store<i32>(permBase + (<usize>kept << 2), row);
      kept++;
    } else {
      store<i32>(scratchBase + (<usize>moved << 2), row);
      moved++;
    }
  }
  memory.copy(permBase + (<usize>kept << 2), scratchBase, <usize>moved << 2);
  return kept;
}

function split<M>(begin: i32, end: i32, depth: i32, nodeId: u64): void {
  const count = end - begin;
  if (count <= maxLeaf) {
    emitLeaf(begin);
    return;
  }
  let mid = begin + (count >> 1);
  if (depth < MAX_PROJECTION_DEPTH) {
    const nodeKey = streamKey(treeKey, nodeId);
    const ia = <i32>uniformIndex(draw(nodeKey, 0), <u32>count);
    let ic = <i32>uniformIndex(draw(nodeKey, 1), <u32>(count - 1));
    if (ic >= ia) ic++;
    const a = dataBase + <usize>permAt(begin + ia) * rowBytes;
    const c = dataBase + <usize>permAt(begin + ic) * rowBytes;
    const offset: f32 = metricOf<M>().hyperplanes() ? setHyperplane(a, c) : <f32>0;
    const at = partition<M>(begin, end, offset, nodeKey, a, c);
    if (at > begin && at < end) mid = at; // else every row fell on one side: keep the positional halves
  }
  split<M>(begin, mid, depth + 1, mix64(nodeId * 2 + 1));
  split<M>(mid, end, depth + 1, mix64(nodeId * 2 + 2));
}

/**
 * Builds tree `tree` of the forest over all n rows, split as metric M allows.
 * dataPtr: f32[n * stride], rows zero-padded to `stride` (a multiple of 4).
 * permPtr: i32[n], out: the rows in leaf order (leaf l holds perm[leafBegin[l], leafBegin[l + 1])).
 * leafBeginPtr: i32[n + 1], out: where each leaf starts in perm, then n.
 * scratchPtr: i32[n], scratch for the partitions; normalPtr: f32[stride], scratch for the hyperplane normal.
 * Returns the number of leaves.
 */
export function buildTree<M>(
  dataPtr: usize, n: i32, stride: i32, leafSize: i32, seed: u64, tree: i32,
  permPtr: usize, leafBeginPtr: usize, scratchPtr: usize, normalPtr: usize,
): i32 {
  dataBase = dataPtr;
  strideFloats = stride;
  rowBytes = <usize>stride << 2;
  permBase = permPtr;
  scratchBase = scratchPtr;
  leafBeginBase = leafBeginPtr;
  normalBase = normalPtr;
  maxLeaf = max(leafSize, 2);
  treeKey = streamKey(seed, TREE_STREAM + u64(tree));
  leaves = 0;
  for (let i = 0; i < n; i++) store<i32>(permPtr + (<usize>i << 2), i);
  split<M>(0, n, 0, 1);
  store<i32>(leafBeginPtr + (<usize>leaves << 2), n);
  return leaves;
}
