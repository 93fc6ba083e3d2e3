// t-SNE's repulsion on a core: allocates the workspace once per fit and posts the core's repulsion task.
//
// compute(yPtr, forcePtr) writes, for the 2-D layout at yPtr (f32[n × 2], row-major) and dof α, the
// unnormalised repulsive force F_i = Σ_{j≠i} w_ij^{(α+1)/α} (y_i − y_j) into forcePtr (f32[n × 2]) and resolves
// to Z = Σ_{i≠j} w_ij, w_ij = (1 + ‖y_i − y_j‖²/α)^(−α); the caller divides F by Z. Method "exact" is the
// O(n²) sum (assembly/tsne/repulsion_exact.ts: small n, and the oracle); "fft" interpolates on a grid that grows
// with the layout's extent (assembly/tsne/repulsion_fft.ts). Both give the same bits for any thread count.

import type { Core } from "../core/core.ts";

export type RepulsionMethod = "exact" | "fft";

/** The interpolation grid of method "fft": B = clamp(ceil(extent · intervalsPerUnit), minIntervals, maxIntervals). */
export interface RepulsionGrid {
  /** Intervals per unit of the layout's extent. */
  intervalsPerUnit: number;
  /** Fewest intervals per axis. */
  minIntervals: number;
  /** Most intervals per axis: the workspace is sized for it once. */
  maxIntervals: number;
  /** Lagrange nodes per interval and axis (1–8). */
  nodesPerInterval: number;
}

/** The defaults, chosen by accuracy against time (bench/tsne-repulsion.js, bench/RESULTS.md). */
export const DEFAULT_REPULSION_GRID: Readonly<RepulsionGrid> = {
  intervalsPerUnit: 1,
  minIntervals: 50,
  maxIntervals: 256,
  nodesPerInterval: 3,
};

export interface RepulsionOptions extends Partial<RepulsionGrid> {
  /** "fft" (default) or "exact". */
  method?: RepulsionMethod;
  /** Degrees of freedom α of the kernel (1 + d²/α)^(−α); 1 is t-SNE's Cauchy kernel (default 1). */
  dof?: number;
}

/** Rows per chunk of the exact task: small enough that two threads stay balanced at a few thousand points. */
const EXACT_ROWS_PER_CHUNK = 32;

export class TsneRepulsion {
  private constructor(
    private readonly core: Core,
    readonly n: number,
    readonly method: RepulsionMethod,
    /** dof α; may change between calls */
    public dof: number,
    readonly grid: Readonly<RepulsionGrid>,
    private readonly workspacePtr: number,
  ) {}

  /** Allocates the workspace for n points in `core` (once per fit: the arena frees it with the fit). */
  static create(core: Core, n: number, opts: RepulsionOptions = {}): TsneRepulsion {
    const method = opts.method ?? "fft";
    const dof = opts.dof ?? 1;
    if (!(dof > 0)) throw new RangeError(`cne-wasm: dof must be positive, got ${dof}`);
    const grid = { ...DEFAULT_REPULSION_GRID };
    for (const key of Object.keys(grid) as (keyof RepulsionGrid)[]) if (opts[key] !== undefined) grid[key] = opts[key];
    if (!(grid.intervalsPerUnit > 0)) throw new RangeError(`cne-wasm: intervalsPerUnit must be positive`);
    const { minIntervals, maxIntervals } = grid;
    if (!(Number.isInteger(minIntervals) && Number.isInteger(maxIntervals) && minIntervals >= 1 && minIntervals <= maxIntervals)) {
      throw new RangeError(`cne-wasm: need integers 1 ≤ minIntervals ≤ maxIntervals, got ${minIntervals} and ${maxIntervals}`);
    }
    if (!(Number.isInteger(grid.nodesPerInterval) && grid.nodesPerInterval >= 1 && grid.nodesPerInterval <= 8)) {
      throw new RangeError(`cne-wasm: nodesPerInterval must be an integer in [1, 8], got ${grid.nodesPerInterval}`);
    }
    if (method !== "exact" && method !== "fft") throw new RangeError(`cne-wasm: unknown repulsion method ${method}`);
    const k = core.kernels;
    const bytes = method === "exact"
      ? k.tsneRepulsionExactWorkspaceBytes(n)
      : k.tsneRepulsionFftWorkspaceBytes(n, grid.maxIntervals, grid.nodesPerInterval, core.threads);
    return new TsneRepulsion(core, n, method, dof, grid, core.alloc(bytes));
  }

  /** Writes the unnormalised force of the layout at yPtr into forcePtr and resolves to Z. */
  async compute(yPtr: number, forcePtr: number): Promise<number> {
    const ws = this.workspacePtr;
    if (this.method === "exact") {
      const rows = EXACT_ROWS_PER_CHUNK;
      await this.core.run("tsneRepulsionExact", { y: yPtr, n: this.n, dof: this.dof, force: forcePtr, workspace: ws, rowsPerChunk: rows }, Math.ceil(this.n / rows));
      return this.core.f64(ws, 1)[0];
    }
    const g = this.grid;
    await this.core.run("tsneRepulsionFft", {
      y: yPtr, n: this.n, dof: this.dof, force: forcePtr, workspace: ws,
      intervalsPerUnit: g.intervalsPerUnit, minIntervals: g.minIntervals, maxIntervals: g.maxIntervals, nodes: g.nodesPerInterval,
    }, 1);
    return this.core.f64(ws + this.core.layout.tsneRepulsionWs.z, 1)[0];
  }

  /** Intervals per axis and FFT length of the last call of method "fft" (for reports). */
  lastGrid(): { intervals: number; fftSize: number } {
    const at = this.core.layout.tsneRepulsionWs;
    const words = this.core.i32(this.workspacePtr, 4);
    return { intervals: words[at.intervals >> 2], fftSize: words[at.fftSize >> 2] };
  }
}
