// Benchmark data: Gaussian clusters with a low-dimensional shape, closer to real embeddings (PCA-50 of images
// or text) than uniform noise, whose intrinsic dimension equals the full dimension. Seeded, so every run and
// every method sees the same points.

/** Deterministic uniform [0, 1) numbers (mulberry32). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CLUSTER_DATA = { clusters: 20, latentDim: 10, centreSd: 3, noiseSd: 0.3 };

/**
 * n × dim Float32Array, row-major. Point i belongs to cluster i mod `clusters`; it is the cluster's centre
 * (coordinates N(0, centreSd²)) plus the cluster's own random linear map of a latentDim-dimensional standard
 * Gaussian (entries N(0, 1/latentDim)) plus isotropic noise N(0, noiseSd²).
 */
export function clusteredData(n, dim, seed, { clusters, latentDim, centreSd, noiseSd } = CLUSTER_DATA) {
  const r = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centres = Float64Array.from({ length: clusters * dim }, () => centreSd * gauss());
  const maps = Float64Array.from({ length: clusters * dim * latentDim }, () => gauss() / Math.sqrt(latentDim));
  const out = new Float32Array(n * dim);
  const z = new Float64Array(latentDim);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    for (let l = 0; l < latentDim; l++) z[l] = gauss();
    for (let t = 0; t < dim; t++) {
      let v = centres[c * dim + t] + noiseSd * gauss();
      const m = (c * dim + t) * latentDim;
      for (let l = 0; l < latentDim; l++) v += maps[m + l] * z[l];
      out[i * dim + t] = v;
    }
  }
  return out;
}
