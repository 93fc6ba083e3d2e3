// What the app computes: embed() of its fixed rows, the same fit through a handle, which reports the build and
// thread count it ran on, and the rows' neighbours by knn "hnsw" (hnswlib-wasm, which the package imports on
// first use: a bundle must carry it). Shared by the page (main.js) and the runtimes' scripts, so results
// compare bit for bit.
import { COLUMNS, rows } from "./rows.js";
import { base64 } from "./fixture.js";

/** `cne` is the imported package. */
export async function compute(cne, threads) {
  const warnings = [];
  const options = { dim: COLUMNS, nEpochs: 20, seed: 7, threads, onWarning: (m) => warnings.push(m) };
  const y = await cne.embed(rows(), options);
  const handle = cne.createEmbedding(rows(), options);
  try {
    const again = await handle.run();
    const hnsw = await cne.knn(rows(), { dim: COLUMNS, k: 10, method: "hnsw", seed: 7, onWarning: options.onWarning });
    return { runtime: handle.runtime, warnings, embedding: base64(y), run: base64(again), hnsw: base64(hnsw.indices) };
  } finally {
    handle.destroy();
  }
}
