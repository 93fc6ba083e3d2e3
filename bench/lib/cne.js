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
  const embedding = await lib.embed(data.values, {
    n: data.n,
    dim: data.dim,
    ...options,
    onProgress: (fraction, stage) => clock.stage(STAGES.includes(stage) ? stage : `other:${stage}`),
  });
  clock.stage("output");
  return { embedding, outDim: options.outDim ?? 2, info };
}
