// A random-projection tree that is kept (unlike the forest of knn/rpforest.ts, which only lists its leaves), so
// that new rows can be routed to a leaf: the graph search of query rows (knn/graph_query.ts) starts from the
// reference rows of the query's leaf, rows near it even when the neighbour graph falls apart into pieces (well
// separated clusters), as PyNNDescent's query starts from its search tree. Splits as in rpforest.ts: by the
// hyperplane halfway between two random rows of the node, every draw keyed by (seed, node).
//
// Layout (all in caller memory):
//   nodes: i32[maxNodes × 2] per node (a, b): an inner node has a = left child, b = right child (both > 0);
//          a leaf has a = −1 − (start of its rows in perm), b = its row count.
//   offsets: f32[maxNodes]; normals: f32[maxNodes × stride] (inner nodes only).
//   perm: i32[n], the rows in leaf order. scratch: i32[n].
// Node 0 is the root; there are at most searchTreeMaxNodes(n, leafSize) nodes.

import { draw, seedOf, streamKey, uniformIndex } from "../rng";
import { dot } from "../util/simd";

/** Stream of the search tree's draws, apart from the forest's and NN-descent's. */
const SEARCH_TREE_STREAM: u64 = 0x7365617263680000; // "search"
/** Past this depth a node is split in half by position: bounds the recursion on degenerate data. */
const MAX_PROJECTION_DEPTH: i32 = 40;

let nodeCount: i32 = 0;
let maxNodes: i32 = 0;

function split(
  data: usize, stride: i32, leafSize: i32, key: u64, perm: usize, scratch: usize,
  nodes: usize, offsets: usize, normals: usize, node: i32, begin: i32, end: i32, depth: i32,
): void {
  const count = end - begin;
  const rec = nodes + (<usize>node << 3);
  if (count <= leafSize || nodeCount + 2 > maxNodes) {
    store<i32>(rec, -1 - begin);
    store<i32>(rec + 4, count);
    return;
  }
  const rowBytes = <usize>stride << 2;
  const normal = normals + <usize>node * rowBytes;
  let mid = begin + (count >> 1);
  let offset: f32 = 0;
  memory.fill(normal, 0, rowBytes);
  if (depth < MAX_PROJECTION_DEPTH) {
    const nodeKey = streamKey(key, u64(node));
    const ia = <i32>uniformIndex(draw(nodeKey, 0), <u32>count);
    let ic = <i32>uniformIndex(draw(nodeKey, 1), <u32>(count - 1));
    if (ic >= ia) ic++;
    const a = data + <usize>load<i32>(perm + (<usize>(begin + ia) << 2)) * rowBytes;
    const c = data + <usize>load<i32>(perm + (<usize>(begin + ic) << 2)) * rowBytes;
    for (let o: usize = 0; o < rowBytes; o += 16) v128.store(normal + o, f32x4.sub(v128.load(a + o), v128.load(c + o)));
    offset = (dot(a, a, stride) - dot(c, c, stride)) * 0.5;
    // rows with a positive margin first; rows on the hyperplane go right, as a routed query does
    let kept = begin, moved = 0;
    for (let p = begin; p < end; p++) {
      const row = load<i32>(perm + (<usize>p << 2));
      if (dot(data + <usize>row * rowBytes, normal, stride) - offset > 0) {
        store<i32>(perm + (<usize>kept << 2), row);
        kept++;
      } else {
        store<i32>(scratch + (<usize>moved << 2), row);
        moved++;
      }
    }
    memory.copy(perm + (<usize>kept << 2), scratch, <usize>moved << 2);
    if (kept > begin && kept < end) {
      mid = kept;
    } else {
      // every row fell on one side: split by position; a zero hyperplane routes every query right
      memory.fill(normal, 0, rowBytes);
      offset = 0;
    }
  }
  store<f32>(offsets + (<usize>node << 2), offset);
  const left = nodeCount++, right = nodeCount++;
  store<i32>(rec, left);
  store<i32>(rec + 4, right);
  split(data, stride, leafSize, key, perm, scratch, nodes, offsets, normals, left, begin, mid, depth + 1);
  split(data, stride, leafSize, key, perm, scratch, nodes, offsets, normals, right, mid, end, depth + 1);
}

/**
 * The nodes a tree of n rows may have: twice those of a balanced tree with leaves of leafSize / 2 rows. Once
 * they are used up (very unbalanced splits), the remaining nodes become leaves as they are.
 */
export function searchTreeMaxNodes(n: i32, leafSize: i32): i32 {
  return 8 * ((max(n, 1) + leafSize - 1) / max(leafSize, 2)) + 1;
}

/**
 * Builds the tree of the n reference rows at data (f32[n × stride], zero-padded). Sequential: O(n · depth ·
 * stride). Returns the number of nodes.
 */
export function searchTreeBuild(
  data: usize, n: i32, stride: i32, leafSize: i32, seed: f64,
  perm: usize, scratch: usize, nodes: usize, offsets: usize, normals: usize,
): i32 {
  for (let i = 0; i < n; i++) store<i32>(perm + (<usize>i << 2), i);
  nodeCount = 1;
  maxNodes = searchTreeMaxNodes(n, leafSize);
  split(data, stride, max(leafSize, 2), streamKey(seedOf(seed), SEARCH_TREE_STREAM), perm, scratch, nodes, offsets, normals, 0, 0, n, 0);
  return nodeCount;
}

/**
 * The leaf a query row q falls in: returns its record's address (nodes + 8·leaf); a = −1 − start in perm,
 * b = count. A node whose hyperplane is zero (split by position) sends every query right.
 */
export function searchTreeLeaf(q: usize, stride: i32, nodes: usize, offsets: usize, normals: usize): usize {
  let node = 0;
  const rowBytes = <usize>stride << 2;
  while (true) {
    const rec = nodes + (<usize>node << 3);
    const a = load<i32>(rec);
    if (a < 0) return rec;
    const margin = dot(q, normals + <usize>node * rowBytes, stride) - load<f32>(offsets + (<usize>node << 2));
    node = margin > 0 ? a : load<i32>(rec + 4);
  }
}

/**
 * The query rows [0, rows) of queryPtr (f32[rows × stride]) in the order of the leaves they fall in, into
 * order (i32[rows]); counts: i32[maxNodes + 1] scratch; leafOf: i32[rows] scratch. Searching queries in this
 * order makes consecutive searches read nearby reference rows, which are then still in cache. Sequential,
 * stable: the same order on every run.
 */
export function searchTreeQueryOrder(
  queryPtr: usize, rows: i32, stride: i32, nodes: usize, offsets: usize, normals: usize, maxNodes: i32,
  order: usize, counts: usize, leafOf: usize,
): void {
  const rowBytes = <usize>stride << 2;
  memory.fill(counts, 0, <usize>(maxNodes + 1) << 2);
  for (let i = 0; i < rows; i++) {
    const leaf = <i32>((searchTreeLeaf(queryPtr + <usize>i * rowBytes, stride, nodes, offsets, normals) - nodes) >> 3);
    store<i32>(leafOf + (<usize>i << 2), leaf);
    const c = counts + (<usize>(leaf + 1) << 2);
    store<i32>(c, load<i32>(c) + 1);
  }
  for (let l = 0; l < maxNodes; l++) {
    const c = counts + (<usize>(l + 1) << 2);
    store<i32>(c, load<i32>(c) + load<i32>(counts + (<usize>l << 2)));
  }
  for (let i = 0; i < rows; i++) {
    const c = counts + (<usize>load<i32>(leafOf + (<usize>i << 2)) << 2);
    const at = load<i32>(c);
    store<i32>(c, at + 1);
    store<i32>(order + (<usize>at << 2), i);
  }
}
