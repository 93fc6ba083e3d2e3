// Initial layouts (SPEC §1.5): every layout is rescaled so that its first coordinate has standard deviation 1
// (the reference's PCA init; not t-SNE's 1e-4).

import { draw, gaussian, seedOf, streamKey } from "../rng";

/** Fills f32[count] at yPtr with independent standard normal values, keyed by the seed. */
export function initGaussian(yPtr: usize, count: i32, seed: f64): void {
  const key = streamKey(seedOf(seed), 0x494e4954); // "INIT"
  for (let i = 0; i < count; i++) store<f32>(yPtr + (<usize>i << 2), <f32>gaussian(draw(key, <u64>i)));
}

/**
 * Centres every column of an n × dim layout and divides all coordinates by the standard deviation of the
 * first column. Returns that standard deviation (0 leaves the layout centred but unscaled).
 */
export function centerAndScaleByFirstColumn(yPtr: usize, n: i32, dim: i32): f64 {
  let firstStd: f64 = 0;
  for (let t = 0; t < dim; t++) {
    let mean: f64 = 0;
    for (let i = 0; i < n; i++) mean += <f64>load<f32>(yPtr + ((<usize>i * <usize>dim + <usize>t) << 2));
    mean /= <f64>n;
    let sq: f64 = 0;
    for (let i = 0; i < n; i++) {
      const p = yPtr + ((<usize>i * <usize>dim + <usize>t) << 2);
      const v = <f64>load<f32>(p) - mean;
      store<f32>(p, <f32>v);
      sq += v * v;
    }
    if (t == 0) firstStd = Math.sqrt(sq / <f64>n);
  }
  if (firstStd > 0) {
    const inv = <f32>(1.0 / firstStd);
    const count = n * dim;
    for (let i = 0; i < count; i++) {
      const p = yPtr + (<usize>i << 2);
      store<f32>(p, load<f32>(p) * inv);
    }
  }
  return firstStd;
}
