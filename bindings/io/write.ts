// The one writer of embeddings: an n × dim float32 table as bytes of a format in the registry (.npy through
// npyjs, CSV and JSON with the shortest decimal that reads back as the same float32).

import { fail } from "./errors.ts";
import { FORMATS, OUTPUT_FORMATS, outputFormatOf, type TableFormat } from "./formats.ts";
import type { LayoutColumns } from "./arrow-write.ts";
import { npyBytes } from "./npy.ts";

/** The shortest decimal that reads back as the same float32. */
export function formatFloat32(v: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const s = v.toPrecision(digits);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(Number(v.toPrecision(9)));
}

function rowText(values: Float32Array, i: number, dim: number): string {
  const row: string[] = new Array(dim);
  for (let j = 0; j < dim; j++) row[j] = formatFloat32(values[i * dim + j]);
  return row.join(",");
}

export function tableBytes(format: TableFormat, values: Float32Array, n: number, dim: number): Uint8Array {
  if (format === "npy") return npyBytes(values, n, dim);
  if (FORMATS[format].columnar) fail(`${format} is written by writeTableBytes (it loads its library first)`);
  const rows: string[] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = format === "json" ? `[${rowText(values, i, dim)}]` : rowText(values, i, dim);
  const text = format === "csv" ? rows.join("\n") + "\n" : format === "json" ? "[\n" + rows.join(",\n") + "\n]\n" : fail(`cannot write ${format}`);
  return new TextEncoder().encode(text);
}

/** The table as bytes of the format the file name asks for. */
export function tableBytesFor(name: string, values: Float32Array, n: number, dim: number): Uint8Array {
  const format = outputFormatOf(name);
  if (!format) fail(`unknown output format (expected ${OUTPUT_FORMATS})`);
  return tableBytes(format, values, n, dim);
}

/**
 * Any output format, the columnar ones (Parquet, Arrow) with the input's metadata columns before x and y (and
 * optionally a neighbors column); their libraries load on first use.
 */
export async function writeTableBytes(format: TableFormat, values: Float32Array, n: number, dim: number, columns: LayoutColumns = {}): Promise<Uint8Array> {
  if (format !== "parquet" && format !== "arrow" && format !== "arrows") return tableBytes(format, values, n, dim);
  if (dim !== 2) fail(`${format} output holds a 2-D layout as columns x and y, not ${dim} dimensions`);
  const { layoutBytes } = await import("./columnar.ts");
  return layoutBytes(format, values, n, columns);
}
