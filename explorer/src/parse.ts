// Reading a dropped or fetched file into a table in the browser: CSV/TSV (optionally gzipped, a header row
// detected) or NPY. Non-numeric cells outside the label column are errors naming the line and column; NaN is
// passed on, for the library to reject with its own message.

import { parse as parseNpy } from "npyjs";

export interface Table {
  /** n × dim features, row-major (the label column taken out) */
  values: Float32Array;
  n: number;
  dim: number;
  /** every column's name (the header, or "column 0", …) */
  columns: string[];
  /** the label column's index in `columns`, or −1 */
  labelColumn: number;
  /** one label per row when there is a label column */
  labels?: string[];
}

export class TableError extends Error {
  override name = "TableError";
}

async function gunzip(bytes: ArrayBuffer): Promise<ArrayBuffer> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).arrayBuffer();
}

/** The label column asked for ("last", a 0-based index, a header name), or −1 for none. */
function labelIndex(choice: string | number | null, columns: string[]): number {
  if (choice === null || choice === "" || choice === -1) return -1;
  if (choice === "last") return columns.length - 1;
  const index = typeof choice === "number" ? choice : /^\d+$/.test(choice) ? Number(choice) : columns.indexOf(choice);
  if (index < 0 || index >= columns.length) throw new TableError(`no label column ${JSON.stringify(choice)} (the file has ${columns.length} columns)`);
  return index;
}

export async function readTable(name: string, bytes: ArrayBuffer, label: string | number | null): Promise<Table> {
  const lower = name.toLowerCase();
  const raw = lower.endsWith(".gz") ? await gunzip(bytes) : bytes;
  const base = lower.endsWith(".gz") ? lower.slice(0, -3) : lower;
  if (base.endsWith(".npy")) return fromNpy(raw, label);
  if (base.endsWith(".csv") || base.endsWith(".tsv") || base.endsWith(".txt")) {
    return fromText(new TextDecoder().decode(raw), base.endsWith(".tsv") ? "\t" : ",", label);
  }
  throw new TableError(`${name}: unknown format (open a .csv, .tsv or .npy file, optionally .gz)`);
}

function fromNpy(bytes: ArrayBuffer, label: string | number | null): Table {
  let array;
  try {
    array = parseNpy(bytes);
  } catch (e) {
    throw new TableError(`not a valid .npy file (${e instanceof Error ? e.message : String(e)})`);
  }
  if (array.shape.length !== 2) throw new TableError(`expected a 2-D array, got shape (${array.shape.join(", ")})`);
  const [n, width] = array.shape;
  const data = array.data as unknown as ArrayLike<number | bigint>;
  const all = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>, Number);
  const columns = Array.from({ length: width }, (_, j) => `column ${j}`);
  const li = labelIndex(label, columns);
  if (li < 0) return { values: all.slice(0, n * width), n, dim: width, columns, labelColumn: -1 };
  return split(all, n, width, li, columns, (v) => String(v));
}

/** Moves column `li` out of a numeric table into string labels. */
function split(all: Float32Array, n: number, width: number, li: number, columns: string[], text: (v: number, i: number) => string): Table {
  const dim = width - 1;
  if (dim < 1) throw new TableError("the label column is the only column: no features left");
  const values = new Float32Array(n * dim);
  const labels = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    values.set(all.subarray(i * width, i * width + li), i * dim);
    values.set(all.subarray(i * width + li + 1, (i + 1) * width), i * dim + li);
    labels[i] = text(all[i * width + li], i);
  }
  return { values, n, dim, columns, labelColumn: li, labels };
}

function fromText(text: string, delimiter: string, label: string | number | null): Table {
  const lines = text.split("\n");
  let header: string[] | undefined;
  const rows: string[][] = [];
  const lineOf: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (line.trim() === "") continue;
    const fields = line.split(delimiter).map((f) => f.trim().replace(/^"(.*)"$/, "$1"));
    if (!header && rows.length === 0 && fields.some((f) => f === "" || (Number.isNaN(Number(f)) && !/^[+-]?nan$/i.test(f)))) {
      // a header is a first row with a cell that is not a number; a label column of words is told apart below
      const numericElsewhere = lines.slice(i + 1).find((l) => l.trim() !== "");
      const second = numericElsewhere?.split(delimiter) ?? [];
      const wordsInBoth = fields.filter((f, j) => Number.isNaN(Number(f)) && second[j] !== undefined && Number.isNaN(Number(second[j].trim()))).length;
      if (wordsInBoth < fields.filter((f) => Number.isNaN(Number(f))).length) {
        header = fields;
        continue;
      }
    }
    rows.push(fields);
    lineOf.push(i + 1);
  }
  if (rows.length === 0) throw new TableError("no data rows");
  const width = rows[0].length;
  const columns = header ?? Array.from({ length: width }, (_, j) => `column ${j}`);
  if (columns.length !== width) throw new TableError(`the header has ${columns.length} fields but line ${lineOf[0]} has ${width}`);
  // default label column: the first one holding words
  const wordy = rows[0].findIndex((f) => Number.isNaN(Number(f)) && !/^[+-]?nan$/i.test(f));
  const li = labelIndex(label ?? (wordy >= 0 ? wordy : null), columns);
  const n = rows.length;
  const all = new Float32Array(n * width);
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const fields = rows[i];
    if (fields.length !== width) throw new TableError(`line ${lineOf[i]}: ragged row: ${fields.length} fields, expected ${width}`);
    for (let j = 0; j < width; j++) {
      if (j === li) {
        labels.push(fields[j]);
        continue;
      }
      const v = Number(fields[j]);
      if (fields[j] === "" || (Number.isNaN(v) && !/^[+-]?nan$/i.test(fields[j]))) {
        throw new TableError(`line ${lineOf[i]}, column ${j + 1}: "${fields[j].slice(0, 40)}" is not a number`);
      }
      all[i * width + j] = v;
    }
  }
  if (li < 0) return { values: all, n, dim: width, columns, labelColumn: -1 };
  return split(all, n, width, li, columns, (_v, i) => labels[i]);
}
