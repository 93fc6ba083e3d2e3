// Choosing the label column and moving it out of a numeric table.

import { fail } from "./errors.ts";
import { isNumericLooking } from "./header.ts";
import type { LabelColumn } from "./types.ts";

export function defaultColumns(width: number): string[] {
  return Array.from({ length: width }, (_, j) => `column ${j}`);
}

/**
 * The 0-based index of the label column (−1 for none), given the row width, the header (if any) and, for
 * "auto", the first data row.
 */
export function resolveLabelColumn(labelColumn: LabelColumn | undefined, width: number, header?: readonly string[], firstRow?: readonly string[]): number {
  if (labelColumn === undefined || labelColumn === null || labelColumn === -1 || labelColumn === "") return -1;
  if (labelColumn === "last") return width - 1;
  if (labelColumn === "auto") return firstRow ? firstRow.findIndex((f) => !isNumericLooking(f)) : -1;
  const index = typeof labelColumn === "number" ? labelColumn : /^\d+$/.test(labelColumn) ? Number(labelColumn) : -1;
  if (typeof labelColumn === "number" && !(Number.isInteger(index) && index >= 0)) fail(`label column ${labelColumn} is not a 0-based index`);
  if (index >= 0) {
    if (index >= width) fail(`label column ${index} does not exist: rows have ${width} columns (0-based indices)`);
    return index;
  }
  const name = String(labelColumn);
  if (!header) fail(`label column "${name}" is a name, but the file has no header row`);
  const found = header.findIndex((h) => h.trim() === name);
  if (found < 0) {
    const shown = header.slice(0, 8).map((h) => `"${h.trim()}"`).join(", ");
    fail(`no column named "${name}" in the header (${shown}${header.length > 8 ? ", …" : ""})`);
  }
  return found;
}

/** Moves column `index` of an n × width numeric table out into labels (their decimal text). */
export function splitNumericLabels(all: Float32Array | ArrayLike<number>, n: number, width: number, index: number): { values: Float32Array; labels: string[] } {
  const dim = width - 1;
  if (dim < 1) fail("the label column is the only column: no features left");
  const values = new Float32Array(n * dim);
  const labels: string[] = new Array(n);
  for (let i = 0, at = 0; i < n; i++) {
    for (let j = 0; j < width; j++) {
      if (j === index) labels[i] = String(all[i * width + j]);
      else values[at++] = all[i * width + j];
    }
  }
  return { values, labels };
}
