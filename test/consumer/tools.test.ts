// The installed package through its other doors: the `cne` command (npx, as a consumer runs it), TypeScript
// against the installed declarations, and the JSR (deno.json) entry's publish dry run.
import { describe, expect, inject, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { decode } from "fast-png";
import { runProcess } from "../runtimes/processes.js";
import { fixtureData, DIM } from "../runtimes/fixture.js";

const { app, repo } = inject("consumer");
const bin = (name: string) => join(repo, "node_modules", ".bin", name);
// the npm (and npx) that runs this suite, not the old one some dev dependencies install into node_modules/.bin
const PATH = (process.env.PATH ?? "").split(delimiter).filter((p) => !p.endsWith(join("node_modules", ".bin"))).join(delimiter);

/** The shape and values of a little-endian float32 .npy. */
function readNpyF32(file: string): { shape: number[]; values: Float32Array } {
  const bytes = readFileSync(file);
  expect([...bytes.subarray(0, 6)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString("latin1");
  // npyjs writes the dict without spaces ({'descr':'<f4',…}); numpy reads it either way
  expect(header).toMatch(/'descr': ?'<f4'/);
  const shape = /'shape': ?\(([^)]*)\)/.exec(header)![1].split(",").filter((s) => s.trim()).map(Number);
  const data = bytes.subarray(10 + headerLength);
  const values = new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return { shape, values };
}

describe("the installed package's command line, types and JSR entry", () => {
  it("npx cne embed on a CSV writes the layout (.npy) and a plot (.png)", async () => {
    const n = 600;
    const data = fixtureData();
    const lines = Array.from({ length: n }, (_, i) => [...data.subarray(i * DIM, (i + 1) * DIM)].join(",") + `,c${i % 4}`);
    writeFileSync(join(app, "points.csv"), lines.join("\n") + "\n");
    const out = await runProcess(
      "npx",
      ["--offline", "cne", "embed", "points.csv", "--label-column", "last", "--out", "layout.npy", "--plot", "layout.png", "--epochs", "30", "--seed", "3", "--threads", "2"],
      { cwd: app, env: { ...process.env, PATH }, timeoutMs: 90000 },
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/wrote layout\.npy \(600 × 2\) and layout\.png; threads build, 2 threads\n/);
    const { shape, values } = readNpyF32(join(app, "layout.npy"));
    expect(shape).toEqual([n, 2]);
    expect(values.length).toBe(n * 2);
    expect(values.every(Number.isFinite)).toBe(true);
    const png = decode(readFileSync(join(app, "layout.png")));
    expect(png.width).toBeGreaterThan(100);
    expect(png.height).toBeGreaterThan(100);
  });

  it("a consumer's TypeScript type-checks against the installed declarations (tsc --noEmit, skipLibCheck off)", async () => {
    const out = await runProcess(bin("tsc"), ["-p", "tsconfig.json"], { cwd: app, timeoutMs: 90000 });
    expect(out.code, out.stdout + out.stderr).toBe(0);
  });

  it("a wrong option and a wrong loss fail to compile, each named", async () => {
    const out = await runProcess(bin("tsc"), ["-p", "tsconfig.wrong.json"], { cwd: app, timeoutMs: 90000 });
    expect(out.code).not.toBe(0);
    expect(out.stdout).toMatch(/wrong-option\.ts\(5,\d+\): error TS2353: .*'perplexity' does not exist in type 'EmbedOptions'/);
    expect(out.stdout).toMatch(/wrong-option\.ts\(6,\d+\): error TS2322: Type '"tsne"' is not assignable/);
    expect(out.stdout.match(/error TS/g)).toHaveLength(2);
  });

  it("deno publish --dry-run accepts the deno.json (JSR) entry", async () => {
    const out = await runProcess(bin("deno"), ["publish", "--dry-run", "--allow-dirty"], { cwd: repo, timeoutMs: 120000 });
    expect(out.code, out.stderr + out.stdout).toBe(0);
    expect(out.stderr + out.stdout).toMatch(/Dry run complete/);
  });
});
