// Prints a hash of each of a fixed set of layouts (every loss, s = 0 and 1, many negatives, 2-D and 3-D, 1 and 2
// threads, staged and unstaged batches, parametric, transform, save/load, step-wise runs, the spectrum walk, t-SNE
// with its exact and interpolated repulsion and the phases that continue it, zBar "tsne"), so a
// change that must keep behaviour can be checked bit for bit: run it on the build before and after and diff.
//   node scripts/layout-hashes.mjs > before.txt   (then rebuild with the change)   node scripts/layout-hashes.mjs | diff before.txt -
// It reads the built package (dist/); run `npm run build` first.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { createEmbedding, createParametricEmbedding, embed, knn, loadModel, pca } from "../dist/index.js";
import { stagingTuning } from "../dist/embedding/optimizer.js";
import { tsneTuning } from "../dist/tsne/optimizer.js";

const text = gunzipSync(readFileSync(new URL("../data/digits.csv.gz", import.meta.url))).toString("utf8").trim();
const rows = text.split("\n");
const n = rows.length, dim = 64;
const data = new Float32Array(n * dim);
rows.forEach((line, i) => data.set(line.split(",").slice(0, dim).map(Number), i * dim));
const train = data.subarray(0, 1500 * dim), held = data.slice(1500 * dim);

const hash = (a) => createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex").slice(0, 16);
const print = (name, a) => console.log(`${name.padEnd(60)} ${hash(a)}`);
const quiet = { onWarning: () => {} };

async function withStaging(on, run) {
  const found = stagingTuning.minPoints;
  stagingTuning.minPoints = on ? 0 : Infinity;
  try { return await run(); } finally { stagingTuning.minPoints = found; }
}

for (const threads of [1, 2]) {
  for (const staged of [false, true]) {
    for (const loss of ["neg", "nce", "infonce", "umap"]) {
      for (const outDim of [2, 3]) {
        const opts = { dim, loss, outDim, threads, seed: 3, nEpochs: 12, ...quiet };
        print(`${loss} outDim=${outDim} threads=${threads} staged=${staged}`, await withStaging(staged, () => embed(data, opts)));
      }
    }
    for (const extra of [{ s: 1 }, { negativeSamples: 20 }, { s: 0.5, zBar: undefined }, { batchSize: 1024, negativeSamples: 5 }]) {
      const opts = { dim, threads, seed: 5, nEpochs: 12, ...extra, ...quiet };
      print(`neg ${JSON.stringify(extra)} threads=${threads} staged=${staged}`, await withStaging(staged, () => embed(data, opts)));
    }
  }
  print(`defaults threads=${threads}`, await embed(data, { dim, threads, ...quiet }));
  print(`init=spectral threads=${threads}`, await embed(data, { dim, threads, init: "spectral", nEpochs: 10, ...quiet }));

  const e = createEmbedding(train, { dim, threads, seed: 2, nEpochs: 20, ...quiet });
  await e.step(7);
  print(`step 7 threads=${threads}`, e.embedding);
  await e.run();
  print(`run threads=${threads}`, e.embedding);
  print(`transform threads=${threads}`, await e.transform(held));
  print(`transform exact threads=${threads}`, await e.transform(held, { knn: "exact" }));
  const model = await loadModel(e.save());
  print(`loaded transform threads=${threads}`, await model.transform(held));
  print(`optimize s=1 threads=${threads}`, await e.optimize({ s: 1, nEpochs: 10 }));
  print(`optimize nce threads=${threads}`, await e.optimize({ loss: "nce", nEpochs: 5 }));
  e.destroy();

  const p = createParametricEmbedding(train, { dim, threads, seed: 4, nEpochs: 3, ...quiet });
  print(`parametric run threads=${threads}`, await p.run());
  print(`parametric transform threads=${threads}`, await p.transform(held));
  const pm = await loadModel(p.save());
  print(`parametric loaded transform threads=${threads}`, await pm.transform(held));
  p.destroy();

  const g = await knn(data, { dim, k: 15, threads, method: "nndescent", seed: 1 });
  print(`knn nndescent threads=${threads}`, g.indices);
  const pc = await pca(data, { dim, nComponents: 5, threads });
  print(`pca threads=${threads}`, pc);
}

// t-SNE: a fit, its transform and save/load, the phases that continue it (t-SNE, a per-pair loss at its Z, t-SNE
// again), each with the exact repulsion and the interpolated one (forced from 1,000 points); a fit at zBar "tsne"
const fftFrom = tsneTuning.fftMinPoints;
for (const threads of [1, 2]) {
  for (const fft of [false, true]) {
    tsneTuning.fftMinPoints = fft ? 1000 : Infinity;
    const tag = `threads=${threads} fft=${fft}`;
    const t = createEmbedding(train, { dim, loss: "tsne", threads, seed: 6, nEpochs: 60, ...quiet });
    print(`tsne fit ${tag}`, await t.run());
    print(`tsne transform ${tag}`, await t.transform(held));
    print(`tsne optimize tsne ${tag}`, await t.optimize({ loss: "tsne", nEpochs: 20 }));
    const tm = await loadModel(t.save(), { threads });
    print(`tsne loaded transform ${tag}`, await tm.transform(held));
    tm.destroy();
    print(`tsne optimize neg zBar=tsne ${tag}`, await t.optimize({ loss: "neg", zBar: "tsne", nEpochs: 5 }));
    print(`tsne transform after neg ${tag}`, await t.transform(held));
    print(`tsne optimize tsne after neg ${tag}`, await t.optimize({ loss: "tsne", nEpochs: 20 }));
    t.destroy();
  }
  tsneTuning.fftMinPoints = fftFrom;
  print(`zBar=tsne threads=${threads}`, await embed(train, { dim, zBar: "tsne", threads, seed: 6, nEpochs: 10, ...quiet }));
}
