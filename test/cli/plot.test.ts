import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { decode } from "fast-png";
import { PALETTE, categoryColor, plotPng, plotSvg, writePlot } from "../../dist/cli/plot.js";
import { tempDir } from "./files.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

// Two tight groups far apart: the left one labelled "a", the right one "b".
const n = 200;
const values = new Float32Array(n * 2);
const labels: string[] = [];
for (let i = 0; i < n; i++) {
  const right = i % 2;
  values[2 * i] = (right ? 10 : -10) + Math.sin(i) * 0.5;
  values[2 * i + 1] = Math.cos(i * 1.7) * 0.5;
  labels.push(right ? "b" : "a");
}

function rgb(hex: string): number[] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Count of pixels within a tolerance of a colour, in the x range [x0, x1). */
function countNear(png: ReturnType<typeof decode>, color: number[], x0: number, x1: number, tolerance = 40): number {
  let count = 0;
  for (let y = 0; y < png.height; y++) {
    for (let x = x0; x < x1; x++) {
      const at = (y * png.width + x) * png.channels;
      if (Math.abs(png.data[at] - color[0]) + Math.abs(png.data[at + 1] - color[1]) + Math.abs(png.data[at + 2] - color[2]) < tolerance) count++;
    }
  }
  return count;
}

describe("PNG plot", () => {
  it("is a valid RGBA PNG with each class's colour where its points are, and a legend", () => {
    const png = decode(plotPng({ values, n, dim: 2, labels }));
    expect(png.channels).toBe(4);
    expect(png.depth).toBe(8);
    expect(png.height).toBe(800);
    expect(png.width).toBeGreaterThan(800); // room for the legend
    const [a, b] = [rgb(PALETTE[0]), rgb(PALETTE[1])];
    // Class "a" is on the left half of the 800-px plot area, class "b" on the right.
    expect(countNear(png, a, 0, 400)).toBeGreaterThan(50);
    expect(countNear(png, a, 400, 800)).toBe(0);
    expect(countNear(png, b, 400, 800)).toBeGreaterThan(50);
    expect(countNear(png, b, 0, 400)).toBe(0);
    // Legend swatches of both colours and dark text pixels to the right of the plot.
    expect(countNear(png, a, 800, png.width)).toBeGreaterThan(20);
    expect(countNear(png, b, 800, png.width)).toBeGreaterThan(20);
    expect(countNear(png, [51, 51, 51], 800, png.width, 5)).toBeGreaterThan(20);
    // Corners stay background white.
    expect(Array.from(png.data.slice(0, 4))).toEqual([255, 255, 255, 255]);
  });

  it("without labels: one colour, no legend", () => {
    const png = decode(plotPng({ values, n, dim: 2 }));
    expect(png.width).toBe(800);
    expect(countNear(png, rgb(PALETTE[0]), 0, 800)).toBeGreaterThan(100);
    expect(countNear(png, rgb(PALETTE[1]), 0, 800)).toBe(0);
  });

  it("many classes get distinct colours past the palette and a bounded legend", () => {
    const many = Array.from({ length: n }, (_, i) => `class ${i % 50}`);
    const colors = new Set(Array.from({ length: 50 }, (_, i) => categoryColor(i)));
    expect(colors.size).toBe(50);
    const png = decode(plotPng({ values, n, dim: 2, labels: many }));
    expect(png.height).toBeLessThan(1000);
  });
});

describe("SVG plot", () => {
  it("has one circle per point with its class colour, and a legend with text", () => {
    const svg = plotSvg({ values, n, dim: 2, labels: labels.map((l) => (l === "a" ? "a<&>" : l)) });
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect((svg.match(/<circle class="c0" cx/g) ?? []).length).toBe(n / 2);
    expect((svg.match(/<circle class="c1" cx/g) ?? []).length).toBe(n / 2);
    expect(svg).toContain(`.c0{fill:${PALETTE[0]}}`);
    expect(svg).toContain(">a&lt;&amp;&gt;</text>");
    expect(svg).toContain(">b</text>");
    // Left class left of centre, right class right of it.
    const xs = (cls: string) => [...svg.matchAll(new RegExp(`class="${cls}" cx="([\\d.]+)"`, "g"))].map((m) => Number(m[1]));
    expect(Math.max(...xs("c0"))).toBeLessThan(400);
    expect(Math.min(...xs("c1"))).toBeGreaterThan(400);
  });
});

describe("writePlot", () => {
  it("writes by extension and rejects others", async () => {
    await writePlot(tmp.path("p.png"), { values, n, dim: 2, labels });
    await writePlot(tmp.path("p.svg"), { values, n, dim: 2, labels });
    expect(decode(readFileSync(tmp.path("p.png"))).width).toBeGreaterThan(800);
    expect(readFileSync(tmp.path("p.svg"), "utf8")).toContain("<svg");
    await expect(writePlot(tmp.path("p.jpg"), { values, n, dim: 2 })).rejects.toThrow(/p\.jpg: unknown plot format \(expected \.png or \.svg\)/);
  });
});
