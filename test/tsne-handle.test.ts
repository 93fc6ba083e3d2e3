// The t-SNE handle (loss "tsne") does what the other losses' handles do: a loaded model optimises further with the
// live handle's bits (more t-SNE iterations, per-pair losses, zBar "tsne"); save() after a per-pair phase and load
// give the same layout, transform and further optimize(); the t-SNE workspace (affinities, momentum, gains,
// gradient buffers) is freed while a per-pair loss moves the layout, measured in the core's arena. On a generated
// Gaussian mixture small enough for the exact repulsion (and the interpolated one, forced).
import { describe, expect, it } from "vitest";
import { createEmbedding, Embedding, loadModel } from "../dist/index.js";
import { tsneTuning } from "../dist/tsne/optimizer.js";
import { gaussianMixture } from "./helpers.ts";
import { buildModel, parseModel } from "./fuzz/model-bytes.ts";

const n = 600, dim = 10;
const rows = gaussianMixture(n + 40, dim, 6, 1);
const data = rows.subarray(0, n * dim), held = rows.slice(n * dim);
const base = { dim, seed: 1, threads: 1, onWarning: () => {} };
const fit = { ...base, loss: "tsne" as const, nEpochs: 200 };

const sameBits = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** The handle's core (protected): its arena's top and its memory. */
const coreOf = (e: Embedding) => (e as unknown as { core: { mark(): number; memory: WebAssembly.Memory } }).core;

async function withFft<T>(on: boolean, run: () => Promise<T>): Promise<T> {
  const found = tsneTuning.fftMinPoints;
  if (on) tsneTuning.fftMinPoints = 0;
  try {
    return await run();
  } finally {
    tsneTuning.fftMinPoints = found;
  }
}

/** The calls both handles make in turn, and what each returns. */
async function walk(e: Embedding): Promise<{ name: string; value: Float32Array | number | undefined }[]> {
  const out: { name: string; value: Float32Array | number | undefined }[] = [{ name: "Z after load", value: e.tsnePartitionFunction }];
  out.push({ name: "tsne +30", value: await e.optimize({ loss: "tsne", nEpochs: 30 }) });
  out.push({ name: "KL", value: e.klDivergence });
  out.push({ name: "Z", value: e.tsnePartitionFunction });
  out.push({ name: "transform (t-SNE)", value: await e.transform(held) });
  out.push({ name: "neg at zBar tsne", value: await e.optimize({ loss: "neg", zBar: "tsne", nEpochs: 5 }) });
  out.push({ name: "transform (neg)", value: await e.transform(held) });
  out.push({ name: "tsne +20", value: await e.optimize({ loss: "tsne", nEpochs: 20 }) });
  out.push({ name: "KL again", value: e.klDivergence });
  return out;
}

function expectSame(got: Awaited<ReturnType<typeof walk>>, want: Awaited<ReturnType<typeof walk>>, what: string): void {
  expect(got.map((g) => g.name)).toEqual(want.map((w) => w.name));
  got.forEach((g, i) => {
    const w = want[i].value;
    if (w instanceof Float32Array) expect(sameBits(g.value as Float32Array, w), `${what}: ${g.name}`).toBe(true);
    else expect(g.value, `${what}: ${g.name}`).toBe(w);
  });
}

describe("optimize() of a loaded t-SNE model", () => {
  for (const fft of [false, true]) {
    it(`continues with the live handle's bits, on 1 and 2 threads (${fft ? "interpolated" : "exact"} repulsion)`, async () => {
      await withFft(fft, async () => {
        for (const threads of [1, 2]) {
          const live = createEmbedding(data, { ...fit, threads });
          try {
            await live.run();
            const bytes = live.save();
            const header = parseModel(bytes).header as { tsne: Record<string, unknown> };
            expect(header.tsne.iterationZ).toBe(live.tsnePartitionFunction);
            const m = (await loadModel(bytes, { threads })) as Embedding;
            try {
              const want = await walk(live);
              expect(want[2].value).toBeGreaterThan(0);
              expectSame(await walk(m), want, `threads=${threads}`);
            } finally {
              m.destroy();
            }
          } finally {
            live.destroy();
          }
        }
      });
    }, 60_000);
  }

  it("needs the saved momentum and gains for the live bits, rebuilds binary affinities without distances, and refuses t-SNE on a model without distances", async () => {
    const live = createEmbedding(data, fit);
    const binary = createEmbedding(data, { ...base, loss: "tsne", affinities: "binary", nEpochs: 100 });
    try {
      await live.run();
      await binary.run();
      const bytes = live.save();
      const parts = parseModel(bytes);
      const more = await live.optimize({ loss: "tsne", nEpochs: 15 });
      // without the optimiser's state the loaded fit restarts its momentum: other bits, the same affinities
      const restarted = buildModel({ ...parts, sections: parts.sections.filter((s) => s.name !== "tsneUpdate" && s.name !== "tsneGains") });
      const m = (await loadModel(restarted, { threads: 1 })) as Embedding;
      const fresh = await m.optimize({ loss: "tsne", nEpochs: 15 });
      expect(sameBits(fresh, more)).toBe(false);
      expect(Math.abs(m.klDivergence! / live.klDivergence! - 1)).toBeLessThan(0.05);
      m.destroy();

      // binary affinities are rebuilt from the neighbours alone
      const binaryBytes = binary.save();
      expect(parseModel(binaryBytes).sections.map((s) => s.name)).not.toContain("knnDistances");
      const b = (await loadModel(binaryBytes, { threads: 1 })) as Embedding;
      expect(sameBits(await b.optimize({ loss: "tsne", nEpochs: 15 }), await binary.optimize({ loss: "tsne", nEpochs: 15 }))).toBe(true);
      b.destroy();

      // a model written before the distances were kept: transform and per-pair losses, not t-SNE
      const header = structuredClone(parts.header) as { tsne: Record<string, unknown> };
      delete header.tsne.iterationZ;
      const old = buildModel({ ...parts, header, sections: parts.sections.filter((s) => s.name !== "knnDistances") });
      const o = (await loadModel(old, { threads: 1 })) as Embedding;
      const fromSaved = (await loadModel(bytes, { threads: 1 })) as Embedding;
      try {
        expect(sameBits(await o.transform(held), await fromSaved.transform(held))).toBe(true);
        await expect(o.optimize({ loss: "tsne", nEpochs: 5 })).rejects.toThrow(/keeps no distances to rebuild them from/);
        await expect(o.optimize({ loss: "neg", zBar: "tsne", nEpochs: 5 })).rejects.toThrow(/needs a t-SNE fit behind the handle/);
        expect(sameBits(await o.optimize({ loss: "neg", s: 0.5, nEpochs: 4 }), await fromSaved.optimize({ loss: "neg", s: 0.5, nEpochs: 4 }))).toBe(true);
      } finally {
        o.destroy();
        fromSaved.destroy();
      }
    } finally {
      live.destroy();
      binary.destroy();
    }
  });

  it("an abort while the affinities are rebuilt leaves the loaded model as it was", async () => {
    const live = createEmbedding(data, fit);
    try {
      await live.run();
      const m = (await loadModel(live.save(), { threads: 1 })) as Embedding;
      try {
        const controller = new AbortController();
        const stages: string[] = [];
        const aborted = m.optimize({
          loss: "tsne", nEpochs: 10, signal: controller.signal,
          onProgress: (_f, stage) => { stages.push(stage); if (stage === "affinities") controller.abort(); },
        });
        await expect(aborted).rejects.toThrow(/abort/i);
        expect(stages).toContain("affinities");
        expect(stages).not.toContain("optimize");
        expect(sameBits(await m.transform(held, { knn: "nndescent" }), await live.transform(held, { knn: "nndescent" }))).toBe(true);
        expect(sameBits(await m.optimize({ loss: "tsne", nEpochs: 10 }), await live.optimize({ loss: "tsne", nEpochs: 10 }))).toBe(true);
      } finally {
        m.destroy();
      }
    } finally {
      live.destroy();
    }
  });
});

describe("save() after a per-pair phase of a t-SNE fit", () => {
  it("saves the t-SNE fit with the current layout; the loaded model has its layout, transform and further optimize()", async () => {
    const live = createEmbedding(data, fit);
    try {
      await live.run();
      await live.optimize({ loss: "neg", s: 0.3, nEpochs: 5 });
      const bytes = live.save();
      const { version, header, sections } = parseModel(bytes);
      const length = (name: string) => sections.find((s) => s.name === name)!.bytes.length / 4;
      // the t-SNE fit (its options, 3·perplexity neighbours and their distances) with a per-pair target
      expect(version).toBe(4);
      expect(header).toMatchObject({ loss: "neg", s: 0.3, lastLoss: "neg", k: 90, options: { loss: "tsne" } });
      expect((header.target as { loss: string }).loss).toBe("neg");
      expect(header.tsne).toMatchObject({ perplexity: 30, dof: 1, z: null });
      expect((header.tsne as { iterationZ: number }).iterationZ).toBeGreaterThan(0);
      expect([length("knnIndices"), length("knnDistances")]).toEqual([n * 90, n * 90]);
      expect(sections.map((s) => s.name)).not.toContain("tsneUpdate");

      const m = (await loadModel(bytes, { threads: 1 })) as Embedding;
      try {
        expect(sameBits(m.embedding, live.embedding)).toBe(true);
        expect(Buffer.from(m.save()).equals(Buffer.from(bytes))).toBe(true);
        // the per-pair graph is rebuilt from the first 15 of the saved neighbours with the seed
        expect(m.knnGraph!.colIndices).toEqual(live.knnGraph!.colIndices);
        for (const knn of ["exact", "nndescent"] as const) {
          expect(sameBits(await m.transform(held, { knn }), await live.transform(held, { knn })), knn).toBe(true);
        }
        expect(m.tsnePartitionFunction).toBe(live.tsnePartitionFunction);
        const calls = [
          { loss: "infonce" as const, s: 0.5, nEpochs: 4 },
          { loss: "neg" as const, zBar: "tsne" as const, nEpochs: 3 },
          { loss: "tsne" as const, nEpochs: 20 },
        ];
        for (const call of calls) {
          expect(sameBits(await m.optimize(call), await live.optimize(call)), call.loss).toBe(true);
          // (a restored handle's init is "given": its saved layout)
          expect({ ...m.settings, init: undefined }).toEqual({ ...live.settings, init: undefined });
        }
        expect(m.klDivergence).toBe(live.klDivergence);
        // t-SNE moved the layout last: a t-SNE model again, which places new points with t-SNE's gradient
        expect(sameBits(await m.transform(held), await live.transform(held))).toBe(true);
        expect(parseModel(m.save()).version).toBe(3);
        expect(Buffer.from(m.save()).equals(Buffer.from(live.save()))).toBe(true);
      } finally {
        m.destroy();
      }
    } finally {
      live.destroy();
    }
  }, 60_000);

  it("refuses a state whose last loss needs a t-SNE fit it does not have", async () => {
    const e = createEmbedding(data, { ...base, nEpochs: 3 });
    const t = createEmbedding(data, fit);
    try {
      await e.run();
      await t.run();
      await expect(Embedding.fromState({ ...e.state!, lastLoss: "tsne" }, { threads: 1 })).rejects.toThrow(/state.lastLoss is "tsne": a t-SNE layout needs its fit, options.loss "tsne" \(got "neg"\)/);
      await expect(Embedding.fromState({ ...t.state!, lastLoss: "neg" }, { threads: 1 })).rejects.toThrow(/t-SNE moved the layout last/);
      const state = t.state!;
      await expect(Embedding.fromState({ ...state, tsne: { ...state.tsne!, distances: new Float32Array(5) } }, { threads: 1 })).rejects.toThrow(/state.tsne.distances must be/);
      await expect(Embedding.fromState({ ...state, tsne: { ...state.tsne!, gains: undefined } }, { threads: 1 })).rejects.toThrow(/come together/);
    } finally {
      e.destroy();
      t.destroy();
    }
  });
});

describe("the t-SNE workspace's memory", () => {
  it("is freed when a per-pair loss takes the layout (the per-pair graph takes its place), and rebuilt by t-SNE", async () => {
    const e = createEmbedding(data, fit);
    try {
      await e.run();
      const core = coreOf(e);
      const nnz = e.knnGraph!.colIndices.length;
      const afterFit = core.mark(), bytes = core.memory.buffer.byteLength;
      await e.optimize({ loss: "neg", nEpochs: 3 });
      const afterPairs = core.mark();
      // P (8 bytes per entry) and 48 bytes per point of optimiser state went; the per-pair graph, its edge list
      // and gradient buffer came, in less than half of P
      expect(afterFit - afterPairs).toBeGreaterThan(0.5 * 8 * nnz);
      expect(core.memory.buffer.byteLength).toBe(bytes);
      await e.optimize({ loss: "tsne", nEpochs: 10 });
      expect(core.mark() - afterPairs).toBeGreaterThan(8 * nnz + 48 * n);
      expect(e.knnGraph!.colIndices.length).toBe(nnz);
      // every hand-over frees it again, to the same top
      await e.optimize({ loss: "neg", s: 1, nEpochs: 3 });
      expect(core.mark()).toBe(afterPairs);
      expect(core.memory.buffer.byteLength).toBe(bytes);
    } finally {
      e.destroy();
    }
  });

  it("of the t-SNE run behind a fit at zBar \"tsne\" is freed before the per-pair fit", async () => {
    const atZ = createEmbedding(data, { ...base, zBar: "tsne", nEpochs: 3 });
    const tsne = createEmbedding(data, { ...base, loss: "tsne", nEpochs: 1 });
    try {
      await atZ.run();
      await tsne.run();
      // the fit at zBar "tsne" holds the same data, neighbours and layout as the t-SNE fit, and the per-pair graph
      // instead of t-SNE's affinities and optimiser state
      const nnz = tsne.knnGraph!.colIndices.length;
      expect(coreOf(tsne).mark() - coreOf(atZ).mark()).toBeGreaterThan(0.5 * 8 * nnz);
    } finally {
      atZ.destroy();
      tsne.destroy();
    }
  });
});
