// What every consumer computes with the installed package: kNN, embed, the createEmbedding handle, and a saved
// model read back with loadModel on a fixed 2,000-row set. Results travel as base64 so that runtimes can be compared bit for bit.
import { DIM, K, N, base64, fixtureData } from "./fixture.js";

const NEW_ROWS = 200;

/** `cne` is the imported package. */
export async function compute(cne, threads) {
  const { embed, knn, createEmbedding, coreInfo, loadModel } = cne;
  const info = await coreInfo({ threads });
  const data = fixtureData();
  const shape = { n: N, dim: DIM };
  const neighbours = await knn(data, { ...shape, k: K, threads });
  const options = { ...shape, nEpochs: 30, seed: 7, threads };
  const embedding = await embed(data, options);
  const stages = new Set();
  const handle = createEmbedding(data, options);
  // rows placed into the fitted layout, by the live handle and by the model it saves, read back here
  const newRows = data.subarray(0, NEW_ROWS * DIM);
  let run, umapPoint, transformed, reloaded, modelBytes;
  try {
    run = await handle.run({ onProgress: (_, stage) => stages.add(stage) });
    umapPoint = await handle.optimize({ s: 1, nEpochs: 10 });
    transformed = await handle.transform(newRows);
    modelBytes = handle.save();
  } finally {
    handle.destroy();
  }
  const model = await loadModel(modelBytes, { threads });
  try {
    reloaded = await model.transform(newRows);
  } finally {
    model.destroy();
  }
  return {
    build: info.build,
    threads: info.threads,
    fallback: info.fallback,
    n: N,
    indices: base64(neighbours.indices),
    distances: base64(neighbours.distances),
    embedding: base64(embedding),
    run: base64(run),
    umapPoint: base64(umapPoint),
    transformed: base64(transformed),
    reloaded: base64(reloaded),
    modelBytes: modelBytes.length,
    stages: [...stages],
  };
}
