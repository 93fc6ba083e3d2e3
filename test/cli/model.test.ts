// `cne fit --save-model` and `cne transform`: thin layers over save(), loadModel() and transform().
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { loadModel } from "../../dist/index.js";
import { readTable } from "../../dist/cli/read.js";
import { clusters, runCli, tempDir } from "./files.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const { rows, labels } = clusters(300, 8);
tmp.write("train.csv", rows.slice(0, 240).map((r, i) => [...r, labels[i]].join(",")).join("\n") + "\n");
tmp.write("new.csv", rows.slice(240).map((r, i) => [...r, labels[240 + i]].join(",")).join("\n") + "\n");
const newRows = new Float32Array(rows.slice(240).flat());

describe("cne fit / cne transform", () => {
  for (const parametric of [false, true]) {
    it(`fit --save-model${parametric ? " --parametric" : ""}, then transform: the API's result bit for bit`, async () => {
      const model = tmp.path(`m${parametric ? "p" : ""}.cne`), out = tmp.path(`y${parametric ? "p" : ""}.npy`);
      const fit = runCli(["fit", tmp.path("train.csv"), "--label-column", "last", "--save-model", model, "--epochs", "20", "--threads", "1",
        ...(parametric ? ["--parametric"] : []), "--quiet"]);
      expect(fit.stderr).toBe("");
      expect(fit.status).toBe(0);
      const t = runCli(["transform", model, tmp.path("new.csv"), "--label-column", "last", "--out", out]);
      expect(t.status).toBe(0);
      expect(t.stderr).toMatch(/wrote .*\(60 × 2\)/);
      const written = (await readTable(out)).values;
      const loaded = await loadModel(new Uint8Array(readFileSync(model)), { threads: 1 });
      const expected = await loaded.transform(newRows);
      loaded.destroy();
      expect(Buffer.from(written.buffer, written.byteOffset, written.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);
    });
  }

  it("transform --knn chooses the neighbour search: the API's bits for the same choice; other methods are refused", async () => {
    const model = tmp.path("m.cne"), out = tmp.path("yk.npy");
    const t = runCli(["transform", model, tmp.path("new.csv"), "--label-column", "last", "--knn", "nndescent", "--out", out]);
    expect(t.status).toBe(0);
    const written = (await readTable(out)).values;
    const loaded = await loadModel(new Uint8Array(readFileSync(model)), { threads: 1 });
    const expected = await loaded.transform(newRows, { knn: "nndescent" });
    loaded.destroy();
    expect(Buffer.from(written.buffer, written.byteOffset, written.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);
    const bad = runCli(["transform", model, tmp.path("new.csv"), "--label-column", "last", "--knn", "hnsw", "--out", out]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--knn.*hnsw|hnsw.*--knn/);
  });

  it("fails in one line on a file that is not a model, and on rows of another width", () => {
    const notModel = tmp.write("not-model.cne", "hello, world\n");
    const r = runCli(["transform", notModel, tmp.path("new.csv"), "--out", tmp.path("z.npy")]);
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/not-model\.cne: not a cne-wasm model/);
    // without --label-column the label is read as a ninth column
    const model = tmp.path("m.cne");
    const wide = runCli(["transform", model, tmp.path("new.csv"), "--out", tmp.path("z.npy")]);
    expect(wide.status).toBe(1);
    expect(wide.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(wide.stderr).toMatch(/new\.csv: has 9 columns; the model was fitted on 8/);
  });
});
