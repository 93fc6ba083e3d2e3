// The command line's t-SNE end of the spectrum: `cne embed --z-bar tsne` and `cne spectrum --tsne-end`.
import { afterAll, describe, expect, it } from "vitest";
import { readTable } from "../../dist/cli/read.js";
import { layoutFile, panelTitle } from "../../dist/cli/spectrum.js";
import { plotTitle } from "../../dist/cli/embed.js";
import { clusters, runCli, tempDir } from "./files.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const { rows, labels } = clusters(240, 6);
tmp.write("three.csv", rows.map((r, i) => [...r, `c${labels[i]}`].join(",")).join("\n") + "\n");

describe("the t-SNE end on the command line", () => {
  it("cne embed --z-bar tsne fits Neg-t-SNE at a t-SNE fit's Z and titles the plot with it", async () => {
    const result = runCli(["embed", "three.csv", "--label-column", "last", "--z-bar", "tsne", "--epochs", "20", "--out", "y.npy", "--quiet"], tmp.dir);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const table = await readTable(tmp.path("y.npy"));
    expect([table.n, table.dim]).toEqual([240, 2]);
    expect(table.values.every(Number.isFinite)).toBe(true);
    expect(plotTitle("three.csv", { zBar: "tsne" }, 240, 12345)).toBe("three.csv · neg · Z̄ = Z(t-SNE) = 1.23e4 · n = 240");
    const bad = runCli(["embed", "three.csv", "--z-bar", "umap", "--out", "y.npy"], tmp.dir);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--z-bar.*Expected a number or tsne\./);
  });

  it("cne spectrum --tsne-end puts the t-SNE layout at s = 0 and walks up from it", async () => {
    const result = runCli(["spectrum", "three.csv", "--label-column", "last", "--tsne-end", "--s", "0,1", "--epochs", "100",
      "--step-epochs", "5", "--out", "walk", "--quiet"], tmp.dir);
    expect(result.status).toBe(0);
    for (const s of [0, 1]) {
      const table = await readTable(tmp.path(layoutFile("walk", s)));
      expect([table.n, table.dim]).toEqual([240, 2]);
    }
    expect(panelTitle({ s: 0, loss: "tsne", zBar: 4321, layout: new Float32Array(0), scale: 1 })).toBe("s = 0 · t-SNE · Z = 4.32e3");
    const below = runCli(["spectrum", "three.csv", "--tsne-end", "--s", "-1,0", "--out", "walk"], tmp.dir);
    expect(below.status).not.toBe(0);
    expect(below.stderr).toMatch(/every s must be ≥ 0/);
  });
});
