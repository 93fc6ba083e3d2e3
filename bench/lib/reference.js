// The quality references, computed once per (data set, n) and cached in bench/.cache:
//  - the exact 15 nearest neighbours of every point in the PCA-50 space (the paper's recall@15 oracle; data
//    with ≤ 100 dims is used as is), from an exact PCA and the library's exact `knn`;
//  - the squared distances between all pairs of a 5000-point sample of the raw data (the data side of the
//    Spearman correlation), from the library's `sampleDistances`.

import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR } from "./paths.js";
import { ensureBenchPackages } from "./setup.js";

export const REFERENCE_K = 15;
export const PCA_COMPONENTS = 50;
export const SPEARMAN_SAMPLE = 5000;
export const SPEARMAN_SEED = 0;

function readTyped(path, Type) {
  const bytes = readFileSync(path);
  const out = new Type(bytes.byteLength / Type.BYTES_PER_ELEMENT);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function writeTyped(path, array) {
  writeFileSync(path, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
}

/**
 * Exact PCA to `components` dimensions: covariance in float64, symmetric eigendecomposition (ml-matrix),
 * projection of the centred rows. A one-off oracle, so plain JS; zero pixels are skipped (Fashion-MNIST is
 * about half zeros).
 */
export async function exactPca(values, n, dim, components) {
  ensureBenchPackages();
  const { EigenvalueDecomposition, Matrix } = await import("ml-matrix");
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let a = 0; a < dim; a++) mean[a] += values[i * dim + a];
  for (let a = 0; a < dim; a++) mean[a] /= n;
  const gram = new Float64Array(dim * dim); // upper triangle of Σ x xᵀ
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    for (let a = 0; a < dim; a++) {
      const xa = values[row + a];
      if (xa === 0) continue;
      const base = a * dim;
      for (let b = a; b < dim; b++) gram[base + b] += xa * values[row + b];
    }
  }
  const cov = new Matrix(dim, dim);
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const c = (gram[a * dim + b] - n * mean[a] * mean[b]) / (n - 1);
      cov.set(a, b, c);
      cov.set(b, a, c);
    }
  }
  const evd = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const eigenvalues = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = eigenvalues.map((v, i) => i).sort((x, y) => eigenvalues[y] - eigenvalues[x]).slice(0, components);
  const basis = new Float64Array(components * dim); // basis[c * dim + a]
  order.forEach((col, c) => {
    for (let a = 0; a < dim; a++) basis[c * dim + a] = vectors.get(a, col);
  });
  const projected = new Float32Array(n * components);
  const centred = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) centred[a] = values[i * dim + a] - mean[a];
    for (let c = 0; c < components; c++) {
      let s = 0;
      const base = c * dim;
      for (let a = 0; a < dim; a++) s += centred[a] * basis[base + a];
      projected[i * components + c] = s;
    }
  }
  const explained = order.reduce((s, col) => s + eigenvalues[col], 0) / eigenvalues.reduce((s, v) => s + Math.max(v, 0), 0);
  return { projected, explained };
}

/**
 * The exact kNN reference for the first n rows of a data set: n × 15 Int32Array, cached. `lib` is the
 * library's module (dist/index.js).
 */
export async function ensureReference(lib, name, data, log = console.log) {
  const { values, n, dim } = data;
  const base = join(CACHE_DIR, `reference-${name}-${n}`);
  const indicesPath = `${base}-knn${REFERENCE_K}.i32`;
  const metaPath = `${base}.json`;
  if (!existsSync(indicesPath) || !existsSync(metaPath)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    let space = values;
    let spaceDim = dim;
    const meta = { dataset: name, n, k: REFERENCE_K, space: "raw" };
    let t = performance.now();
    if (dim > 100) {
      log(`reference ${name} n=${n}: exact PCA-${PCA_COMPONENTS}`);
      const { projected, explained } = await exactPca(values, n, dim, PCA_COMPONENTS);
      space = projected;
      spaceDim = PCA_COMPONENTS;
      Object.assign(meta, { space: `PCA-${PCA_COMPONENTS}`, pca: "exact covariance eigendecomposition (float64, ml-matrix)", explainedVariance: explained, pcaSeconds: (performance.now() - t) / 1000 });
    }
    log(`reference ${name} n=${n}: exact ${REFERENCE_K}-NN in ${meta.space} with the library's knn`);
    t = performance.now();
    const { indices } = await lib.knn(space, { n, dim: spaceDim, k: REFERENCE_K });
    meta.knnSeconds = (performance.now() - t) / 1000;
    writeTyped(indicesPath, indices);
    writeFileSync(metaPath, JSON.stringify(meta, null, 2));
  }
  return { indices: readTyped(indicesPath, Int32Array), meta: JSON.parse(readFileSync(metaPath, "utf8")) };
}

/** The data side of the Spearman correlation for the first n rows of a data set, cached. */
export function ensureDistanceSample(lib, name, data, log = console.log) {
  const { values, n, dim } = data;
  const base = join(CACHE_DIR, `distances-${name}-${n}-s${SPEARMAN_SAMPLE}-seed${SPEARMAN_SEED}`);
  if (!existsSync(`${base}.f32`) || !existsSync(`${base}.i32`)) {
    log(`reference ${name} n=${n}: pairwise distances of a ${SPEARMAN_SAMPLE}-point sample`);
    mkdirSync(CACHE_DIR, { recursive: true });
    const sample = lib.sampleDistances(values, dim, { sample: SPEARMAN_SAMPLE, seed: SPEARMAN_SEED });
    writeTyped(`${base}.i32`, sample.indices);
    writeTyped(`${base}.f32`, sample.squaredDistances);
  }
  return { n, indices: readTyped(`${base}.i32`, Int32Array), squaredDistances: readTyped(`${base}.f32`, Float32Array) };
}
