// The scatter geometry of every plot (the CLI's PNG and SVG, the spectrum grid, the explorer page): the
// bounds of the points' first two coordinates, and the one scale that fits them centred into a box with
// equal units on both axes, y pointing up. No Node imports: the page bundles this file.

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export const EMPTY_BOUNDS: Readonly<Bounds> = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };

/** The bounds of n points (x = column 0, y = column 1, or 0 when dim is 1), grown from `from`. */
export function boundsOf(values: ArrayLike<number>, n: number, dim: number, from: Bounds = EMPTY_BOUNDS): Bounds {
  let { minX, minY, maxX, maxY } = from;
  for (let i = 0; i < n; i++) {
    const x = values[i * dim], y = dim > 1 ? values[i * dim + 1] : 0;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { minX, minY, maxX, maxY };
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Data → pixels: px = left + (x − minX)·scale, py = bottom − (y − minY)·scale. */
export interface ScatterFit {
  scale: number;
  minX: number;
  minY: number;
  left: number;
  bottom: number;
}

/** Pixels per data unit that fit the bounds into a width × height box (the box's size when all points coincide). */
export function fitScale(b: Bounds, width: number, height: number): number {
  const spanX = b.maxX - b.minX, spanY = b.maxY - b.minY;
  const scale = Math.min(spanX > 0 ? width / spanX : Infinity, spanY > 0 ? height / spanY : Infinity);
  return Number.isFinite(scale) ? scale : Math.min(width, height);
}

/** The bounds fitted centred into the box. */
export function fitInto(b: Bounds, box: Box): ScatterFit {
  const scale = fitScale(b, box.width, box.height);
  return {
    scale,
    minX: b.minX,
    minY: b.minY,
    left: box.left + (box.width - (b.maxX - b.minX) * scale) / 2,
    bottom: box.top + box.height - (box.height - (b.maxY - b.minY) * scale) / 2,
  };
}

export function pixelX(fit: ScatterFit, x: number): number {
  return fit.left + (x - fit.minX) * fit.scale;
}

export function pixelY(fit: ScatterFit, y: number): number {
  return fit.bottom - (y - fit.minY) * fit.scale;
}
