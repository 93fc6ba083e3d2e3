// t-SNE's repulsion on a core: allocates the workspace once per fit and posts the core's repulsion task.
//
// compute(yPtr, forcePtr) writes, for the 2-D layout at yPtr (f32[n × 2], row-major) and dof α, the
// unnormalised repulsive force F_i = Σ_{j≠i} w_ij^{(α+1)/α} (y_i − y_j) into forcePtr (f32[n × 2]) and resolves
// to Z = Σ_{i≠j} w_ij, w_ij = (1 + ‖y_i − y_j‖²/α)^(−α); the caller divides F by Z. Method "exact" is the
// O(n²) sum (small n, and the oracle); "fft" interpolates on a grid (assembly/tsne/repulsion_fft.ts). Both give
// the same bits for any thread count.

import type { Core } from "../core/core.ts";

export type RepulsionMethod = "exact" | "fft";

export interface RepulsionOptions {
  /** "fft" (default) or "exact". */
  method?: RepulsionMethod;
  /** Degrees of freedom α of the kernel (1 + d²/α)^(−α); 1 is t-SNE's Cauchy kernel (default 1). */
  dof?: number;
}

export class TsneRepulsion {
  private constructor(
    private readonly core: Core,
    readonly n: number,
    readonly method: RepulsionMethod,
    /** dof α, may change between calls */
    public dof: number,
    private readonly workspacePtr: number,
  ) {}

  /** Allocates the workspace for n points in `core` (once per fit: the arena frees it with the fit). */
  static create(core: Core, n: number, opts: RepulsionOptions = {}): TsneRepulsion {
    const method = opts.method ?? "fft";
    const dof = opts.dof ?? 1;
    if (!(dof > 0)) throw new RangeError(`cne-wasm: dof must be positive, got ${dof}`);
    if (method !== "exact") throw new Error(`cne-wasm: repulsion method ${method} is not available`);
    const ws = core.alloc(core.kernels.tsneRepulsionExactWorkspaceBytes(n));
    return new TsneRepulsion(core, n, method, dof, ws);
  }

  /** Writes the unnormalised force of the layout at yPtr into forcePtr and resolves to Z. */
  async compute(yPtr: number, forcePtr: number): Promise<number> {
    const rows = EXACT_ROWS_PER_CHUNK;
    const args = [yPtr, this.n, this.dof, forcePtr, this.workspacePtr, rows];
    await this.core.run("tsneRepulsionExact", args, Math.ceil(this.n / rows));
    return this.core.f64(this.workspacePtr, 1)[0];
  }
}

/** Rows per chunk of the exact task: small enough that two threads stay balanced at a few thousand points. */
const EXACT_ROWS_PER_CHUNK = 32;
