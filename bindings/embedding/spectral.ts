// Spectral initial layout: Laplacian eigenmaps of the kNN graph, computed in the core.

import type { Core } from "../core/core.ts";
import { fail } from "../errors.ts";
import type { GraphBuffers } from "./graph.ts";
import type { OptimizerState } from "./optimizer.ts";
import type { StageControl } from "../options/common.ts";

/** Subspace iterations: enough for a stable layout on graphs of up to ~10^5 points (a few hundred ms at 70k). */
const SPECTRAL_ITERATIONS = 200;

export async function spectralLayout(core: Core, graph: GraphBuffers, st: OptimizerState, seed: number, ctl: StageControl): Promise<void> {
  const kernels = core.kernels;
  const mark = core.mark();
  const v = core.alloc(st.n * st.dim * 8);
  const w = core.alloc(st.n * st.dim * 8);
  const status = kernels.spectralLayoutKernel(
    graph.rowPtr, graph.colPtr, st.n, st.dim, SPECTRAL_ITERATIONS, v, w, st.yPtr, seed,
  );
  core.reset(mark);
  if (status < 0) fail("the kNN graph has an isolated point: a spectral init is not defined");
  ctl.report(0.5, "init");
}
