// Embedding Atlas's UMAP (npm embedding-atlas, Rust → WASM SIMD, one thread). The package's main entry pulls
// in its UI components; the UMAP module alone loads in Node by file path. createUMAP builds the kNN (NN-descent),
// the fuzzy graph and the spectral init, reporting stages through its progress callback; run() optimises.

import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

/** Its progress stages, mapped to the benchmark's phases. */
function phaseOf(stage) {
  if (/nearest neighbors|NNDescent/i.test(stage)) return "knn";
  if (/fuzzy graph/i.test(stage)) return "graph";
  if (/initializ/i.test(stage)) return "init";
  if (/optimiz/i.test(stage)) return "optimize";
  return `other:${stage}`;
}

export async function run(data, spec, clock) {
  // the exports map hides dist/umap.js: resolve the main entry (dist/index.js) and take its sibling
  const path = require.resolve("embedding-atlas").replace(/index\.js$/, "umap.js");
  clock.stage("load");
  const { createUMAP } = await import(pathToFileURL(path).href);
  const stagesSeen = [];
  clock.stage("setup");
  const umap = await createUMAP(data.n, data.dim, 2, data.values, {
    seed: spec.seed,
    ...spec.options,
    progress: (fraction, stage) => {
      if (!stagesSeen.includes(stage)) stagesSeen.push(stage);
      clock.stage(phaseOf(stage));
    },
  });
  clock.stage("optimize");
  await umap.run();
  clock.stage("output");
  const embedding = new Float32Array(umap.embedding);
  umap.destroy();
  return { embedding, outDim: 2, info: { stagesSeen } };
}
