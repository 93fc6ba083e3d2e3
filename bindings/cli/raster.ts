// Drawing into an RGBA pixel buffer (white background, 8 bits per channel): antialiased discs and bitmap text.
// The PNG plots and the spectrum grid share these.

import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from "./font.ts";

export type Rgb = [number, number, number];

const INK = 51;
const COMBINING_MACRON = "\u0304";

export function rgbOf(hex: string): Rgb {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Blends an antialiased disc of the given colour and opacity into the RGBA buffer. */
export function drawDisc(rgba: Uint8Array, width: number, height: number, cx: number, cy: number, r: number, rgb: Rgb, opacity: number): void {
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

function setInk(rgba: Uint8Array, width: number, height: number, x: number, y: number): void {
  if (x < 0 || y < 0 || x >= width || y >= height) return;
  const at = (y * width + x) * 4;
  rgba[at] = rgba[at + 1] = rgba[at + 2] = INK;
}

/** Pixels across `text` at `scale` (a combining macron takes no room). */
export function textWidth(text: string, scale: number): number {
  let count = 0;
  for (const ch of text) if (ch !== COMBINING_MACRON) count++;
  return count * (GLYPH_WIDTH + 1) * scale;
}

/** Draws text with the 5 × 7 font, clipped to the buffer; a combining macron puts a bar over the glyph before it (Z̄). */
export function drawText(rgba: Uint8Array, width: number, height: number, text: string, left: number, top: number, scale: number): void {
  let x = left;
  for (const ch of text) {
    if (ch === COMBINING_MACRON) {
      const bar = top - 2 * scale;
      for (let gx = 0; gx < GLYPH_WIDTH * scale; gx++) for (let sy = 0; sy < scale; sy++) setInk(rgba, width, height, x - (GLYPH_WIDTH + 1) * scale + gx, bar + sy);
      continue;
    }
    const rows = glyph(ch);
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (!((rows[gy] >> (GLYPH_WIDTH - 1 - gx)) & 1)) continue;
        for (let sy = 0; sy < scale; sy++) {
          for (let sx = 0; sx < scale; sx++) setInk(rgba, width, height, x + gx * scale + sx, top + gy * scale + sy);
        }
      }
    }
    x += (GLYPH_WIDTH + 1) * scale;
  }
}
