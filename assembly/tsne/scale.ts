// t-SNE's initial layout: the PCA init (PC1 at std 1, init/layout.ts) times 1e-4, openTSNE's and FIt-SNE's start.

/** Multiplies f32[count] at y by factor. */
export function tsneScale(y: usize, count: i32, factor: f32): void {
  for (let i = 0; i < count; i++) {
    const p = y + (<usize>i << 2);
    store<f32>(p, load<f32>(p) * factor);
  }
}
