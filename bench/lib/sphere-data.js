// Benchmark data shaped like sentence or image embeddings: n × dim vectors in clusters on the unit sphere, each
// row then scaled by a random norm in [0.5, 2] so that cosine and Euclidean-on-raw neighbours differ. Two
// generators, both seeded and deterministic:
//
// - vmfMixture: von Mises–Fisher clusters (Wood's 1994 sampler, exact). A vMF cluster is isotropic around its
//   mean direction: the component orthogonal to the mean is uniform on a 766-sphere, so within a cluster the
//   intrinsic dimension is the full dim − 1 and the distances between members barely differ (the hard case for
//   every approximate search; real embeddings are not like this).
// - lowRankMixture: each row is its cluster's mean direction plus a rank-r Gaussian factor (a decaying
//   spectrum) plus small isotropic noise, then made unit: the within-cluster spread lies mostly in r
//   directions, as it does in real embeddings (their PCA spectra fall fast).
//
// In both the cosine of a row to its cluster's mean is drawn per cluster from [0.5, 0.8] (as between sentence
// embeddings and their topic's centroid), so the two differ in the shape of the spread, not its size.

import { mulberry32 } from "./knn-data.js";

export const SPHERE_DATA = { clusters: 50, meanCosine: [0.5, 0.8], norm: [0.5, 2], rank: 16, noiseShare: 0.1 };

function normalSource(seed) {
  const uniform = mulberry32(seed);
  let spare = NaN;
  const gauss = () => {
    if (!Number.isNaN(spare)) { const s = spare; spare = NaN; return s; }
    const r = Math.sqrt(-2 * Math.log(1 - uniform())), t = 2 * Math.PI * uniform();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
  return { uniform, gauss };
}

function unitVector(gauss, dim) {
  const v = Float64Array.from({ length: dim }, gauss);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** Gamma(shape ≥ 1) by Marsaglia & Tsang (2000). */
function gamma(shape, uniform, gauss) {
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x, v;
    do { x = gauss(); v = 1 + c * x; } while (v <= 0);
    v = v * v * v;
    const u = uniform();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/**
 * The concentration κ whose vMF in `dim` dimensions has its cosine to the mean concentrated at `cosine`: the
 * mode x0 = (1 − b) / (1 + b) of Wood's envelope, with b = (dim − 1) / (2κ + √(4κ² + (dim − 1)²)), solved for κ.
 */
export function vmfConcentration(cosine, dim) {
  const b = (1 - cosine) / (1 + cosine);
  return ((dim - 1) * (1 / b - b)) / 4;
}

/** Wood's (1994) rejection sampler of w = cos(x, mean) for a vMF of concentration kappa in `dim` dimensions. */
function vmfCosine(kappa, dim, uniform, gauss) {
  const m = dim - 1;
  const b = m / (2 * kappa + Math.sqrt(4 * kappa * kappa + m * m));
  const x0 = (1 - b) / (1 + b);
  const c = kappa * x0 + m * Math.log(1 - x0 * x0);
  for (;;) {
    const g1 = gamma(m / 2, uniform, gauss), g2 = gamma(m / 2, uniform, gauss);
    const z = g1 / (g1 + g2);
    const w = (1 - (1 + b) * z) / (1 - (1 - b) * z);
    if (kappa * w + m * Math.log(1 - x0 * w) - c >= Math.log(uniform())) return w;
  }
}

function randomRange([lo, hi], uniform) {
  return lo + (hi - lo) * uniform();
}

/**
 * n × dim Float32Array of vMF clusters (row i in cluster i mod `clusters`), each row at a random norm.
 * Returns { values, kappa: per-cluster concentration }.
 */
export function vmfMixture(n, dim, seed, opts = {}) {
  const { clusters, meanCosine, norm } = { ...SPHERE_DATA, ...opts };
  const { uniform, gauss } = normalSource(seed);
  const means = Array.from({ length: clusters }, () => unitVector(gauss, dim));
  const kappa = means.map(() => vmfConcentration(randomRange(meanCosine, uniform), dim));
  const values = new Float32Array(n * dim);
  const v = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const c = i % clusters, mu = means[c];
    const w = vmfCosine(kappa[c], dim, uniform, gauss);
    // a direction uniform among those orthogonal to the mean: a Gaussian with its mean component removed
    let along = 0;
    for (let t = 0; t < dim; t++) { v[t] = gauss(); along += v[t] * mu[t]; }
    let sq = 0;
    for (let t = 0; t < dim; t++) { v[t] -= along * mu[t]; sq += v[t] * v[t]; }
    const scale = randomRange(norm, uniform), side = (Math.sqrt(1 - w * w) / Math.sqrt(sq)) * scale;
    for (let t = 0; t < dim; t++) values[i * dim + t] = w * scale * mu[t] + side * v[t];
  }
  return { values, kappa };
}

/**
 * n × dim Float32Array of low-rank clusters (row i in cluster i mod `clusters`): mean + F z + e, made unit,
 * then at a random norm. F is the cluster's dim × rank factor (random orthogonal-ish columns, the j-th of
 * scale ∝ 1/√(j + 1)), z standard Gaussian, e isotropic; the spread's total variance s² gives the cluster's
 * cosine to its mean ≈ 1/√(1 + s²), and e carries `noiseShare` of it.
 */
export function lowRankMixture(n, dim, seed, opts = {}) {
  const { clusters, meanCosine, norm, rank, noiseShare } = { ...SPHERE_DATA, ...opts };
  const { uniform, gauss } = normalSource(seed);
  const spectrum = Array.from({ length: rank }, (_, j) => 1 / Math.sqrt(j + 1));
  const spectrumSq = spectrum.reduce((s, x) => s + x * x, 0);
  const shapes = Array.from({ length: clusters }, () => {
    const mean = unitVector(gauss, dim);
    const cosine = randomRange(meanCosine, uniform), spread = 1 / (cosine * cosine) - 1; // s²
    const factorScale = Math.sqrt(((1 - noiseShare) * spread) / spectrumSq);
    const factor = new Float64Array(rank * dim); // row j: direction j (unit) × its scale
    for (let j = 0; j < rank; j++) factor.set(unitVector(gauss, dim).map((x) => x * spectrum[j] * factorScale), j * dim);
    return { mean, factor, noiseSd: Math.sqrt((noiseShare * spread) / dim) };
  });
  const values = new Float32Array(n * dim);
  const x = new Float64Array(dim), z = new Float64Array(rank);
  for (let i = 0; i < n; i++) {
    const { mean, factor, noiseSd } = shapes[i % clusters];
    for (let j = 0; j < rank; j++) z[j] = gauss();
    for (let t = 0; t < dim; t++) x[t] = mean[t] + noiseSd * gauss();
    for (let j = 0; j < rank; j++) for (let t = 0, o = j * dim; t < dim; t++) x[t] += z[j] * factor[o + t];
    let sq = 0;
    for (let t = 0; t < dim; t++) sq += x[t] * x[t];
    const scale = randomRange(norm, uniform) / Math.sqrt(sq);
    for (let t = 0; t < dim; t++) values[i * dim + t] = x[t] * scale;
  }
  return { values };
}

/** The mean and quartiles of each row's cosine to its cluster's mean direction (a check of the spread). */
export function cosineToClusterMean(values, n, dim, clusters) {
  const sums = new Float64Array(clusters * dim);
  const unit = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let t = 0; t < dim; t++) sq += values[i * dim + t] ** 2;
    for (let t = 0; t < dim; t++) sums[(i % clusters) * dim + t] += values[i * dim + t] / Math.sqrt(sq);
  }
  const cos = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    let dot = 0, sq = 0, msq = 0;
    for (let t = 0; t < dim; t++) {
      unit[t] = values[i * dim + t];
      dot += unit[t] * sums[c * dim + t]; sq += unit[t] ** 2; msq += sums[c * dim + t] ** 2;
    }
    cos[i] = dot / Math.sqrt(sq * msq);
  }
  cos.sort();
  const at = (q) => cos[Math.min(n - 1, Math.floor(q * n))];
  return { mean: cos.reduce((s, x) => s + x, 0) / n, q25: at(0.25), median: at(0.5), q75: at(0.75) };
}
