// The metric through a whole fit: transform and save/load keep it, the CLI's --metric sets it, and precomputed
// neighbours come with checked distances or from an Embedding Atlas-style `neighbors` column.
import { describe, expect, it } from "vitest";
import { createEmbedding, createParametricEmbedding, Embedding, knn, loadModel, neighboursFromColumn, neighboursToColumn, CneInputError } from "../dist/index.js";
import { rng } from "./helpers.ts";
import { binaryClusters, recallAgainst, type MetricName } from "./metric-oracles.ts";
import { runCli, tempDir } from "./cli/files.ts";

/** Clusters whose rows differ in scale: cosine neighbours are not Euclidean ones. */
function scaledClusters(n: number, dim: number, seed: number): Float32Array {
  const r = rng(seed);
  const centres = Array.from({ length: 4 }, () => Array.from({ length: dim }, () => 2 * r() - 1));
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const scale = 0.2 + 5 * r();
    for (let j = 0; j < dim; j++) out[i * dim + j] = scale * (centres[i % 4][j] + 0.15 * (r() - 0.5));
  }
  return out;
}

describe("a fit under each metric", () => {
  for (const metric of ["cosine", "correlation", "manhattan", "jaccard"] as MetricName[]) {
    it(`${metric}: the fit searches under it, transform places new rows under it, save/load keeps it`, async () => {
      const n = 240, dim = metric === "cosine" ? 120 : 12, k = 10; // cosine above 100 columns: PCA-50 of unit rows
      const binary = metric === "jaccard";
      const all = binary ? binaryClusters(n + 20, dim, 4, 0.05, rng(4)) : scaledClusters(n + 20, dim, 4);
      const data = all.slice(0, n * dim), fresh = all.slice(n * dim);
      const e = createEmbedding(data, { dim, k, metric, knn: "exact", nEpochs: 30, threads: 1, seed: 3 });
      await e.run();
      const truth = await knn(data, { n, dim, k, metric, threads: 1 });
      if (metric === "cosine") {
        // wide data: PCA-50 of the unit rows orders neighbours approximately; rows of one cluster point the same
        // way at any scale, so the cosine graph keeps to clusters where the Euclidean one, misled by scale, does not
        const sameCluster = (indices: Int32Array) => indices.filter((j, t) => j % 4 === Math.floor(t / k) % 4).length / indices.length;
        const euclidean = await knn(data, { n, dim, k, threads: 1 });
        expect(sameCluster(e.knnGraph!.indices)).toBeGreaterThan(0.99);
        expect(sameCluster(euclidean.indices)).toBeLessThan(sameCluster(e.knnGraph!.indices));
      } else {
        // the fit's graph is the metric's exact neighbours
        expect(recallAgainst(e.knnGraph!.indices, truth.indices, n, k)).toBeGreaterThan(0.999);
      }
      const placed = await e.transform(fresh);
      expect(placed.every(Number.isFinite)).toBe(true);
      const bytes = e.save();
      const loaded = (await loadModel(bytes, { threads: 1 })) as InstanceType<typeof Embedding>;
      expect(loaded.state!.options.metric).toBe(metric);
      // the loaded model places new rows with the same bits: it searched them under the same metric
      expect(Buffer.from((await loaded.transform(fresh)).buffer).equals(Buffer.from(placed.buffer))).toBe(true);
      e.destroy();
      loaded.destroy();
    });
  }

  it("parametric under correlation: transform prepares new rows as the fit did (a training row maps to its layout bit for bit)", async () => {
    const n = 200, dim = 10;
    const data = scaledClusters(n, dim, 5);
    const e = createParametricEmbedding(data, { dim, k: 5, metric: "correlation", nEpochs: 3, batchSize: 256, threads: 1, seed: 2 });
    await e.run();
    const again = await e.transform(data.slice(0, 5 * dim));
    expect(Buffer.from(again.buffer).equals(Buffer.from(e.embedding.slice(0, 5 * 2).buffer))).toBe(true);
    e.destroy();
  });

  it("transform rows a metric cannot compare are clear errors", async () => {
    const n = 80, dim = 6;
    const e = createEmbedding(scaledClusters(n, dim, 2), { dim, k: 5, metric: "cosine", nEpochs: 5, threads: 1 });
    await e.run();
    await expect(e.transform(new Float32Array(dim))).rejects.toThrow(/transform data row 0 is all zeros/);
    e.destroy();
  });

  it("hnsw with a metric hnswlib has no space for is refused when the fit starts", async () => {
    const e = createEmbedding(scaledClusters(60, 4, 1), { dim: 4, k: 5, metric: "manhattan", knn: "hnsw", threads: 1 });
    await expect(e.run()).rejects.toThrow(/"hnsw" kNN method has no manhattan metric/);
    e.destroy();
  });
});

describe("precomputed neighbours with distances", () => {
  const n = 50, dim = 5, k = 6;
  const data = scaledClusters(n, dim, 8);

  it("knnDistances are checked: shape, finite, non-negative, only with knnIndices; kept in knnGraph", async () => {
    const { indices, distances } = await knn(data, { n, dim, k, threads: 1 });
    const e = createEmbedding(data, { dim, k, knnIndices: indices, knnDistances: distances, nEpochs: 5, threads: 1 });
    await e.run();
    expect(Array.from(e.knnGraph!.distances!)).toEqual(Array.from(distances));
    e.destroy();
    const bad = distances.slice();
    bad[7] = -1;
    expect(() => createEmbedding(data, { dim, k, knnIndices: indices, knnDistances: bad })).toThrow(/knnDistances\[7\] = -1 \(row 1\)/);
    bad[7] = NaN;
    expect(() => createEmbedding(data, { dim, k, knnIndices: indices, knnDistances: bad })).toThrow(CneInputError);
    expect(() => createEmbedding(data, { dim, k, knnIndices: indices, knnDistances: distances.slice(1) })).toThrow(/knnDistances has 299 entries/);
    expect(() => createEmbedding(data, { dim, k, knnDistances: distances })).toThrow(/knnDistances needs knnIndices/);
  });

  it("a fit that searched keeps the search's distances in knnGraph, in the data's units (scaled data too)", async () => {
    for (const [metric, factor] of [["euclidean", 1], ["manhattan", 2 ** 60], ["cosine", 2 ** -60]] as const) {
      const scaled = data.map((v) => v * factor);
      const found = await knn(scaled, { n, dim, k, metric, threads: 1 });
      const e = createEmbedding(scaled, { dim, k, metric, nEpochs: 2, threads: 1 });
      await e.run();
      expect(Array.from(e.knnGraph!.indices), metric).toEqual(Array.from(found.indices));
      expect(Array.from(e.knnGraph!.distances!), metric).toEqual(Array.from(found.distances));
      e.destroy();
    }
  });

  it("a neighbors column ({ids, distances} per row, self listed first) round-trips to knnIndices/knnDistances", async () => {
    const { indices, distances } = await knn(data, { n, dim, k, threads: 1 });
    // Embedding Atlas-style: each row lists itself at distance 0 first
    const column = neighboursToColumn(indices, distances, n, k).map((c, i) => ({ ids: [i, ...c.ids], distances: [0, ...c.distances!] }));
    const got = neighboursFromColumn(column);
    expect(got.k).toBe(k);
    expect(Array.from(got.knnIndices)).toEqual(Array.from(indices));
    expect(Array.from(got.knnDistances!)).toEqual(Array.from(distances));
    expect(neighboursFromColumn(column, 3).knnIndices.length).toBe(n * 3);
    const noDistances = column.map((c) => ({ ids: c.ids }));
    expect(neighboursFromColumn(noDistances).knnDistances).toBeUndefined();
    expect(() => neighboursFromColumn(column, k + 1)).toThrow(/lists only 6 neighbours/);
    expect(() => neighboursFromColumn([...column.slice(0, 3), { ids: [0, n + 4] }, ...column.slice(4)])).toThrow(/row 3 has id 54/);
    expect(() => neighboursFromColumn([{ ids: [1], distances: [-2] }, { ids: [0], distances: [1] }])).toThrow(/distance -2/);
  });
});

describe("cne --metric", () => {
  it("embeds 0/1 rows under jaccard, and refuses non-binary data under hamming", () => {
    const tmp = tempDir();
    try {
      const n = 60, dim = 20;
      const rows = binaryClusters(n, dim, 3, 0.05, rng(6));
      const csv = Array.from({ length: n }, (_, i) => Array.from(rows.subarray(i * dim, (i + 1) * dim)).join(",")).join("\n") + "\n";
      const input = tmp.write("bits.csv", csv);
      const ok = runCli(["embed", input, "--out", tmp.path("out.npy"), "--metric", "jaccard", "--k", "5", "--threads", "1", "--quiet"]);
      expect(ok.stderr).toBe("");
      expect(ok.status).toBe(0);
      const bad = tmp.write("halves.csv", csv.replace("0,", "0.5,"));
      const refused = runCli(["embed", bad, "--out", tmp.path("bad.npy"), "--metric", "hamming", "--k", "5", "--threads", "1"]);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/hamming .*needs 0\/1 data: data has 0.5 at row 0, column 0/);
      const unknown = runCli(["embed", input, "--out", tmp.path("u.npy"), "--metric", "cosinus"]);
      expect(unknown.status).not.toBe(0);
      expect(unknown.stderr).toMatch(/cosinus/);
    } finally {
      tmp.remove();
    }
  });
});
