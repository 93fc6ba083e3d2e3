// The initial layout (SPEC §1.5): PCA (default), Gaussian, spectral, or the caller's array; each rescaled so
// that the first coordinate has standard deviation 1.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { fail } from "../errors.ts";
import type { StageControl } from "../options/common.ts";
import { pcaScores } from "../pca/index.ts";
import type { GraphBuffers } from "./graph.ts";
import type { OptimizerState } from "./optimizer.ts";
import type { ResolvedParams } from "./params.ts";
import { spectralLayout } from "./spectral.ts";
import { checkFiniteLayout } from "../validate/finite.ts";

export async function initialLayout(
  core: Core, p: ResolvedParams, data: CoreMatrix, search: CoreMatrix, graph: GraphBuffers, st: OptimizerState, ctl: StageControl,
): Promise<void> {
  const kernels = core.kernels;
  const { n, dim } = st;
  ctl.report(0, "init");
  if (p.init instanceof Float32Array) {
    core.f32(st.yPtr, n * dim).set(p.init); // checked when the handle was created (params.ts checkShapes)
    ctl.report(1, "init");
    return; // a user layout is used as given
  }
  if (p.init === "random") {
    kernels.initGaussian(st.yPtr, n * dim, p.seed);
  } else if (p.init === "spectral") {
    await spectralLayout(core, graph, st, p.seed, ctl);
  } else {
    // PCA: the first components of the search space are the data's when it was reduced by PCA
    if (data.dim < dim) fail(`init "pca" needs at least ${dim} columns (one per output dimension); the data has ${data.dim}: use init "random" or "spectral"`);
    const source = search !== data && search.dim >= dim ? search : await pcaScores(core, data, dim, { seed: p.seed, signal: ctl.signal });
    kernels.packRows(source.ptr, n, dim, source.stride, st.yPtr);
  }
  kernels.centerAndScaleByFirstColumn(st.yPtr, n, dim);
  checkFiniteLayout(core, st.yPtr, n, dim, "init");
  ctl.report(1, "init");
}
