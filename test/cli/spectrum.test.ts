import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { decode } from "fast-png";
import { readTable } from "../../dist/cli/read.js";
import { gridShape } from "../../dist/cli/grid.js";
import { layoutFile, panelTitle } from "../../dist/cli/spectrum.js";
import { spectrum } from "../../dist/index.js";
import { PALETTE, plotPng } from "../../dist/cli/plot.js";
import { clusters, runCli, tempDir } from "./files.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const { rows, labels } = clusters(240, 6);
tmp.write("three.csv", rows.map((r, i) => [...r, `c${labels[i]}`].join(",")).join("\n") + "\n");

type Png = ReturnType<typeof decode>;
const rgb = (hex: string) => [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];

/** Pixels within the box whose colour is near `color`. */
function countNear(png: Png, color: number[], x0: number, x1: number, y0: number, y1: number, tolerance = 40): number {
  let count = 0;
  for (let y = y0; y < Math.min(y1, png.height); y++) {
    for (let x = x0; x < Math.min(x1, png.width); x++) {
      const at = (y * png.width + x) * png.channels;
      if (Math.abs(png.data[at] - color[0]) + Math.abs(png.data[at + 1] - color[1]) + Math.abs(png.data[at + 2] - color[2]) < tolerance) count++;
    }
  }
  return count;
}

describe("cne spectrum", () => {
  it("writes one layout per s and a grid with a titled panel per s, shared colours and one legend", async () => {
    const s = [-0.5, 0, 0.5, 1, 1.5];
    const result = runCli(["spectrum", "three.csv", "--label-column", "last", "--s", s.join(","), "--epochs", "30",
      "--step-epochs", "10", "--plot", "grid.png", "--out", "three", "--quiet"], tmp.dir);
    // 240 points are too few for the slider to run from t-SNE to UMAP (Z̄ = 100·n is above n(n − 1)/5): one warning line
    expect(result.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^cne: warning: three\.csv: on n = 240 points --s runs backwards: Z̄ at --s = 1 .* give --z-bar to place the layout directly$/)]);
    expect(result.status).toBe(0);
    for (const value of s) {
      const table = await readTable(tmp.path(layoutFile("three", value)));
      expect([table.n, table.dim]).toEqual([240, 2]);
      expect(table.values.every(Number.isFinite)).toBe(true);
    }
    const png = decode(readFileSync(tmp.path("grid.png")));
    expect(gridShape(5)).toEqual({ columns: 3, rows: 2 });
    const panel = 420, titleBand = 30, header = 36;
    expect(png.width).toBeGreaterThan(3 * panel); // room for the legend
    expect(png.height).toBe(header + 2 * (panel + titleBand));
    const ink = [51, 51, 51];
    for (let k = 0; k < 5; k++) {
      const left = (k % 3) * panel, top = header + Math.floor(k / 3) * (panel + titleBand);
      // a title over each panel, and every class's colour inside it
      expect(countNear(png, ink, left, left + panel, top, top + titleBand, 5), `title of panel ${k}`).toBeGreaterThan(40);
      for (const c of [0, 1, 2]) {
        expect(countNear(png, rgb(PALETTE[c]), left, left + panel, top + titleBand, top + titleBand + panel), `class ${c} in panel ${k}`).toBeGreaterThan(5);
      }
    }
    // the sixth cell is empty; the legend (to the right of the panels) has the three swatches
    expect(countNear(png, [255, 255, 255], 2 * panel, 3 * panel, header + panel + titleBand, png.height, 1)).toBe(panel * (png.height - header - panel - titleBand));
    for (const c of [0, 1, 2]) expect(countNear(png, rgb(PALETTE[c]), 3 * panel, png.width, 0, png.height)).toBeGreaterThan(20);
    expect(countNear(png, ink, 0, png.width, 0, header, 5), "the grid's title line").toBeGreaterThan(100);
  });

  it("panel titles name the Z̄ each fit used, the same for any number of negatives", async () => {
    const values = new Float32Array(rows.flat());
    for (const negativeSamples of [5, 20]) {
      const { layouts } = await spectrum(values, { dim: 6, s: [0, 1], negativeSamples, nEpochs: 3, stepEpochs: 1, threads: 1, onWarning: () => {} });
      expect(layouts.map(panelTitle)).toEqual(["s = 0 · Z̄ = 2.40e4", "s = 1 · Z̄ = 1.15e4"]); // 100·n and n(n − 1)/5
    }
  });

  it("layout files take their format from the prefix", () => {
    expect(layoutFile("out/run", 0.5)).toBe("out/run-s0.5.npy");
    expect(layoutFile("out/run.csv", -0.5)).toBe("out/run-s-0.5.csv");
  });

  const failures: [string, string[], RegExp][] = [
    ["nothing to write", ["spectrum", "three.csv"], /nothing to write: give --out <prefix> and\/or --plot/],
    ["bad list", ["spectrum", "three.csv", "--out", "x", "--s", "0,,1"], /Expected numbers separated by commas/],
    ["grid as SVG", ["spectrum", "three.csv", "--plot", "g.svg", "--label-column", "last"], /g\.svg: the grid plot is written as PNG/],
    ["a loss without s", ["spectrum", "three.csv", "--out", "x", "--loss", "umap", "--label-column", "last"], /three\.csv: the spectrum needs --loss "neg" or "infonce"/],
  ];
  for (const [name, args, message] of failures) {
    it(`fails in one line: ${name}`, () => {
      const result = runCli(args, tmp.dir);
      expect(result.status).toBe(1);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    });
  }
});

describe("plot titles", () => {
  const values = new Float32Array([0, 0, 1, 1, 2, 0]);
  it("a title adds a band with text above the plot", () => {
    const plain = decode(plotPng({ values, n: 3, dim: 2 }));
    const titled = decode(plotPng({ values, n: 3, dim: 2, title: "data.csv · neg · s = 0 · n = 3" }));
    expect(titled.height).toBe(plain.height + 36);
    expect(countNear(titled, [51, 51, 51], 0, titled.width, 0, 36, 5)).toBeGreaterThan(100);
    expect(countNear(plain, [51, 51, 51], 0, plain.width, 0, 36, 5)).toBe(0);
  });

  it("cne embed titles its plot with the data file, loss, s and n, or with --title", () => {
    const a = runCli(["embed", "three.csv", "--label-column", "last", "--out", "a.npy", "--plot", "a.svg", "--s", "0.5", "--quiet"], tmp.dir);
    expect(a.status).toBe(0);
    expect(readFileSync(tmp.path("a.svg"), "utf8")).toContain(">three.csv · neg · s = 0.5 · n = 240</text>");
    const b = runCli(["embed", "three.csv", "--label-column", "last", "--out", "b.npy", "--plot", "b.svg", "--title", "My <run>", "--quiet"], tmp.dir);
    expect(b.status).toBe(0);
    expect(readFileSync(tmp.path("b.svg"), "utf8")).toContain(">My &lt;run&gt;</text>");
  });
});
