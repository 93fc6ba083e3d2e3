// Where knn: "auto" switches from the exact brute force to NN-descent: both methods, 2 threads, on Fashion-MNIST
// reduced to 50 principal components (the space the embedding searches in), for growing n. Writes the
// `knn-auto` section of bench/RESULTS.md. Usage: node bench/knn-auto.js
import { join } from "node:path";
import { knn, pca } from "../dist/index.js";
import { loadDataset, ensureDataset } from "./lib/data.js";
import { machine, recallAtK, timed, writeMarkedSection } from "./lib/knn-report.js";
import { BENCH_DIR } from "./lib/paths.js";

const SIZES = [1000, 2000, 3000, 5000, 8000, 12000, 20000];
const K = 15;
ensureDataset("fashion-mnist");
const data = loadDataset("fashion-mnist", SIZES.at(-1));
const reduced = await pca(data.values, { n: data.n, dim: data.dim, nComponents: 50, seed: 0 });
const rows = [];
for (const n of SIZES) {
  const x = reduced.subarray(0, n * 50);
  const exact = await timed(3, () => knn(x, { dim: 50, k: K, method: "exact", threads: 2 }));
  const approx = await timed(3, () => knn(x, { dim: 50, k: K, method: "nndescent", threads: 2, seed: 0 }));
  const recall = recallAtK(approx.result.indices, exact.result.indices, n, K);
  rows.push(`| ${n.toLocaleString("en")} | ${(exact.ms / 1000).toFixed(3)} | ${(approx.ms / 1000).toFixed(3)} | ${(exact.ms / approx.ms).toFixed(2)} | ${recall.toFixed(4)} |`);
  console.log(rows.at(-1));
}
const m = machine();
writeMarkedSection(join(BENCH_DIR, "RESULTS.md"), "knn-auto", [
  "## Where `knn: \"auto\"` switches from exact to NN-descent",
  "",
  `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with \`node bench/knn-auto.js\` on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(0)} GiB, Node ${m.node}. ` +
    "Fashion-MNIST (first n images, pixels/255) reduced to 50 principal components, k = 15, 2 threads, median of 3 runs.",
  "",
  "| n | exact s | NN-descent s | exact / NN-descent | NN-descent recall@15 |",
  "|---|---|---|---|---|",
  ...rows,
  "",
  "\"auto\" uses the exact kernel up to 3,000 points, where it costs at most about twice NN-descent and stays under",
  "0.2 s, and NN-descent above (bindings/knn/auto.ts `AUTO_EXACT_MAX_N`).",
].join("\n"));
