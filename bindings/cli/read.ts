// Readers of the input formats (.npy, .csv, .tsv, optionally gzipped, .json) and of label files. Each returns
// one row-major Float32Array with its shape, or names the file, the place and the problem.

import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { parse as parseNpy, type NpyArray } from "npyjs";
import { CliError, describeSystemError, fileError } from "./errors.ts";

export interface Table {
  /** n × dim values, row-major. */
  values: Float32Array;
  n: number;
  dim: number;
  /** One label per row, when a label column was taken out of the file. */
  labels?: string[];
  /** Column names, when the text file had a header row. */
  header?: string[];
}

/** Which column holds the labels: a header name, a 0-based index, or "last". */
export type LabelColumn = string | number;

export const INPUT_FORMATS = ".npy, .csv, .tsv, .json (text formats optionally .gz)";

type Format = "npy" | "csv" | "tsv" | "json";

/** The format of a path by its extension, with whether it is gzipped; undefined when unknown. */
export function formatOf(file: string): { format: Format; gzip: boolean } | undefined {
  const lower = file.toLowerCase();
  const gzip = lower.endsWith(".gz");
  const base = gzip ? lower.slice(0, -3) : lower;
  const ext = base.slice(base.lastIndexOf(".") + 1);
  if (ext !== "npy" && ext !== "csv" && ext !== "tsv" && ext !== "json") return undefined;
  if (gzip && ext === "npy") return undefined;
  return { format: ext, gzip };
}

async function readBytes(file: string, gzip: boolean): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    fileError(file, `cannot read: ${describeSystemError(error)}`);
  }
  if (!gzip) return bytes;
  try {
    return gunzipSync(bytes);
  } catch {
    fileError(file, "not a valid gzip file");
  }
}

function decodeText(file: string, bytes: Uint8Array): string {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    fileError(file, "not UTF-8 text");
  }
}

/** Reads a data file; `labelColumn` moves one column out of the features into `labels`. */
export async function readTable(file: string, labelColumn?: LabelColumn): Promise<Table> {
  const kind = formatOf(file);
  if (!kind) fileError(file, `unknown input format (expected ${INPUT_FORMATS})`);
  const bytes = await readBytes(file, kind.gzip);
  if (kind.format === "npy") return splitLabels(file, readNpyMatrix(file, bytes), labelColumn);
  const text = decodeText(file, bytes);
  if (kind.format === "json") return readJson(file, text, labelColumn);
  return readDelimited(file, text, kind.format === "tsv" ? "\t" : ",", labelColumn);
}

/** A numeric cell's value, or an error naming its line and column. */
function parseCell(file: string, cell: string, line: number, column: number): number {
  const s = cell.trim();
  if (s === "") fileError(file, "empty cell", { line, column });
  const v = Number(s);
  if (Number.isNaN(v)) {
    if (/^[+-]?nan$/i.test(s)) fileError(file, "NaN value", { line, column });
    fileError(file, `"${s.length > 40 ? s.slice(0, 40) + "…" : s}" is not a number`, { line, column });
  }
  if (!Number.isFinite(v) || !Number.isFinite(Math.fround(v))) {
    fileError(file, `${s} is infinite or outside the float32 range`, { line, column });
  }
  return v;
}

/** Splits one line into fields; quotes are honoured (a field may contain the delimiter, "" is a quote). */
function splitFields(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

function isNumeric(cell: string): boolean {
  const s = cell.trim();
  return s !== "" && !Number.isNaN(Number(s));
}

/** The 0-based index of the label column, given the row width and the header (if any). */
function resolveLabelColumn(file: string, labelColumn: LabelColumn, width: number, header?: string[]): number {
  if (labelColumn === "last") return width - 1;
  const index = typeof labelColumn === "number" ? labelColumn : /^\d+$/.test(labelColumn) ? Number(labelColumn) : -1;
  if (index >= 0) {
    if (index >= width) fileError(file, `label column ${index} does not exist: rows have ${width} columns (0-based indices)`);
    return index;
  }
  const name = String(labelColumn);
  if (!header) fileError(file, `label column "${name}" is a name, but the file has no header row`);
  const found = header.findIndex((h) => h.trim() === name);
  if (found < 0) {
    const shown = header.slice(0, 8).map((h) => `"${h.trim()}"`).join(", ");
    fileError(file, `no column named "${name}" in the header (${shown}${header.length > 8 ? ", …" : ""})`);
  }
  return found;
}

function readDelimited(file: string, text: string, delimiter: string, labelColumn?: LabelColumn): Table {
  const lines = text.split("\n");
  let header: string[] | undefined;
  let width = -1;
  let widthLine = 0;
  let labelIndex = -1;
  const rows: number[] = [];
  const labels: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].endsWith("\r") ? lines[i].slice(0, -1) : lines[i];
    if (raw.trim() === "") continue;
    const line = i + 1;
    const fields = splitFields(raw, delimiter);
    if (width < 0) {
      width = fields.length;
      widthLine = line;
      // A header is a first row with a non-numeric cell outside a label column given by position (whose
      // labels may be words).
      const byPosition = labelColumn === "last" || typeof labelColumn === "number" || /^\d+$/.test(String(labelColumn ?? ""));
      const skip = labelColumn === undefined || !byPosition ? -1 : resolveLabelColumn(file, labelColumn, width);
      if (fields.some((f, j) => j !== skip && !isNumeric(f))) {
        header = fields.map((f) => f.trim());
        if (labelColumn !== undefined) labelIndex = resolveLabelColumn(file, labelColumn, width, header);
        if (width - (labelIndex >= 0 ? 1 : 0) < 1) fileError(file, "no feature columns", { line });
        continue;
      }
      if (labelColumn !== undefined) labelIndex = resolveLabelColumn(file, labelColumn, width);
      if (width - (labelIndex >= 0 ? 1 : 0) < 1) fileError(file, "no feature columns", { line });
    }
    if (fields.length !== width) {
      fileError(file, `ragged row: ${fields.length} fields, expected ${width} (as in line ${widthLine})`, { line });
    }
    for (let j = 0; j < width; j++) {
      if (j === labelIndex) {
        const label = fields[j].trim();
        if (label === "") fileError(file, "empty label", { line, column: j + 1 });
        labels.push(label);
      } else rows.push(parseCell(file, fields[j], line, j + 1));
    }
  }
  const dim = width - (labelIndex >= 0 ? 1 : 0);
  if (width < 0 || rows.length === 0) fileError(file, "no data rows");
  const n = rows.length / dim;
  return { values: Float32Array.from(rows), n, dim, labels: labelIndex >= 0 ? labels : undefined, header };
}

/** The 1-based line of a character offset, for JSON syntax errors. */
function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function readJson(file: string, text: string, labelColumn?: LabelColumn): Table {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    const place = at ? { line: lineOfOffset(text, Number(at[1])) } : {};
    fileError(file, `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`, place);
  }
  if (!Array.isArray(data)) fileError(file, "expected an array of rows (arrays of numbers)");
  if (data.length === 0) fileError(file, "no data rows");
  const first = data[0];
  if (!Array.isArray(first)) fileError(file, "not an array: expected an array of numbers", { row: 0 });
  const width = first.length;
  const labelIndex = labelColumn === undefined ? -1 : resolveLabelColumn(file, labelColumn, width);
  const dim = width - (labelIndex >= 0 ? 1 : 0);
  if (dim < 1) fileError(file, "rows have no feature columns", { row: 0 });
  const values = new Float32Array(data.length * dim);
  const labels: string[] = [];
  let at = 0;
  for (let i = 0; i < data.length; i++) {
    const row: unknown = data[i];
    if (!Array.isArray(row)) fileError(file, "not an array: expected an array of numbers", { row: i });
    if (row.length !== width) fileError(file, `ragged row: ${row.length} values, expected ${width} (as in row 0)`, { row: i });
    for (let j = 0; j < width; j++) {
      const v: unknown = row[j];
      if (j === labelIndex) {
        if (typeof v !== "string" && typeof v !== "number") fileError(file, `label ${JSON.stringify(v)} is not a string or number`, { row: i, index: j });
        labels.push(String(v));
        continue;
      }
      if (typeof v !== "number") fileError(file, `${JSON.stringify(v)} is not a number`, { row: i, index: j });
      if (!Number.isFinite(Math.fround(v))) fileError(file, `${v} is outside the float32 range`, { row: i, index: j });
      values[at++] = v;
    }
  }
  return { values, n: data.length, dim, labels: labelIndex >= 0 ? labels : undefined };
}

/** Dtypes read as numbers; bool ("b1") as 0/1. */
const NUMERIC_DTYPES = new Set(["b1", "f2", "f4", "f8", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"]);

/** Parses .npy bytes into a numeric array with its shape, checking dtype, order and length. */
function parseNpyChecked(file: string, bytes: Uint8Array): NpyArray & { data: ArrayLike<number | bigint> } {
  // npyjs views the data at its offset in the buffer it is given: give it a buffer of exactly the file. A large
  // file read whole already has a buffer of its own; copy only when the bytes are a window of a larger one.
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const buffer = (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
  let array: NpyArray;
  try {
    array = parseNpy(buffer);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/Unsupported dtype/.test(message)) fileError(file, `unsupported dtype (${message.replace(/^.*: /, "")}); use float32, float64 or an integer type, little-endian`);
    fileError(file, `not a valid .npy file (${message})`);
  }
  if (!NUMERIC_DTYPES.has(array.dtype)) fileError(file, `unsupported dtype ${array.dtype}; use float32, float64 or an integer type`);
  if (array.fortranOrder) fileError(file, "Fortran-order arrays are not supported: save a C-order array (numpy.ascontiguousarray)");
  const count = array.shape.reduce((a, b) => a * b, 1);
  const data = array.data as unknown as ArrayLike<number | bigint>;
  if (data.length < count) fileError(file, `truncated: shape (${array.shape.join(", ")}) needs ${count} values, the file holds ${data.length}`);
  return array as NpyArray & { data: ArrayLike<number | bigint> };
}

/** A 2-D numeric .npy as float32, every value checked finite. */
export function readNpyMatrix(file: string, bytes: Uint8Array): Table {
  const array = parseNpyChecked(file, bytes);
  if (array.shape.length !== 2) fileError(file, `expected a 2-D array, got shape (${array.shape.join(", ")})`);
  const [n, dim] = array.shape;
  if (n < 1 || dim < 1) fileError(file, `empty array of shape (${n}, ${dim})`);
  const data = array.data;
  // float32 data is used where it lies in the file's buffer (no second copy of a large input); other dtypes
  // are converted
  const inPlace = data instanceof Float32Array;
  const values = inPlace ? data.subarray(0, n * dim) : new Float32Array(n * dim);
  for (let i = 0; i < n * dim; i++) {
    const v = Number(data[i]);
    if (!inPlace) values[i] = v;
    if (!Number.isFinite(values[i])) {
      const problem = Number.isNaN(v) ? "NaN value" : `${v} is infinite or outside the float32 range`;
      fileError(file, problem, { row: Math.floor(i / dim), index: i % dim });
    }
  }
  return { values, n, dim };
}

function splitLabels(file: string, table: Table, labelColumn?: LabelColumn): Table {
  if (labelColumn === undefined) return table;
  const { n, dim } = table;
  const index = resolveLabelColumn(file, labelColumn, dim);
  if (dim < 2) fileError(file, "the label column is the only column: no features left");
  const values = new Float32Array(n * (dim - 1));
  const labels: string[] = new Array(n);
  for (let i = 0, at = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      if (j === index) labels[i] = String(table.values[i * dim + j]);
      else values[at++] = table.values[i * dim + j];
    }
  }
  return { values, n, dim: dim - 1, labels };
}

/** Labels from a file: one per line (text), or a 1-D (or n × 1) .npy; their count must be `n`. */
export async function readLabels(file: string, n: number): Promise<string[]> {
  const isNpy = file.toLowerCase().endsWith(".npy");
  const gzip = file.toLowerCase().endsWith(".gz");
  const bytes = await readBytes(file, gzip);
  let labels: string[];
  if (isNpy) {
    const array = parseNpyChecked(file, bytes);
    const shape = array.shape;
    if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
      fileError(file, `labels must be a 1-D array, got shape (${shape.join(", ")})`);
    }
    labels = Array.from({ length: shape[0] }, (_, i) => String(array.data[i]));
  } else {
    const lines = decodeText(file, bytes).split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
    while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
    labels = lines.map((l, i) => {
      const label = l.trim();
      if (label === "") fileError(file, "empty label", { line: i + 1 });
      return label;
    });
  }
  if (labels.length !== n) fileError(file, `${labels.length} labels, but the data has ${n} rows`);
  return labels;
}
