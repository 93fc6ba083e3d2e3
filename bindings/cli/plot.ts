// Scatter plots of a 2-D embedding, coloured by label with a legend: PNG (points drawn into an RGBA buffer,
// encoded by fast-png) or SVG (one circle per point).

import { encode } from "fast-png";
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from "./font.ts";
import { fileError } from "./errors.ts";
import { writeBytes } from "./write.ts";

export interface PlotInput {
  /** n × dim embedding, row-major; the first two columns are plotted. */
  values: Float32Array;
  n: number;
  dim: number;
  /** One label per row, or none for a single colour. */
  labels?: readonly string[];
}

/** Tableau 10, the categorical palette: distinct hues of similar weight. */
export const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

const PLOT_SIZE = 800;
const MARGIN = 20;
const LEGEND_MAX_ENTRIES = 30;
const LEGEND_ROW = 22;
const LEGEND_TEXT_SCALE = 2;
const LEGEND_MAX_CHARS = 16;

/** Colour of category i: the palette, then golden-angle hues past its end. */
export function categoryColor(i: number): string {
  if (i < PALETTE.length) return PALETTE[i];
  const hue = (i * 137.508) % 360;
  return hslToHex(hue, 0.55, 0.5);
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

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
}

/** Categories sorted numerically when all labels are numbers, else alphabetically. */
function sortCategories(labels: readonly string[]): string[] {
  const unique = [...new Set(labels)];
  if (unique.every((l) => l.trim() !== "" && Number.isFinite(Number(l)))) return unique.sort((a, b) => Number(a) - Number(b));
  return unique.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

function shortLabel(label: string): string {
  return label.length > LEGEND_MAX_CHARS ? label.slice(0, LEGEND_MAX_CHARS - 1) + "…" : label;
}

/** The geometry shared by both renderers: equal scales on both axes, the legend to the right. */
export function layout(input: PlotInput): Layout {
  const { values, n, dim, labels } = input;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = values[i * dim], y = dim > 1 ? values[i * dim + 1] : 0;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const scale = (PLOT_SIZE - 2 * MARGIN) / span;
  const offsetX = MARGIN + (PLOT_SIZE - 2 * MARGIN - (maxX - minX) * scale) / 2;
  const offsetY = MARGIN + (PLOT_SIZE - 2 * MARGIN - (maxY - minY) * scale) / 2;
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    px[i] = offsetX + (values[i * dim] - minX) * scale;
    // Screen y grows downward; flip so that the plot reads like a math plot.
    py[i] = PLOT_SIZE - (offsetY + ((dim > 1 ? values[i * dim + 1] : 0) - minY) * scale);
  }
  const categories = labels ? sortCategories(labels) : [];
  const indexOf = new Map(categories.map((c, i) => [c, i]));
  const category = new Int32Array(n);
  if (labels) for (let i = 0; i < n; i++) category[i] = indexOf.get(labels[i])!;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let state = 0x9e3779b9;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const shown = Math.min(categories.length, LEGEND_MAX_ENTRIES);
  const longest = Math.max(0, ...categories.slice(0, shown).map((c) => shortLabel(c).length), categories.length > shown ? 10 : 0);
  const legendWidth = categories.length > 0 ? 40 + longest * (GLYPH_WIDTH + 1) * LEGEND_TEXT_SCALE + MARGIN : 0;
  const legendHeight = 2 * MARGIN + (shown + (categories.length > shown ? 1 : 0)) * LEGEND_ROW;
  return {
    width: PLOT_SIZE + legendWidth,
    height: Math.max(PLOT_SIZE, legendHeight),
    px, py, category, categories, order,
    radius: Math.min(4, Math.max(1.2, (0.15 * PLOT_SIZE) / Math.sqrt(n))),
    opacity: n > 20000 ? 0.5 : 0.8,
    legendX: PLOT_SIZE,
  };
}

/** Legend rows: (text, category index or -1 for the "more" line). */
function legendEntries(categories: string[]): [string, number][] {
  if (categories.length <= LEGEND_MAX_ENTRIES) return categories.map((c, i) => [shortLabel(c), i]);
  const shown = LEGEND_MAX_ENTRIES - 1;
  return [...categories.slice(0, shown).map((c, i): [string, number] => [shortLabel(c), i]), [`+${categories.length - shown} more`, -1]];
}

function rgbOf(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Blends an antialiased disc of the given colour and opacity into the RGBA buffer. */
function drawDisc(rgba: Uint8Array, width: number, height: number, cx: number, cy: number, r: number, rgb: [number, number, number], opacity: number): void {
  const x0 = Math.max(0, Math.floor(cx - r - 1)), x1 = Math.min(width - 1, Math.ceil(cx + r + 1));
  const y0 = Math.max(0, Math.floor(cy - r - 1)), y1 = Math.min(height - 1, Math.ceil(cy + r + 1));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      const coverage = Math.min(1, Math.max(0, r + 0.5 - d));
      if (coverage <= 0) continue;
      const a = coverage * opacity;
      const at = (y * width + x) * 4;
      rgba[at] += (rgb[0] - rgba[at]) * a;
      rgba[at + 1] += (rgb[1] - rgba[at + 1]) * a;
      rgba[at + 2] += (rgb[2] - rgba[at + 2]) * a;
    }
  }
}

function drawText(rgba: Uint8Array, width: number, text: string, left: number, top: number, scale: number): void {
  let x = left;
  for (const ch of text) {
    const rows = glyph(ch);
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (!((rows[gy] >> (GLYPH_WIDTH - 1 - gx)) & 1)) continue;
        for (let sy = 0; sy < scale; sy++) {
          for (let sx = 0; sx < scale; sx++) {
            const at = ((top + gy * scale + sy) * width + x + gx * scale + sx) * 4;
            rgba[at] = rgba[at + 1] = rgba[at + 2] = 51;
          }
        }
      }
    }
    x += (GLYPH_WIDTH + 1) * scale;
  }
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
  legendEntries(plot.categories).forEach(([text, c], row) => {
    const cy = MARGIN + row * LEGEND_ROW + LEGEND_ROW / 2;
    if (c >= 0) drawDisc(rgba, width, height, plot.legendX + 12, cy, 6, colors[c], 1);
    drawText(rgba, width, text, plot.legendX + 26, Math.round(cy - (GLYPH_HEIGHT * LEGEND_TEXT_SCALE) / 2), LEGEND_TEXT_SCALE);
  });
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
      const cy = MARGIN + row * LEGEND_ROW + LEGEND_ROW / 2;
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
