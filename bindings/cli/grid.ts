// One PNG of a spectrum series: a panel per layout, each titled, all on the same axes (the layouts are aligned,
// so a point sits in the same place from panel to panel), one colour per label and one legend for all.

import { encode } from "fast-png";
import { GLYPH_HEIGHT } from "./font.ts";
import { drawLegend, legendHeight, legendWidth, TITLE_BAND, TITLE_TEXT_SCALE } from "./plot.ts";
import { categoriesOf, categoryColor, shuffledOrder } from "../plot/palette.ts";
import { boundsOf, EMPTY_BOUNDS, fitInto, pixelX, pixelY } from "../plot/geometry.ts";
import { drawDisc, drawText, rgbOf, textWidth } from "./raster.ts";

export interface GridInput {
  /** One n × dim layout (first two columns plotted) and its title per panel. */
  panels: { values: Float32Array; title: string }[];
  n: number;
  dim: number;
  labels?: readonly string[];
  /** A line above the grid. */
  title?: string;
}

const PANEL = 420;
const PANEL_TITLE = 30;
const PANEL_MARGIN = 14;
const MAX_COLUMNS = 3;

/** Columns and rows of the grid: up to three panels a row. */
export function gridShape(panels: number): { columns: number; rows: number } {
  const columns = Math.min(MAX_COLUMNS, panels);
  return { columns, rows: Math.ceil(panels / columns) };
}

/** The grid as PNG bytes (8-bit RGBA). */
export function gridPng(input: GridInput): Uint8Array {
  const { panels, n, dim, labels } = input;
  const { columns, rows } = gridShape(panels.length);
  const top = input.title ? TITLE_BAND : 0;
  const { categories, category } = categoriesOf(labels, n);
  const legendX = columns * PANEL;
  const width = Math.max(legendX + legendWidth(categories), input.title ? textWidth(input.title, TITLE_TEXT_SCALE) + 40 : 0);
  const height = top + Math.max(rows * (PANEL + PANEL_TITLE), legendHeight(categories));
  const rgba = new Uint8Array(width * height * 4).fill(255);

  // shared limits: the panels are comparable only on the same axes
  const bounds = panels.reduce((b, p) => boundsOf(p.values, n, dim, b), EMPTY_BOUNDS);
  const inner = PANEL - 2 * PANEL_MARGIN;

  const colors = (categories.length > 0 ? categories : ["all"]).map((_, i) => rgbOf(categoryColor(i)));
  const order = shuffledOrder(n);
  const radius = Math.min(3, Math.max(0.9, (0.12 * PANEL) / Math.sqrt(n)));
  const opacity = n > 20000 ? 0.5 : 0.8;

  panels.forEach((p, k) => {
    const left = (k % columns) * PANEL, panelTop = top + Math.floor(k / columns) * (PANEL + PANEL_TITLE);
    drawText(rgba, width, height, p.title, left + PANEL_MARGIN, panelTop + Math.round((PANEL_TITLE - GLYPH_HEIGHT * 2) / 2) + 2, 2);
    frame(rgba, width, left + 4, panelTop + PANEL_TITLE, PANEL - 8, PANEL - 4);
    const fit = fitInto(bounds, { left: left + PANEL_MARGIN, top: panelTop + PANEL_TITLE + PANEL_MARGIN, width: inner, height: inner });
    for (let t = 0; t < n; t++) {
      const i = order[t];
      const x = pixelX(fit, p.values[i * dim]);
      const y = pixelY(fit, dim > 1 ? p.values[i * dim + 1] : 0);
      drawDisc(rgba, width, height, x, y, radius, colors[category[i]], opacity);
    }
  });
  drawLegend(rgba, width, height, categories, colors, legendX, top + PANEL_TITLE);
  if (input.title) drawText(rgba, width, height, input.title, 20, Math.round((TITLE_BAND - GLYPH_HEIGHT * TITLE_TEXT_SCALE) / 2) + 2, TITLE_TEXT_SCALE);
  return encode({ width, height, data: rgba, depth: 8, channels: 4 });
}

/** A light grey rectangle outline around a panel's plotting area. */
function frame(rgba: Uint8Array, width: number, x0: number, y0: number, w: number, h: number): void {
  const grey = 225;
  const put = (x: number, y: number) => {
    const at = (y * width + x) * 4;
    rgba[at] = rgba[at + 1] = rgba[at + 2] = grey;
  };
  for (let x = x0; x < x0 + w; x++) { put(x, y0); put(x, y0 + h - 1); }
  for (let y = y0; y < y0 + h; y++) { put(x0, y); put(x0 + w - 1, y); }
}
