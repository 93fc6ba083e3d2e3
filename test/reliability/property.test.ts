// Property: random small shapes, values (ordinary, extreme, non-finite), magnitudes and options never hang,
// crash or give a non-finite layout. Each input either embeds to n × outDim finite values or is refused with
// the library's CneInputError; a CneNumericError (a NaN caught at the end of a stage) would fail the property.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CneInputError, embed } from "../../dist/index.js";

/** A run that takes longer than this counts as a hang. */
const HANG_MS = 30_000;

const value = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1, 1e-38, -1e-38, 5e-324, 1e6) },
  // few distinct values make duplicate and identical rows likely
  { weight: 2, arbitrary: fc.constantFrom(0, 1) },
);
/** At most one value the library must refuse, put somewhere in the data of some cases. */
const poison = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.record({ at: fc.nat(), value: fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e39) }) },
);

const input = fc
  .record({
    n: fc.integer({ min: 0, max: 40 }),
    dim: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 8, arbitrary: fc.integer({ min: 1, max: 5 }) }),
    // the whole matrix at ordinary, tiny and huge magnitudes (values ≤ 1e6, so × 3e32 stays a finite float32)
    scale: fc.constantFrom(1, 1, 1e-30, 1e-20, 1e20, 3e32),
    flat: fc.boolean(),
  })
  .chain(({ n, dim, scale, flat }) =>
    fc.record({
      rows: fc.array(fc.array(value, { minLength: dim, maxLength: dim }), { minLength: n, maxLength: n }),
      poison,
      n: fc.constant(n), dim: fc.constant(dim), scale: fc.constant(scale), flat: fc.constant(flat),
      options: fc.record({
        k: fc.integer({ min: 1, max: 12 }),
        loss: fc.constantFrom("neg", "nce", "infonce", "umap"),
        s: fc.double({ min: -2, max: 3, noNaN: true }),
        init: fc.constantFrom("pca", "random", "spectral"),
        outDim: fc.integer({ min: 1, max: 3 }),
        nEpochs: fc.integer({ min: 1, max: 6 }),
        knn: fc.constantFrom("auto", "exact", "nndescent"),
        seed: fc.integer({ min: 0, max: 1000 }),
      }),
    }),
  );

type Case = typeof input extends fc.Arbitrary<infer T> ? T : never;

async function outcome(c: Case): Promise<"embedded" | "refused"> {
  const { rows, n, dim, scale, flat, options, poison } = c;
  const scaled = rows.map((r) => r.map((v) => v * scale));
  if (poison && n * dim > 0) scaled[Math.floor((poison.at % (n * dim)) / dim)][poison.at % dim] = poison.value;
  const data = flat ? Float32Array.from(scaled.flat()) : scaled;
  const shape = flat ? { n, dim } : {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${HANG_MS} ms`)), HANG_MS)));
  try {
    const y = await Promise.race([embed(data, { ...shape, ...options, threads: 1, onWarning: () => {} }), hang]);
    expect(y).toBeInstanceOf(Float32Array);
    expect(y.length).toBe(n * options.outDim);
    expect(y.every(Number.isFinite)).toBe(true);
    return "embedded";
  } catch (e) {
    if (!(e instanceof CneInputError)) throw e;
    expect(e.message).toMatch(/^cne-wasm: /);
    return "refused";
  } finally {
    clearTimeout(timer);
  }
}

describe("property: small random inputs never hang, crash or return non-finite values", () => {
  it("embed() resolves to finite values or rejects with a CneInputError", async () => {
    const seen = { embedded: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(input, async (c) => {
        seen[await outcome(c)]++;
      }),
      { numRuns: 120, seed: Number(process.env.CNE_PROPERTY_SEED ?? 20261202), endOnFailure: true },
    );
    // the generator must reach both outcomes often, or the property says little
    expect(seen.embedded).toBeGreaterThan(30);
    expect(seen.refused).toBeGreaterThan(10);
  }, 600_000);
});
