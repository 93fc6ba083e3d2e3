// Degenerate data is reported, never embedded silently: identical rows are an error, fewer distinct rows
// than k + 1 a warning (onWarning, or one stderr line in the CLI). The last guard turns NaN into an error.
import { afterAll, describe, expect, it } from "vitest";
import { CneInputError, CneNumericError, createEmbedding, createParametricEmbedding, embed } from "../../dist/index.js";
import { Core } from "../../dist/core/core.js";
import { checkFiniteLayout } from "../../dist/validate/finite.js";
import { randomMatrix } from "../helpers.ts";
import { runCli, tempDir } from "../cli/files.ts";

const quick = { nEpochs: 5, threads: 1 };

/** n rows that repeat `distinct` different rows of dim values. */
function repeated(n: number, dim: number, distinct: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: dim }, (_, t) => ((i % distinct) * (t + 1)) % 7));
}

describe("degenerate data", () => {
  it("all rows identical (zero variance): a CneInputError naming the problem", async () => {
    const ones = Array.from({ length: 500 }, () => new Array(10).fill(1));
    const run = embed(ones, quick);
    await expect(run).rejects.toThrow(CneInputError);
    await expect(embed(ones, quick)).rejects.toThrow(/zero variance: all 500 rows are identical/);
    await expect(createParametricEmbedding(ones, quick).run()).rejects.toThrow(/zero variance/);
  });

  it("-0 and 0 count as the same value", async () => {
    const rows = Array.from({ length: 50 }, (_, i) => [i % 2 ? -0 : 0, 3]);
    await expect(embed(rows, quick)).rejects.toThrow(/all 50 rows are identical/);
  });

  it("fewer distinct rows than k + 1: one warning through onWarning, and a finite layout", async () => {
    const warnings: string[] = [];
    const y = await embed(repeated(200, 4, 5), { ...quick, onWarning: (m: string) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/only 5 distinct rows, fewer than k \+ 1 = 16/)]);
    expect(y.every(Number.isFinite)).toBe(true);
  });

  it("exactly k + 1 distinct rows, or ordinary data: no warning", async () => {
    const warnings: string[] = [];
    await embed(repeated(200, 4, 6), { ...quick, k: 5, onWarning: (m: string) => warnings.push(m) });
    await embed(randomMatrix(100, 3, 1), { ...quick, dim: 3, onWarning: (m: string) => warnings.push(m) });
    expect(warnings).toEqual([]);
  });

  it("onWarning must be a function", () => {
    expect(() => createEmbedding(randomMatrix(50, 2), { dim: 2, onWarning: 1 as never })).toThrow(/onWarning must be a function/);
  });
});

describe("the last guard against NaN", () => {
  it("a non-finite layout becomes a CneNumericError naming the stage and the place", async () => {
    const core = await Core.create(1);
    const ptr = core.putF32(new Float32Array([0, 1, 2, 3, 4, Number.NaN]));
    expect(() => checkFiniteLayout(core, ptr, 3, 2, "optimize")).toThrow(CneNumericError);
    expect(() => checkFiniteLayout(core, ptr, 3, 2, "optimize")).toThrow(/the optimize stage produced a non-finite layout \(NaN at row 2, column 1\)/);
    expect(() => checkFiniteLayout(core, ptr, 2, 2, "init")).not.toThrow();
    core.destroy();
  });

  it("a user layout too large for finite distances is refused", async () => {
    const init = new Float32Array(200).fill(1e7);
    await expect(embed(randomMatrix(100, 3), { ...quick, dim: 3, init })).rejects.toThrow(/init has a value of magnitude 10000000/);
  });
});

describe("the CLI reports degenerate data", () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());
  const csv = (rows: number[][]) => rows.map((r) => r.join(",")).join("\n") + "\n";

  it("identical rows: exit 1 and one line", () => {
    tmp.write("ones.csv", csv(Array.from({ length: 40 }, () => [1, 1, 1])));
    const r = runCli(["embed", "ones.csv", "--out", "o.npy", "--quiet"], tmp.dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("cne: ones.csv: data has zero variance: all 40 rows are identical, so there is nothing to embed\n");
  });

  it("few distinct rows: exit 0 and a warning line on stderr naming the flag", () => {
    tmp.write("five.csv", csv(repeated(60, 3, 5)));
    const r = runCli(["embed", "five.csv", "--out", "o.npy", "--quiet", "--epochs", "5"], tmp.dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^cne: warning: five\.csv: data has only 5 distinct rows, fewer than --k \+ 1 = 16: the neighbours of every point/);
  });

  it("an output path that cannot be written is refused before the data is read", () => {
    const r = runCli(["embed", "missing.csv", "--out", "no/such/dir/o.npy"], tmp.dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("cne: no/such/dir/o.npy: cannot write: no such file or directory\n");
    const p = runCli(["embed", "missing.csv", "--out", "o.npy", "--plot", "no/dir/p.png"], tmp.dir);
    expect(p.stderr).toBe("cne: no/dir/p.png: cannot write: no such file or directory\n");
  });
});
