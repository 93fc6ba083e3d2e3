// `--pca <n|off>` and `--target-recall`: the fit options of the neighbour search on the command line.
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { embed, loadModel, type Embedding } from "../../dist/index.js";
import { readTable } from "../../dist/cli/read.js";
import { npyFile, runCli, tempDir } from "./files.ts";
import { randomMatrix } from "../helpers.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const n = 200, dim = 120;
const data = randomMatrix(n, dim, 5);
const input = tmp.write("wide.npy", npyFile("<f4", data, [n, dim]));

describe("cne --pca", () => {
  it("embed --pca off: the API's pca: false layout bit for bit", async () => {
    const out = tmp.path("full.npy");
    const r = runCli(["embed", input, "--out", out, "--metric", "cosine", "--pca", "off", "--epochs", "6", "--threads", "1", "--quiet"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const written = (await readTable(out)).values;
    const expected = await embed(data, { dim, metric: "cosine", pca: false, nEpochs: 6, threads: 1, onWarning: () => {} });
    expect(Buffer.from(written.buffer, written.byteOffset, written.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it("fit --pca N --target-recall R keeps both in the model", async () => {
    const model = tmp.path("m.cne");
    const r = runCli(["fit", input, "--save-model", model, "--pca", "20", "--target-recall", "0.9", "--epochs", "4", "--threads", "1", "--quiet"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const loaded = (await loadModel(new Uint8Array(readFileSync(model)), { threads: 1 })) as Embedding;
    expect(loaded.state!.options).toMatchObject({ pca: 20, targetRecall: 0.9 });
    expect(loaded.state!.pca!.nComponents).toBe(20);
    loaded.destroy();
  });

  it("refuses a value that is neither an integer nor off, and a number out of range, in one line", () => {
    const word = runCli(["embed", input, "--out", tmp.path("x.npy"), "--pca", "none"]);
    expect(word.status).toBe(1);
    expect(word.stderr).toMatch(/option '--pca <n\|off>' argument 'none' is invalid\. Expected an integer or off/);
    const wide = runCli(["embed", input, "--out", tmp.path("x.npy"), "--pca", "121"]);
    expect(wide.status).toBe(1);
    expect(wide.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(wide.stderr).toMatch(/--pca = 121 asks for more principal components than the data's 120 columns/);
  });
});
