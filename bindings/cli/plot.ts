// Scatter plots of a 2-D embedding, coloured by label with a legend: PNG (points drawn into an RGBA buffer,
// encoded by fast-png) or SVG (one circle per point).

import { encode } from "fast-png";
import { GLYPH_HEIGHT, GLYPH_WIDTH } from "./font.ts";
import { drawDisc, drawText, rgbOf, textWidth } from "./raster.ts";
import { categoriesOf, categoryColor, shuffledOrder } from "../plot/palette.ts";
import { boundsOf, fitInto, pixelX, pixelY } from "../plot/geometry.ts";
import { fileError } from "./errors.ts";
import { writeBytes } from "./write.ts";

export interface PlotInput {
  /** n × dim embedding, row-major; the first two columns are plotted. */
  values: Float32Array;
  n: number;
  dim: number;
  /** One label per row, or none for a single colour. */
  labels?: readonly string[];
  /** A line of text above the plot. */
  title?: string;
}

export { PALETTE, categoryColor, shuffledOrder, sortCategories } from "../plot/palette.ts";

const PLOT_SIZE = 800;
const MARGIN = 20;
const LEGEND_MAX_ENTRIES = 30;
const LEGEND_ROW = 22;
const LEGEND_TEXT_SCALE = 2;
const LEGEND_MAX_CHARS = 16;
/** Height of the title band above a plot, and the title text scale. */
export const TITLE_BAND = 36;
export const TITLE_TEXT_SCALE = 2;

export interface Layout {
  width: number;
  height: number;
  /** Pixel x, y of each point. */
  px: Float64Array;
  py: Float64Array;
  /** Category of each point (0 without labels). */
  category: Int32Array;
  /** Category names in legend order (empty without labels). */
  categories: string[];
  /** Drawing order: a fixed shuffle, so that no class systematically covers another. */
  order: Int32Array;
  radius: number;
  opacity: number;
  legendX: number;
  /** y of the plot's top edge (below the title band) */
  top: number;
}

function shortLabel(label: string): string {
  return label.length > LEGEND_MAX_CHARS ? label.slice(0, LEGEND_MAX_CHARS - 1) + "…" : label;
}

/** The geometry shared by both renderers: equal scales on both axes, the legend to the right. */
export function layout(input: PlotInput): Layout {
  const { values, n, dim, labels } = input;
  const top = input.title ? TITLE_BAND : 0;
  const fit = fitInto(boundsOf(values, n, dim), { left: MARGIN, top: top + MARGIN, width: PLOT_SIZE - 2 * MARGIN, height: PLOT_SIZE - 2 * MARGIN });
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    px[i] = pixelX(fit, values[i * dim]);
    py[i] = pixelY(fit, dim > 1 ? values[i * dim + 1] : 0);
  }
  const { categories, category } = categoriesOf(labels, n);
  const order = shuffledOrder(n);
  const legend = legendWidth(categories);
  return {
    width: Math.max(PLOT_SIZE + legend, input.title ? textWidth(input.title, TITLE_TEXT_SCALE) + 2 * MARGIN : 0),
    height: top + Math.max(PLOT_SIZE, legendHeight(categories)),
    top,
    px, py, category, categories, order,
    radius: Math.min(4, Math.max(1.2, (0.15 * PLOT_SIZE) / Math.sqrt(n))),
    opacity: n > 20000 ? 0.5 : 0.8,
    legendX: PLOT_SIZE,
  };
}

/** Legend rows: (text, category index or -1 for the "more" line). */
export function legendEntries(categories: string[]): [string, number][] {
  if (categories.length <= LEGEND_MAX_ENTRIES) return categories.map((c, i) => [shortLabel(c), i]);
  const shown = LEGEND_MAX_ENTRIES - 1;
  return [...categories.slice(0, shown).map((c, i): [string, number] => [shortLabel(c), i]), [`+${categories.length - shown} more`, -1]];
}

/** Draws the legend (a disc and a name per category) with its top-left corner at (x, top). */
export function drawLegend(
  rgba: Uint8Array, width: number, height: number, categories: string[], colors: [number, number, number][], x: number, top: number,
): void {
  legendEntries(categories).forEach(([text, c], row) => {
    const cy = top + MARGIN + row * LEGEND_ROW + LEGEND_ROW / 2;
    if (c >= 0) drawDisc(rgba, width, height, x + 12, cy, 6, colors[c], 1);
    drawText(rgba, width, height, text, x + 26, Math.round(cy - (GLYPH_HEIGHT * LEGEND_TEXT_SCALE) / 2), LEGEND_TEXT_SCALE);
  });
}

/** Height in pixels of the legend column. */
export function legendHeight(categories: string[]): number {
  const shown = Math.min(categories.length, LEGEND_MAX_ENTRIES);
  return 2 * MARGIN + (shown + (categories.length > shown ? 1 : 0)) * LEGEND_ROW;
}

/** Width in pixels of the legend column for these categories (0 without labels). */
export function legendWidth(categories: string[]): number {
  if (categories.length === 0) return 0;
  const shown = Math.min(categories.length, LEGEND_MAX_ENTRIES);
  const longest = Math.max(0, ...categories.slice(0, shown).map((c) => shortLabel(c).length), categories.length > shown ? 10 : 0);
  return 40 + longest * (GLYPH_WIDTH + 1) * LEGEND_TEXT_SCALE + MARGIN;
}

/** The plot as PNG bytes (8-bit RGBA). */
export function plotPng(input: PlotInput): Uint8Array {
  const plot = layout(input);
  const { width, height } = plot;
  const rgba = new Uint8Array(width * height * 4).fill(255);
  const colors = (plot.categories.length > 0 ? plot.categories : ["all"]).map((_, i) => rgbOf(categoryColor(i)));
  for (let t = 0; t < input.n; t++) {
    const i = plot.order[t];
    drawDisc(rgba, width, height, plot.px[i], plot.py[i], plot.radius, colors[plot.category[i]], plot.opacity);
  }
  drawLegend(rgba, width, height, plot.categories, colors, plot.legendX, plot.top);
  if (input.title) drawText(rgba, width, height, input.title, MARGIN, Math.round((TITLE_BAND - GLYPH_HEIGHT * TITLE_TEXT_SCALE) / 2), TITLE_TEXT_SCALE);
  return encode({ width, height, data: rgba, depth: 8, channels: 4 });
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** The plot as an SVG document. */
export function plotSvg(input: PlotInput): string {
  const plot = layout(input);
  const count = Math.max(1, plot.categories.length);
  const styles = Array.from({ length: count }, (_, i) => `.c${i}{fill:${categoryColor(i)}}`).join("");
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${plot.width}" height="${plot.height}" viewBox="0 0 ${plot.width} ${plot.height}">`,
    `<style>${styles}circle{fill-opacity:${plot.opacity}}text{font:13px sans-serif;fill:#333}</style>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...(input.title ? [`<text x="${MARGIN}" y="${TITLE_BAND / 2 + 5}" style="font-size:16px">${escapeXml(input.title)}</text>`] : []),
    `<g>`,
  ];
  const r = plot.radius.toFixed(2);
  for (let t = 0; t < input.n; t++) {
    const i = plot.order[t];
    parts.push(`<circle class="c${plot.category[i]}" cx="${plot.px[i].toFixed(1)}" cy="${plot.py[i].toFixed(1)}" r="${r}"/>`);
  }
  parts.push(`</g>`);
  if (plot.categories.length > 0) {
    parts.push(`<g>`);
    legendEntries(plot.categories).forEach(([, c], row) => {
      const cy = plot.top + MARGIN + row * LEGEND_ROW + LEGEND_ROW / 2;
      const text = c >= 0 ? plot.categories[c] : `+${plot.categories.length - (LEGEND_MAX_ENTRIES - 1)} more`;
      if (c >= 0) parts.push(`<circle class="c${c}" style="fill-opacity:1" cx="${plot.legendX + 12}" cy="${cy}" r="6"/>`);
      parts.push(`<text x="${plot.legendX + 26}" y="${cy + 4.5}">${escapeXml(text)}</text>`);
    });
    parts.push(`</g>`);
  }
  parts.push(`</svg>\n`);
  return parts.join("\n");
}

export type PlotFormat = "png" | "svg";

export function plotFormatOf(file: string): PlotFormat | undefined {
  const ext = file.toLowerCase().slice(file.lastIndexOf(".") + 1);
  return ext === "png" || ext === "svg" ? ext : undefined;
}

export async function writePlot(file: string, input: PlotInput): Promise<void> {
  const format = plotFormatOf(file);
  if (!format) fileError(file, "unknown plot format (expected .png or .svg)");
  await writeBytes(file, format === "png" ? plotPng(input) : plotSvg(input));
}
