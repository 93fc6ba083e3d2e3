// Finding the vector in an Arrow table and copying it out as an n × dim float32 matrix: one list or
// fixed-size-list column of numbers (named, or the only one), or else every numeric column. The other columns
// stay an Arrow table of metadata, written back beside x and y. Parquet, Arrow IPC and JSONL all come here.

import { DataType, Table as ArrowTable, type Data, type Field, type Vector } from "apache-arrow";
import { fail } from "./errors.ts";
import type { LabelColumn } from "./types.ts";

export interface VectorChoice {
  /** the list column holding the vector, by name; undefined: the one list column of numbers, else the numeric columns */
  vectorColumn?: string;
  labelColumn?: LabelColumn;
  /** a column of precomputed neighbours: never the vector */
  neighborsColumn?: string;
}

export interface VectorLayout {
  /** "list": one list column; "columns": one numeric column per dimension */
  kind: "list" | "columns";
  /** the columns the vector comes from */
  names: string[];
  /** the label column's name, when one is asked for */
  label?: string;
  /** every list column of numbers (the choices a page offers) */
  candidates: string[];
}

function isNumeric(type: DataType): boolean {
  return DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type);
}

function isList(type: DataType): boolean {
  return DataType.isList(type) || DataType.isFixedSizeList(type);
}

function describeType(type: DataType): string {
  return String(type);
}

/** Which columns hold the vector, by the rule above; errors name the columns there are. */
export function chooseVectorColumns(fields: readonly Field[], choice: VectorChoice): VectorLayout {
  const names = fields.map((f) => f.name);
  const shown = names.slice(0, 8).map((n) => `"${n}"`).join(", ") + (names.length > 8 ? ", …" : "");
  let label: string | undefined;
  const asked = choice.labelColumn;
  if (asked !== undefined && asked !== null && asked !== -1 && asked !== "" && asked !== "auto") {
    const byIndex = typeof asked === "number" ? asked : /^\d+$/.test(asked) ? Number(asked) : undefined;
    const field = asked === "last" ? fields[fields.length - 1] : byIndex !== undefined && !names.includes(String(asked)) ? fields[byIndex] : fields.find((f) => f.name === asked);
    if (!field) fail(`no column named "${asked}" for the labels (columns: ${shown})`);
    label = field.name;
  }
  const lists = fields.filter((f) => isList(f.type) && isNumeric(f.type.children[0].type) && f.name !== "neighbors" && f.name !== choice.neighborsColumn);
  const candidates = lists.map((f) => f.name);
  if (choice.vectorColumn !== undefined) {
    const field = fields.find((f) => f.name === choice.vectorColumn);
    if (!field) fail(`no column named "${choice.vectorColumn}" for the vector (columns: ${shown})`);
    if (!isList(field.type)) fail(`column "${field.name}" is ${describeType(field.type)}, not a list of numbers: the vector column must be a list or fixed-size list`);
    const child = field.type.children[0].type;
    if (!isNumeric(child)) fail(`column "${field.name}" is a list of ${describeType(child)}, not of numbers`);
    return { kind: "list", names: [field.name], label, candidates };
  }
  if (lists.length === 1) return { kind: "list", names: [lists[0].name], label, candidates };
  if (lists.length > 1) fail(`${lists.length} list columns of numbers (${candidates.map((c) => `"${c}"`).join(", ")}): name the vector with --vector-column`, {}, "format", candidates);
  const numeric = fields.filter((f) => isNumeric(f.type) && f.name !== label);
  if (numeric.length === 0) {
    const other = fields.find((f) => isList(f.type));
    if (other) fail(`no vector column: "${other.name}" is a list of ${describeType(other.type.children[0].type)}, not of numbers, and no column is numeric`);
    fail(`no vector column: no list column of numbers and no numeric columns (columns: ${shown})`);
  }
  return { kind: "columns", names: numeric.map((f) => f.name), label, candidates };
}

/** Copies `count` numbers of a numeric Arrow data (from `start`) into `out` at `at`. */
function copyNumbers(data: Data, start: number, count: number, out: Float32Array, at: number): void {
  const values = data.values as ArrayLike<number | bigint> & { subarray(a: number, b: number): ArrayLike<number | bigint> };
  const from = data.offset + start;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    for (let i = 0; i < count; i++) out[at + i] = Number(values[from + i]);
  } else if (DataType.isDecimal(data.type)) {
    fail(`decimal columns are not read as numbers: cast "${data.type}" to float first`);
  } else {
    out.set(values.subarray(from, from + count) as ArrayLike<number>, at);
  }
}

function checkFinite(values: Float32Array, start: number, dim: number, column: string, rowBase: number): void {
  for (let i = start; i < values.length; i++) {
    if (!Number.isFinite(values[i])) fail(`${values[i]} in column "${column}" is not a finite float32`, { row: rowBase + Math.floor((i - start) / dim) });
  }
}

/** The vector of a list column's chunks, rows [0, n) of `chunks`, into `out` from row `rowBase`; returns dim. */
export function copyListColumn(name: string, chunks: readonly Data[], out: Float32Array | undefined, rowBase: number, dim: number | undefined): { dim: number; values: Float32Array } {
  let row = rowBase;
  let target = out;
  for (const data of chunks) {
    if (data.nullCount > 0) {
      const first = Array.from({ length: data.length }, (_, i) => i).find((i) => !data.getValid(i)) ?? 0;
      fail(`null in the vector column "${name}"`, { row: row + first });
    }
    const child = data.children[0];
    let start: number;
    if (DataType.isFixedSizeList(data.type)) {
      const size = data.type.listSize;
      dim ??= size;
      if (size !== dim) fail(`vectors of ${size} values, but earlier rows have ${dim}`, { row });
      start = data.offset * size;
    } else {
      const offsets = data.valueOffsets as Int32Array;
      const base = data.offset;
      dim ??= offsets[base + 1] - offsets[base];
      for (let i = 0; i < data.length; i++) {
        const length = offsets[base + i + 1] - offsets[base + i];
        if (length !== dim) fail(`ragged vector column "${name}": ${length} values, expected ${dim} (as in row 0)`, { row: row + i });
      }
      start = offsets[base];
    }
    if (dim === 0) fail(`the vector column "${name}" holds empty lists`, { row });
    if (child.nullCount > 0) fail(`null inside the vector column "${name}"`, { row });
    target ??= new Float32Array(0);
    const at = (row - rowBase) * dim;
    copyNumbers(child, start, data.length * dim, target, at);
    checkFinite(target.subarray(at, at + data.length * dim), 0, dim, name, row);
    row += data.length;
  }
  return { dim: dim ?? 0, values: target ?? new Float32Array(0) };
}

/** The vector of numeric columns, row-major, into `out` (n × names.length). */
export function copyNumericColumns(table: ArrowTable, names: readonly string[], out: Float32Array, rowBase = 0): void {
  const dim = names.length;
  const column = new Float32Array(table.numRows);
  names.forEach((name, j) => {
    const vector = table.getChild(name) as Vector;
    let at = 0;
    for (const data of vector.data) {
      if (data.nullCount > 0) {
        const first = Array.from({ length: data.length }, (_, i) => i).find((i) => !data.getValid(i)) ?? 0;
        fail(`null in the numeric column "${name}"`, { row: rowBase + at + first });
      }
      copyNumbers(data, 0, data.length, column, at);
      at += data.length;
    }
    for (let i = 0; i < column.length; i++) {
      if (!Number.isFinite(column[i])) fail(`${column[i]} in column "${name}" is not a finite float32`, { row: rowBase + i });
      out[i * dim + j] = column[i];
    }
  });
}

/** Labels as text, one per row, from a column of the table. */
export function labelsOf(table: ArrowTable, name: string): string[] {
  const vector = table.getChild(name)!;
  const labels: string[] = new Array(table.numRows);
  for (let i = 0; i < labels.length; i++) {
    const v: unknown = vector.get(i);
    labels[i] = v === null || v === undefined ? "" : String(v);
  }
  return labels;
}

/** The table without the given columns: the metadata written back beside x and y. */
export function withoutColumns(table: ArrowTable, drop: readonly string[]): ArrowTable {
  const keep = table.schema.fields.map((f) => f.name).filter((n) => !drop.includes(n));
  return table.select(keep);
}
