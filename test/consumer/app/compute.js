// What every consumer computes with the installed package: kNN, embed and the createEmbedding handle on a fixed
// 2,000-row set. Results travel as base64 so that runtimes can be compared bit for bit.
import { DIM, K, N, base64, fixtureData } from "./fixture.js";

/** `cne` is the imported package. */
export async function compute(cne, threads) {
  const { embed, knn, createEmbedding, coreInfo } = cne;
  const info = await coreInfo({ threads });
  const data = fixtureData();
  const shape = { n: N, dim: DIM };
  const neighbours = await knn(data, { ...shape, k: K, threads });
  const options = { ...shape, nEpochs: 30, seed: 7, threads };
  const embedding = await embed(data, options);
  const stages = new Set();
  const handle = createEmbedding(data, options);
  let run, umapPoint;
  try {
    run = await handle.run({ onProgress: (_, stage) => stages.add(stage) });
    umapPoint = await handle.optimize({ s: 1, nEpochs: 10 });
  } finally {
    handle.destroy();
  }
  return {
    build: info.build,
    threads: info.threads,
    n: N,
    indices: base64(neighbours.indices),
    distances: base64(neighbours.distances),
    embedding: base64(embedding),
    run: base64(run),
    umapPoint: base64(umapPoint),
    stages: [...stages],
  };
}
