// JSON tables: an array of rows, each an array of numbers (and a label, when a label column is asked for).

import { fail } from "./errors.ts";
import { defaultColumns, resolveLabelColumn } from "./columns.ts";
import { decodeWhole } from "./text.ts";
import type { ReadOptions, Table } from "./types.ts";

/** The 1-based line of a character offset, for JSON syntax errors. */
function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function readJson(bytes: Uint8Array, options: ReadOptions): Table {
  const text = decodeWhole(bytes, "a JSON file", ": save data this large as .csv or .npy");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    const place = at ? { line: lineOfOffset(text, Number(at[1])) } : {};
    fail(`invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`, place);
  }
  if (!Array.isArray(data)) fail("expected an array of rows (arrays of numbers)");
  if (data.length === 0) fail("no data rows");
  const first = data[0];
  if (!Array.isArray(first)) fail("not an array: expected an array of numbers", { row: 0 });
  options.onRowBound?.({ atMost: data.length, exact: true });
  const width = first.length;
  const firstRow = first.map((v) => (typeof v === "number" ? String(v) : typeof v === "string" ? v : ""));
  const labelIndex = resolveLabelColumn(options.labelColumn, width, undefined, firstRow);
  const dim = width - (labelIndex >= 0 ? 1 : 0);
  if (dim < 1) fail("rows have no feature columns", { row: 0 });
  const values = new Float32Array(data.length * dim);
  const labels: string[] = [];
  let at = 0;
  for (let i = 0; i < data.length; i++) {
    const row: unknown = data[i];
    if (!Array.isArray(row)) fail("not an array: expected an array of numbers", { row: i });
    if (row.length !== width) fail(`ragged row: ${row.length} values, expected ${width} (as in row 0)`, { row: i });
    for (let j = 0; j < width; j++) {
      const v: unknown = row[j];
      if (j === labelIndex) {
        if (typeof v !== "string" && typeof v !== "number") fail(`label ${JSON.stringify(v)} is not a string or number`, { row: i, index: j });
        labels.push(String(v));
        continue;
      }
      if (typeof v !== "number") fail(`${JSON.stringify(v)} is not a number`, { row: i, index: j });
      if (!Number.isFinite(Math.fround(v))) fail(`${v} is outside the float32 range`, { row: i, index: j });
      values[at++] = v;
    }
  }
  return { values, n: data.length, dim, columns: defaultColumns(width), labelColumn: labelIndex, labels: labelIndex >= 0 ? labels : undefined };
}
