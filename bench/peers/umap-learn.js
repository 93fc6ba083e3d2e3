// umap-learn (Python, numba; Debian's umap-learn package) as a peer: the runner hands the prepared data file to
// bench/peers/umap_learn.py in a child process and reads back the embedding. Phases: "setup" is the Python start
// and the imports (numba's compilation happens inside fit), "optimize" the whole fit (kNN, graph, init and layout
// are not separable from outside). Unseeded: a fixed random_state would make umap-learn single-threaded.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { datasetPaths } from "../lib/data.js";

export const PYTHON = "/usr/bin/python3";

export async function run(data, spec, clock) {
  if (!existsSync(PYTHON)) {
    const e = new Error("umap-learn is not installed (apt-get install -y umap-learn)");
    e.code = "UNAVAILABLE";
    throw e;
  }
  const out = `${spec.out}.umap-learn.f32`;
  const script = new URL("./umap_learn.py", import.meta.url).pathname;
  clock.stage("setup");
  let report;
  try {
    const stdout = execFileSync(PYTHON, [script, datasetPaths(spec.dataset).values, String(data.n), String(data.dim), out, "none"], {
      encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 26,
    });
    report = JSON.parse(stdout.trim().split("\n").pop());
  } catch (e) {
    if (/No module named 'umap'/.test(String(e.stderr ?? e))) {
      const err = new Error("umap-learn is not installed (apt-get install -y umap-learn)");
      err.code = "UNAVAILABLE";
      throw err;
    }
    throw e;
  }
  clock.stage("output");
  const bytes = readFileSync(out);
  rmSync(out, { force: true });
  const embedding = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(embedding.buffer).set(bytes);
  // the child's own phases replace the outer "setup" (its Python start-up is the difference)
  return { embedding, outDim: 2, info: { childPhases: report, childPeakRssMB: report.peakRssMB, peerVersion: report.version } };
}
