// Fuzz of the model loader, by class: a CRC-valid file whose header field or section entry lies outside what
// the format allows must be refused with a CneModelError that names that field or section, quickly and without
// the loader growing its memory by more than a few MB; a file put back together unchanged loads with the bits
// of the original. The files come from real fits and are taken apart and rebuilt by model-bytes.ts.

import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { CneModelError, createParametricEmbedding, createEmbedding, loadModel } from "../../dist/index.js";
import { runCli, tempDir } from "../cli/files.ts";
import { buildModel, parseModel, type ModelParts } from "./model-bytes.ts";

const rows = (n: number, dim: number) => Float32Array.from({ length: n * dim }, (_, i) => ((i * 7919) % 101) / 10 + (i % dim) * (Math.floor(i / dim) % 3));

const models: Record<string, Uint8Array> = {};
beforeAll(async () => {
  const e = createEmbedding(rows(60, 5), { n: 60, dim: 5, k: 5, nEpochs: 6, threads: 1 });
  await e.run();
  models.embedding = e.save();
  e.destroy();
  const wide = createEmbedding(rows(40, 120), { n: 40, dim: 120, k: 5, nEpochs: 6, threads: 1 });
  await wide.run();
  models.wide = wide.save();
  wide.destroy();
  const tsne = createEmbedding(rows(60, 5), { n: 60, dim: 5, loss: "tsne", perplexity: 5, nEpochs: 30, threads: 1 });
  await tsne.run();
  models.tsne = tsne.save();
  tsne.destroy();
  const p = createParametricEmbedding(rows(60, 5), { n: 60, dim: 5, k: 5, nEpochs: 2, threads: 1 });
  await p.run();
  models.parametric = p.save();
  p.destroy();
});

/** Values no integer field of the format takes: negative, fractional, beyond 2^31, not numbers. */
const badInteger = fc.oneof(
  fc.constantFrom(-1, -(2 ** 31), 0.5, 2 ** 31, 2 ** 40, 2 ** 53, 1e308, "3", null, true, [], {}),
  fc.double({ noInteger: true, noNaN: true }),
  fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }),
);
/** Values no positive finite field takes. */
const badPositive = fc.constantFrom(0, -1, -1e-300, 1e309, "1", null, [], {}, true);
/** In-range integers that contradict the section lengths or the other fields (most do; see `consistent`). */
const wrongCount = fc.integer({ min: 1, max: 2 ** 31 - 1 });

/** A header field, where it is, which models have it, and the class of values it must refuse. */
interface FieldClass {
  path: string[];
  models: string[];
  values: fc.Arbitrary<unknown>;
}
const CLASSES: FieldClass[] = [
  { path: ["n"], models: ["embedding", "wide", "parametric"], values: fc.oneof(badInteger, wrongCount) },
  { path: ["outDim"], models: ["embedding", "wide", "parametric"], values: fc.oneof(badInteger, fc.integer({ min: 3, max: 2 ** 31 - 1 })) },
  { path: ["k"], models: ["embedding", "wide"], values: fc.oneof(badInteger, fc.integer({ min: 6, max: 2 ** 31 - 1 })) },
  { path: ["phases"], models: ["embedding"], values: badInteger },
  { path: ["inputScaleExponent"], models: ["embedding", "parametric"], values: fc.oneof(badInteger, fc.constantFrom(-128, 150, 2000, -2000)) },
  { path: ["referenceDim"], models: ["embedding", "wide"], values: fc.oneof(badInteger, fc.integer({ min: 51, max: 2 ** 31 - 1 })) },
  { path: ["inputDim"], models: ["wide", "parametric"], values: fc.oneof(fc.constantFrom(-1, 0.5, "5", true), fc.integer({ min: 121, max: 2 ** 31 - 1 })) },
  { path: ["pca", "nComponents"], models: ["wide"], values: fc.oneof(badInteger, fc.integer({ min: 121, max: 2 ** 31 - 1 })) },
  { path: ["pca", "dim"], models: ["wide"], values: fc.oneof(badInteger, fc.integer({ min: 121, max: 2 ** 31 - 1 })) },
  { path: ["network", "hidden"], models: ["parametric"], values: fc.oneof(badInteger, fc.integer({ min: 101, max: 2 ** 31 - 1 }), fc.constantFrom(2 ** 28, 2 ** 20)) },
  { path: ["network", "hiddenLayers"], models: ["parametric"], values: fc.oneof(badInteger, fc.integer({ min: 4, max: 2 ** 31 - 1 })) },
  { path: ["network", "inDim"], models: ["parametric"], values: fc.oneof(badInteger, fc.integer({ min: 6, max: 2 ** 31 - 1 })) },
  { path: ["network", "outDim"], models: ["parametric"], values: fc.oneof(badInteger, fc.integer({ min: 3, max: 64 })) },
  { path: ["target", "loss"], models: ["embedding"], values: fc.constantFrom("tsne", "", null, 3, "NEG") },
  { path: ["target", "xi"], models: ["embedding"], values: badPositive },
  { path: ["target", "c"], models: ["embedding"], values: badPositive },
  { path: ["target", "s"], models: ["embedding"], values: fc.constantFrom(1e309, "0", null, 0.25, -3) },
  { path: ["target", "zBar"], models: ["embedding"], values: badPositive },
  { path: ["lastLoss"], models: ["embedding"], values: fc.constantFrom("tsne", null, 1) },
  { path: ["logZ"], models: ["embedding"], values: fc.constantFrom("1", true, {}, []) },
  { path: ["options", "learningRate"], models: ["embedding", "parametric"], values: badPositive },
  { path: ["options", "outDim"], models: ["embedding", "parametric"], values: fc.oneof(badInteger, fc.integer({ min: 3, max: 64 })) },
  { path: ["options", "loss"], models: ["embedding"], values: fc.constantFrom("tsne", 1, null) },
  { path: ["options", "threads"], models: ["embedding"], values: fc.constantFrom(1, 4) },
  { path: ["tsne", "perplexity"], models: ["tsne"], values: fc.oneof(badPositive, fc.double({ min: 0, max: 100, noNaN: true }).filter((x) => x !== 5)) },
  { path: ["tsne", "dof"], models: ["tsne"], values: fc.oneof(badPositive, fc.constantFrom(0.5, 2)) },
  { path: ["tsne", "z"], models: ["tsne"], values: fc.constantFrom(0, -1, -1e-300, "1", [], {}, true) },
  { path: ["tsne", "iterationZ"], models: ["tsne"], values: fc.constantFrom(0, -1, -1e-300, "1", [], {}, true) },
  { path: ["tsne"], models: ["tsne", "embedding"], values: fc.constantFrom(3, "x", [], true) },
  { path: ["lastLoss"], models: ["tsne"], values: fc.constantFrom("neg", null, 1) },
  { path: ["options", "loss"], models: ["tsne"], values: fc.constantFrom("neg", "umap", 1, null) },
  { path: ["k"], models: ["tsne"], values: fc.oneof(badInteger, fc.integer({ min: 1, max: 14 }), fc.integer({ min: 16, max: 2 ** 31 - 1 })) },
];

function withField(parts: ModelParts, path: string[], value: unknown): ModelParts {
  const header = structuredClone(parts.header);
  let at = header as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    if (at[key] === null || typeof at[key] !== "object") at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path.at(-1)!] = value;
  return { ...parts, header };
}

/** Loads the bytes; resolves with the error (undefined when the model loaded). */
async function attempt(bytes: Uint8Array): Promise<unknown> {
  try {
    const handle = await loadModel(bytes, { threads: 1 });
    handle.destroy();
    return undefined;
  } catch (error) {
    return error;
  }
}

const rss = () => process.memoryUsage().rss / 2 ** 20;

describe("loadModel under fuzzed headers", () => {
  it("a file rebuilt unchanged loads and transforms with the original's bits (the control)", async () => {
    for (const [name, bytes] of Object.entries(models)) {
      const rebuilt = buildModel(parseModel(bytes));
      const [a, b] = [await loadModel(bytes, { threads: 1 }), await loadModel(rebuilt, { threads: 1 })];
      const x = rows(4, a.dim);
      expect(await b.transform(x), name).toEqual(await a.transform(x));
      a.destroy();
      b.destroy();
    }
  });

  it("refuses every out-of-class header field with a CneModelError naming it, in bounded memory", async () => {
    const start = rss();
    let peakGrowth = 0;
    const cls = fc.constantFrom(...CLASSES).chain((c) =>
      fc.tuple(fc.constant(c), fc.constantFrom(...c.models), c.values));
    await fc.assert(
      fc.asyncProperty(cls, async ([c, model, value]) => {
        const bytes = buildModel(withField(parseModel(models[model]), c.path, value));
        const began = Date.now();
        const error = await attempt(bytes);
        const label = `${model}: ${c.path.join(".")} = ${JSON.stringify(value)}`;
        expect(error, label).toBeInstanceOf(CneModelError);
        // the message names the field (its last name), or the section whose length it sets
        const named = [c.path.join("."), `"${c.path.at(-1)}"`, c.path.at(-1)!];
        expect(named.some((name) => (error as Error).message.includes(name)), `${label}: ${(error as Error).message}`).toBe(true);
        expect(Date.now() - began, label).toBeLessThan(2000);
        peakGrowth = Math.max(peakGrowth, rss() - start);
      }),
      { numRuns: 250, seed: 22 },
    );
    expect(peakGrowth).toBeLessThan(64);
  });

  it("refuses hostile section lists: duplicates, overlaps, misaligned or outside the file, unknown types", async () => {
    type Entry = Record<string, unknown>;
    const hostile: [string, (laid: Entry[]) => unknown[], RegExp][] = [
      ["a duplicate", (l) => [...l, { ...l[0] }], /listed twice/],
      ["a duplicate name at another offset", (l) => [...l, { ...l.at(-1)!, offset: (l.at(-1)!.offset as number) }].map((e, i, all) => (i === all.length - 1 ? { ...l[0], offset: l[1].offset } : e)), /listed twice/],
      ["an overlap", (l) => l.map((e, i) => (i === 1 ? { ...e, offset: l[0].offset } : e)), /overlap/],
      ["a misaligned offset", (l) => l.map((e, i) => (i === 0 ? { ...e, offset: (e.offset as number) + 4 } : e)), /multiple of 8/],
      ["an offset past the end", (l) => l.map((e, i) => (i === 0 ? { ...e, offset: 2 ** 32 } : e)), /outside the file/],
      ["a length past the end", (l) => l.map((e, i) => (i === 0 ? { ...e, length: 2 ** 28 } : e)), /outside the file/],
      ["a negative length", (l) => l.map((e, i) => (i === 0 ? { ...e, length: -8 } : e)), /length/],
      ["a type of f64", (l) => l.map((e, i) => (i === 0 ? { ...e, type: "f64" } : e)), /type/],
      ["an entry that is not an object", (l) => [...l, 7], /not an object/],
      ["a nameless entry", (l) => [...l, { type: "f32", length: 0, offset: l[0].offset }], /no name/],
    ];
    for (const [model, bytes] of Object.entries(models)) {
      for (const [what, entries, message] of hostile) {
        const error = await attempt(buildModel(parseModel(bytes), entries as (laid: Record<string, unknown>[]) => unknown[]));
        expect(error, `${model}: ${what}`).toBeInstanceOf(CneModelError);
        expect((error as Error).message, `${model}: ${what}`).toMatch(message);
      }
    }
  });

  it("the command line blames the model, not the data file, for a hostile header", () => {
    const files = tempDir();
    try {
      const parts = withField(parseModel(models.parametric), ["network", "hidden"], 2 ** 28);
      const model = files.write("hostile.cne", buildModel(parts));
      const data = files.write("new.csv", "1,2,3,4,5\n2,3,4,5,6\n");
      const result = runCli(["transform", model, data, "--out", files.path("out.csv"), "--quiet"]);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`cne: ${model}: corrupted model: header field "network.hidden" is 268435456; it must be an integer from 1 to 4096\n`);
    } finally {
      files.remove();
    }
  });
});
