// Our library in the runner: the public `embed` from the built dist/, phases from its progress stages.

const STAGES = ["pca", "knn", "graph", "init", "early-exaggeration", "optimize"];

export async function run(data, spec, clock) {
  const lib = await import("../../dist/index.js");
  if (typeof lib.embed !== "function") {
    const e = new Error("embed is not exported by dist/index.js yet");
    e.code = "UNAVAILABLE";
    throw e;
  }
  const options = { seed: spec.seed, ...spec.options };
  const info = {};
  if (typeof lib.coreInfo === "function") info.core = await lib.coreInfo({ threads: options.threads });
  clock.stage("setup"); // validation and copying into the core, until the first progress call
  const handle = lib.createEmbedding(data.values, { n: data.n, dim: data.dim, ...options });
  const embedding = await handle.run({
    onProgress: (fraction, stage) => clock.stage(STAGES.includes(stage) ? stage : `other:${stage}`),
  });
  clock.stage("output");
  // for nanoseconds per pair update: every epoch visits each directed edge with 1 + m pairs
  info.edges = handle.knnGraph.colIndices.length;
  info.pairsPerEdge = 1 + handle.negativeSamples;
  info.epochs = options.nEpochs ?? lib.embeddingDefaults.nEpochs;
  handle.destroy();
  return { embedding, outDim: options.outDim ?? 2, info };
}
