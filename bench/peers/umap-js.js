// umap-js 1.4.0 (plain JavaScript, CommonJS). It takes number[][] and Math.random-like `random`; phases are
// timed by wrapping the methods initializeFit calls in order: nearestNeighbors (RP trees + NN-descent), the
// fuzzy simplicial set and search graph, then the random init; the epochs run through step().

import umapJs from "umap-js";
import { mulberry32 as seeded } from "../lib/knn-data.js";

export async function run(data, spec, clock) {
  const { n, dim, values } = data;
  clock.stage("setup"); // the array-of-rows input umap-js needs
  const rows = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = Array.from(values.subarray(i * dim, (i + 1) * dim));
  const umap = new umapJs.UMAP({ random: seeded(spec.seed), ...spec.options });
  const nearestNeighbors = umap.nearestNeighbors.bind(umap);
  umap.nearestNeighbors = (x) => {
    clock.stage("knn");
    const result = nearestNeighbors(x);
    clock.stage("graph");
    return result;
  };
  const initEmbedding = umap.initializeSimplicialSetEmbedding.bind(umap);
  umap.initializeSimplicialSetEmbedding = () => {
    clock.stage("init");
    return initEmbedding();
  };
  const epochs = umap.initializeFit(rows);
  clock.stage("optimize");
  while (umap.step() < epochs) {
    // step() runs one epoch and returns the epoch count so far
  }
  clock.stage("output");
  const result = umap.getEmbedding();
  const embedding = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) embedding.set(result[i], i * 2);
  return { embedding, outDim: 2, info: { epochs } };
}
