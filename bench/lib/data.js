// The benchmark's data sets, prepared once into bench/.cache as raw little-endian arrays that every runner
// (Node, Deno, Bun, a browser page) can read without parsing: <name>.f32 (n × dim float32) and <name>.labels
// (n uint8). Fashion-MNIST comes from Debian's dataset-fashion-mnist package (idx files, gzip).

import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { mulberry32 } from "./knn-data.js";
import { CACHE_DIR } from "./paths.js";

export const FASHION_DIR = "/usr/share/datasets/fashion-mnist";
const FASHION_FILES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

/** The data sets: Fashion-MNIST (train then test, 70,000 × 784, pixels / 255) and a synthetic mixture. */
export const DATASETS = {
  "fashion-mnist": { n: 70000, dim: 784, describe: "Fashion-MNIST train + test, 70,000 × 784, pixels / 255" },
  "gaussians-250k": { n: 250000, dim: 50, describe: "synthetic: 10 Gaussian clusters in 50-d, 250,000 points" },
  "mixture-1m": { n: 1000000, dim: 50, describe: "synthetic: 20 clusters of intrinsic dimension 5 in 50-d, 1,000,000 points" },
};

export function datasetPaths(name) {
  return { values: join(CACHE_DIR, `${name}.f32`), labels: join(CACHE_DIR, `${name}.labels`) };
}

function ensureFashionPackage(log) {
  if (FASHION_FILES.every((f) => existsSync(join(FASHION_DIR, f)))) return;
  log(`${FASHION_DIR} is missing: installing Debian's dataset-fashion-mnist`);
  const apt = (args) => execFileSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  try {
    apt(["install", "-y", "dataset-fashion-mnist"]);
  } catch {
    apt(["update"]);
    apt(["install", "-y", "dataset-fashion-mnist"]);
  }
}

/** Parses an idx file (big-endian header: magic with the rank in its low byte, then one u32 per axis). */
function readIdx(path) {
  const bytes = gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rank = view.getUint32(0) & 0xff;
  const shape = [];
  for (let a = 0; a < rank; a++) shape.push(view.getUint32(4 + 4 * a));
  return { shape, data: bytes.subarray(4 + 4 * rank) };
}

function prepareFashion(log) {
  ensureFashionPackage(log);
  const parts = [["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"], ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]];
  const values = new Float32Array(70000 * 784);
  const labels = new Uint8Array(70000);
  let row = 0;
  for (const [imagesFile, labelsFile] of parts) {
    const images = readIdx(join(FASHION_DIR, imagesFile));
    const classes = readIdx(join(FASHION_DIR, labelsFile));
    const [count, h, w] = images.shape;
    if (h * w !== 784 || classes.shape[0] !== count) throw new Error(`unexpected idx shapes in ${imagesFile}`);
    for (let i = 0; i < count * 784; i++) values[row * 784 + i] = images.data[i] / 255;
    labels.set(classes.data.subarray(0, count), row);
    row += count;
  }
  if (row !== 70000) throw new Error(`expected 70000 images, read ${row}`);
  return { values, labels };
}

/**
 * Standard normal numbers (Box–Muller) from mulberry32 moved to the middle of its 2^32 cells, (u + 0.5) / 2^32,
 * so the logarithm never sees 0. Adding 2^-33 to u / 2^32 is exact in a double.
 */
function gaussians(seed) {
  const next = mulberry32(seed);
  const uniform = () => next() + 2 ** -33;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Deterministic mixture: 10 cluster centres at distance ~4 apart, unit-variance points (Box–Muller). */
function prepareGaussians() {
  const { n, dim } = DATASETS["gaussians-250k"];
  const gaussian = gaussians(12345);
  const centres = new Float32Array(10 * dim).map(() => gaussian() * 2);
  const values = new Float32Array(n * dim);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    labels[i] = c;
    for (let t = 0; t < dim; t++) values[i * dim + t] = centres[c * dim + t] + gaussian();
  }
  return { values, labels };
}

/**
 * A mixture with low intrinsic dimension: 20 clusters, each a 5-d Gaussian on a random 5-d subspace of R^50
 * around its centre, plus a little isotropic noise. Its first n rows are a smaller set of the same kind.
 */
export function lowDimensionalMixture(n, dim = 50, clusters = 20, intrinsic = 5, seed = 7) {
  const values = new Float32Array(n * dim);
  const labels = new Uint8Array(n);
  for (const block of mixtureBlocks(n, n, dim, clusters, intrinsic, seed)) values.set(block.values, block.start * dim);
  for (let i = 0; i < n; i++) labels[i] = i % clusters;
  return { values, labels };
}

/**
 * The rows of lowDimensionalMixture(n) in blocks of `blockRows` (fresh arrays), for sets too large to hold at
 * once: the same draws in the same order, so the same bits.
 */
export function* mixtureBlocks(n, blockRows, dim = 50, clusters = 20, intrinsic = 5, seed = 7) {
  const gaussian = gaussians(seed);
  const centres = Float32Array.from({ length: clusters * dim }, () => gaussian() * 3);
  const bases = Float32Array.from({ length: clusters * intrinsic * dim }, () => (gaussian() * 2) / Math.sqrt(dim));
  const z = new Float32Array(intrinsic);
  for (let start = 0; start < n; start += blockRows) {
    const rows = Math.min(blockRows, n - start);
    const values = new Float32Array(rows * dim);
    for (let r = 0; r < rows; r++) {
      const c = (start + r) % clusters;
      for (let a = 0; a < intrinsic; a++) z[a] = gaussian();
      for (let t = 0; t < dim; t++) {
        let v = centres[c * dim + t] + 0.05 * gaussian();
        for (let a = 0; a < intrinsic; a++) v += z[a] * bases[(c * intrinsic + a) * dim + t];
        values[r * dim + t] = v;
      }
    }
    yield { start, rows, values };
  }
}

/** Writes the data set's cache files if missing; returns their paths. */
export function ensureDataset(name, log = console.log) {
  const paths = datasetPaths(name);
  if (existsSync(paths.values) && existsSync(paths.labels)) return paths;
  mkdirSync(CACHE_DIR, { recursive: true });
  log(`preparing ${name} in ${CACHE_DIR}`);
  const { values, labels } = name === "fashion-mnist" ? prepareFashion(log)
    : name === "mixture-1m" ? lowDimensionalMixture(DATASETS[name].n) : prepareGaussians();
  writeFileSync(paths.values, new Uint8Array(values.buffer));
  writeFileSync(paths.labels, labels);
  return paths;
}

/** The first n rows of a prepared data set (Node-style fs: works in Node, Deno and Bun). */
export function loadDataset(name, n) {
  const { dim } = DATASETS[name];
  const paths = datasetPaths(name);
  const values = new Float32Array(n * dim);
  const fd = openSync(paths.values, "r");
  try {
    const bytes = new Uint8Array(values.buffer);
    for (let at = 0; at < bytes.length; ) {
      const got = readSync(fd, bytes, at, Math.min(bytes.length - at, 1 << 26), at);
      if (got === 0) throw new Error(`${paths.values} has fewer than ${n} rows`);
      at += got;
    }
  } finally {
    closeSync(fd);
  }
  const labels = new Uint8Array(readFileSync(paths.labels).subarray(0, n));
  return { values, labels, n, dim };
}
