// Fuzz of the option bounds, by class: a value outside an option's range is refused before any work with an
// error that names the option and the range; a value inside it either fits to a finite layout or, where the
// bound depends on the data (ξ' of "neg", c = 4^s of "infonce"), is refused naming the option and the range on
// this data; never a NaN deep in the fit. Degenerate settings (extreme ξ', k near n) warn.

import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { CneInputError, createEmbedding, createParametricEmbedding, embed } from "../../dist/index.js";
import { runCli, tempDir } from "../cli/files.ts";

const n = 100, dim = 4;
const data = Float32Array.from({ length: n * dim }, (_, i) => ((i * 7919) % 97) / 10 + 5 * (Math.floor(i / dim) % 4));
/** The default negatives for n = 100: max(5, min(30, (n − 1)/200)). */
const m = 5;
const quick = { n, dim, nEpochs: 3, threads: 1 };

/** Numbers no number option takes, whatever its range. */
const nonNumbers = fc.constantFrom(Number.NaN, Infinity, -Infinity, "1", null, true, [], {});
const TABLE = {
  s: [-100, 100], zBar: [1e-30, 1e38], c: [1e-20, 1e20], learningRate: [1e-30, 1e5],
} as const;
const LOSS_OF: Record<string, string> = { s: "neg", zBar: "neg", c: "infonce", learningRate: "neg" };

/** A double outside [lo, hi], from just past a bound to the extremes of the format. */
const outside = (lo: number, hi: number) => fc.oneof(
  fc.double({ min: hi, max: Number.MAX_VALUE, noNaN: true }).filter((x) => x > hi),
  fc.double({ min: -Number.MAX_VALUE, max: lo, noNaN: true }).filter((x) => x < lo),
  fc.constantFrom(hi * (1 + 1e-12), lo === 0 ? -Number.MIN_VALUE : lo * (1 - 1e-12), Number.MIN_VALUE, -0.5e-320, 1e-320),
).filter((x) => !(x >= lo && x <= hi));
/** A double inside [lo, hi], spread over its orders of magnitude (and its sign, for s). */
const inside = (lo: number, hi: number) => lo < 0
  ? fc.double({ min: lo, max: hi, noNaN: true })
  : fc.double({ min: Math.log10(lo), max: Math.log10(hi), noNaN: true }).map((e) => Math.min(hi, Math.max(lo, 10 ** e)));

/** What the maths allows on this data, computed independently of the library. */
function dataBound(name: string, value: number): "ok" | "refused" {
  if (name === "s") {
    const xi = (m * 100 * n * Math.pow((n - 1) / (100 * m), value)) / (n * (n - 1));
    return xi >= 1e-6 && xi <= 1e30 ? "ok" : "refused";
  }
  if (name === "zBar") {
    const xi = (m * value) / (n * (n - 1));
    return xi >= 1e-6 && xi <= 1e30 ? "ok" : "refused";
  }
  return "ok";
}

function maxAbs(y: Float32Array): number {
  let largest = 0;
  for (const v of y) largest = Math.max(largest, Math.abs(v));
  return largest;
}

describe("option bounds under fuzzed values", () => {
  it("a value outside an option's range is refused at creation, naming the option and its range", () => {
    const names = Object.keys(TABLE) as (keyof typeof TABLE)[];
    fc.assert(
      fc.property(fc.constantFrom(...names).chain((name) => fc.tuple(fc.constant(name), fc.oneof(outside(...TABLE[name]), nonNumbers))), ([name, value]) => {
        const options = { ...quick, loss: LOSS_OF[name], [name]: value } as never;
        expect(() => createEmbedding(data, options), `${name} = ${String(value)}`).toThrow(CneInputError);
        expect(() => createEmbedding(data, options)).toThrow(new RegExp(`${name} must be a (positive|finite) number from`));
      }),
      { numRuns: 200, seed: 22 },
    );
  });

  it("integer options outside their range are refused, naming the option and the range", () => {
    const INTEGERS = { k: [1, 1000], nEpochs: [1, 1_000_000], negativeSamples: [1, 4096], threads: [1, 256], outDim: [1, 64], batchSize: [1, 2 ** 30] } as const;
    const names = Object.keys(INTEGERS) as (keyof typeof INTEGERS)[];
    const bad = (lo: number, hi: number) => fc.oneof(
      fc.integer({ min: hi + 1, max: 2 ** 53 }), fc.integer({ min: -(2 ** 53), max: lo - 1 }),
      fc.double({ noInteger: true }), nonNumbers,
    );
    fc.assert(
      fc.property(fc.constantFrom(...names).chain((name) => fc.tuple(fc.constant(name), bad(...INTEGERS[name]))), ([name, value]) => {
        expect(() => createEmbedding(data, { ...quick, [name]: value } as never), `${name} = ${String(value)}`)
          .toThrow(new RegExp(`${name} must be an integer from ${INTEGERS[name][0]} to ${INTEGERS[name][1]}`));
      }),
      { numRuns: 150, seed: 22 },
    );
  });

  it("a value inside the range fits to a finite layout, or is refused naming the range it has on this data", async () => {
    const names = Object.keys(TABLE) as (keyof typeof TABLE)[];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names).chain((name) => fc.tuple(fc.constant(name), inside(...TABLE[name]))), async ([name, value]) => {
        const label = `${name} = ${value}`;
        const warnings: string[] = [];
        const options = { ...quick, loss: LOSS_OF[name], [name]: value, onWarning: (w: string) => warnings.push(w) } as never;
        const expected = dataBound(name, value);
        let outcome: "ok" | "refused";
        try {
          const y = await embed(data, options);
          expect(maxAbs(y), label).toBeLessThan(1e7);
          outcome = "ok";
        } catch (error) {
          expect(error, `${label}: ${String(error)}`).toBeInstanceOf(CneInputError);
          expect((error as Error).message, label).toMatch(new RegExp(`${name} = .* must lie in \\[`));
          outcome = "refused";
        }
        expect(outcome, label).toBe(expected);
        if (name === "s" && outcome === "ok") {
          const xi = (100 * m / (n - 1)) * Math.pow((n - 1) / (100 * m), value);
          expect(warnings.some((w) => w.includes("ξ'")), `${label}: ξ' = ${xi}`).toBe(xi < 1e-4 || xi > 1e6);
        }
      }),
      { numRuns: 40, seed: 22 },
    );
  });

  it("the parametric mode keeps its layout finite at the learning rate's bounds", async () => {
    for (const learningRate of [1e-30, 1, 1e5]) {
      const p = createParametricEmbedding(data, { ...quick, nEpochs: 2, learningRate });
      try {
        const y = await p.run();
        expect(y.every(Number.isFinite), `learningRate = ${learningRate}`).toBe(true);
      } finally {
        p.destroy();
      }
    }
  });

  it("a nearly complete kNN graph (k + 1 > n/2) warns that the layout collapses; k + 1 ≤ n/2 does not", () => {
    for (const [rows, k, warns] of [[16, 15, true], [31, 15, true], [32, 15, false], [100, 15, false]] as const) {
      const warnings: string[] = [];
      createEmbedding(data.subarray(0, rows * dim), { n: rows, dim, k, onWarning: (w: string) => warnings.push(w) }).destroy();
      expect(warnings.some((w) => w.includes("collapses toward a point")), `n = ${rows}, k = ${k}`).toBe(warns);
    }
  });
});

describe("command-line errors name the flags the user typed", () => {
  const files = tempDir();
  const two = files.write("two.csv", Array.from({ length: 100 }, (_, i) => `${(i * 37) % 11},${i % 3 + ((i * 13) % 7) / 7}`).join("\n") + "\n");
  const one = files.write("one.csv", Array.from({ length: 100 }, (_, i) => `${(i * 0.37) % 11}`).join("\n") + "\n");
  afterAll(() => files.remove());

  // each case: the arguments, the flag the message must name, and the API names it must not
  const CASES: [string[], string, string[]][] = [
    [["embed", two, "--s", "-50"], "--s", ["zBar"]],
    [["embed", two, "--s", "1e308"], "--s", []],
    [["embed", two, "--z-bar", "1e-320"], "--z-bar", ["zBar"]],
    [["embed", two, "--epochs", "0"], "--epochs", ["nEpochs"]],
    [["embed", two, "--negatives", "5000"], "--negatives", ["negativeSamples"]],
    [["embed", one], "--init", ["nComponents", "outDim"]],
    [["spectrum", two, "--step-epochs", "0"], "--step-epochs", ["stepEpochs"]],
  ];
  for (const [args, flag, apiNames] of CASES) {
    it(`${args.slice(2).join(" ") || args[0] + " of 1-column data"}: names ${flag}`, () => {
      const result = runCli([...args, "--out", files.path(args[0] === "spectrum" ? "sp" : "out.csv"), "--quiet"]);
      expect(result.status).toBe(1);
      // one error line (warnings about the data, e.g. the slider on n ≤ 501 points, may come before it)
      expect(result.stderr.split("\n").filter((l) => l && !l.startsWith("cne: warning:"))).toHaveLength(1);
      expect(result.stderr).toContain(flag);
      for (const name of apiNames) expect(result.stderr).not.toMatch(new RegExp(`(^|[^-\\w])${name}\\b`));
    });
  }
});

describe("new rows far outside the training data's magnitude", () => {
  it("a parametric transform refuses them naming the magnitude (not a NaN deep in the network)", async () => {
    const p = createParametricEmbedding(data.map((v) => v * 1e-30), { ...quick, nEpochs: 2 });
    try {
      await p.run();
      await expect(p.transform(new Float32Array(2 * dim).fill(1e10))).rejects.toThrow(/overflow float32/);
      const scale = createParametricEmbedding(data, { ...quick, nEpochs: 2 });
      await scale.run();
      await expect(scale.transform(new Float32Array(2 * dim).fill(1e30))).rejects.toThrow(/reach \|x\| = 1\.00e\+30, beyond the 2\^64/);
      expect((await scale.transform(new Float32Array(2 * dim).fill(1e3))).every(Number.isFinite)).toBe(true);
      scale.destroy();
    } finally {
      p.destroy();
    }
  });
});
