// Aligns each new layout of a series to the previous aligned one, so points keep their place from panel to
// panel. Runs on a small single-thread core of its own; its three buffers are allocated once per series.

import { Core } from "../core/core.ts";
import { fitSimilarity, type Similarity } from "./procrustes.ts";

export class LayoutAligner {
  private hasReference = false;

  private constructor(
    private readonly core: Core,
    readonly n: number,
    /** f32[padded 2n]: the last aligned layout */
    private readonly referencePtr: number,
    /** f32[padded 2n]: the layout being aligned, then the aligned result */
    private readonly layoutPtr: number,
    /** f64[10]: the sums */
    private readonly sumsPtr: number,
  ) {}

  static async create(n: number): Promise<LayoutAligner> {
    const core = await Core.create(1);
    const floats = (2 * n + 3) & ~3;
    const referencePtr = core.alloc(floats * 4), layoutPtr = core.alloc(floats * 4), sumsPtr = core.alloc(80);
    core.f32(referencePtr, floats).fill(0);
    core.f32(layoutPtr, floats).fill(0);
    return new LayoutAligner(core, n, referencePtr, layoutPtr, sumsPtr);
  }

  /**
   * The layout (n × 2) moved onto the previous one by Procrustes, as a new array; the first layout is
   * returned unchanged. Either way the result becomes the reference of the next call.
   */
  align(layout: Float32Array): { aligned: Float32Array; map: Similarity } {
    const n = this.n;
    if (layout.length !== 2 * n) throw new RangeError(`cne-wasm: layout has ${layout.length} values, expected ${2 * n}`);
    const kernels = this.core.kernels;
    this.core.f32(this.layoutPtr, 2 * n).set(layout);
    let map: Similarity = { m00: 1, m01: 0, m10: 0, m11: 1, tx: 0, ty: 0, scale: 1, reflected: false };
    if (this.hasReference) {
      kernels.procrustesSums(this.referencePtr, this.layoutPtr, n, this.sumsPtr);
      map = fitSimilarity(this.core.f64(this.sumsPtr, 10), n);
      kernels.affineApply2(this.layoutPtr, this.layoutPtr, n, map.m00, map.m01, map.m10, map.m11, map.tx, map.ty);
    }
    const aligned = this.core.f32(this.layoutPtr, 2 * n).slice();
    this.core.f32(this.referencePtr, 2 * n).set(aligned);
    this.hasReference = true;
    return { aligned, map };
  }

  /** Forgets the reference: the next layout is taken as it is. */
  reset(): void {
    this.hasReference = false;
  }

  destroy(): void {
    this.core.destroy();
  }
}
