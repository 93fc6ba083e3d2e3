// Reading precomputed neighbours from a table: a column of {ids, distances} per row, as Embedding Atlas writes
// it (a struct of two lists), or a list column of ids alone. The lists are copied out of Arrow's buffers
// chunk by chunk and checked by the one rule of bindings/knn/neighbors.ts (self dropped, ids in range, the same
// length on every row, k of them).

import { DataType, type Data, type Field, type Table as ArrowTable } from "apache-arrow";
import { neighboursFromLists, type PrecomputedNeighbours } from "../knn/neighbors.ts";
import { fail } from "./errors.ts";

function isNumeric(type: DataType): boolean {
  return DataType.isInt(type) || DataType.isFloat(type);
}

function isNumberList(type: DataType): boolean {
  return (DataType.isList(type) || DataType.isFixedSizeList(type)) && isNumeric(type.children[0].type);
}

/** Which children of the column hold the ids and the distances (-1: the column itself is the ids list). */
function layoutOf(field: Field): { ids: number; distances: number } {
  const type = field.type;
  if (isNumberList(type)) return { ids: -1, distances: -1 };
  const shape = `column "${field.name}" is ${String(type)}, not {ids, distances} lists of numbers (Embedding Atlas's neighbors) nor a list of ids`;
  if (!DataType.isStruct(type)) fail(shape);
  const names = type.children.map((c) => c.name);
  const ids = names.indexOf("ids"), distances = names.indexOf("distances");
  if (ids < 0 || !isNumberList(type.children[ids].type)) fail(shape);
  if (distances >= 0 && !isNumberList(type.children[distances].type)) fail(shape);
  return { ids, distances };
}

function firstNull(data: Data): number {
  for (let i = 0; i < data.length; i++) if (!data.getValid(i)) return i;
  return 0;
}

/** Row r of a list data spans values [start(r), start(r + 1)) of its child (offsets taken into account). */
function listBounds(list: Data): (r: number) => number {
  const valuesOffset = list.children[0].offset;
  if (DataType.isFixedSizeList(list.type)) {
    const size = list.type.listSize;
    return (r) => valuesOffset + (list.offset + r) * size;
  }
  const offsets = list.valueOffsets as Int32Array;
  return (r) => valuesOffset + offsets[list.offset + r];
}

/** Copies one list column's rows (chunk by chunk) into global offsets and values. */
function copyLists(chunks: readonly Data[], n: number, name: string, what: string): { offsets: Int32Array; values: Float64Array } {
  const offsets = new Int32Array(n + 1);
  let row = 0;
  for (const list of chunks) {
    if (list.nullCount > 0) fail(`null ${what} in the neighbors column "${name}"`, { row: row + firstNull(list) });
    const bound = listBounds(list);
    for (let r = 0; r < list.length; r++) offsets[row + r + 1] = offsets[row + r] + bound(r + 1) - bound(r);
    row += list.length;
  }
  const values = new Float64Array(offsets[n]);
  row = 0;
  for (const list of chunks) {
    const child = list.children[0];
    if (child.nullCount > 0) fail(`null inside the ${what} of the neighbors column "${name}"`, { row });
    const source = child.values as ArrayLike<number | bigint>;
    const begin = listBounds(list)(0), end = begin + offsets[row + list.length] - offsets[row];
    for (let t = begin, at = offsets[row]; t < end; t++, at++) values[at] = Number(source[t]);
    row += list.length;
  }
  return { offsets, values };
}

/**
 * The neighbours in column `name` of a table of n rows, as knnIndices / knnDistances: `k` per row (default: as
 * many as the column lists besides the row itself). Errors name the row and the column.
 */
export function neighboursOfColumn(table: ArrowTable, name: string, k?: number): PrecomputedNeighbours {
  const field = table.schema.fields.find((f) => f.name === name);
  if (!field) {
    const names = table.schema.fields.map((f) => `"${f.name}"`);
    fail(`no column named "${name}" for the neighbours (columns: ${names.slice(0, 8).join(", ")}${names.length > 8 ? ", …" : ""})`);
  }
  const n = table.numRows;
  if (n < 2) fail(`a neighbors column needs at least 2 rows, got ${n}`);
  const layout = layoutOf(field);
  const chunks = table.getChild(name)!.data;
  let row = 0;
  for (const data of chunks) {
    if (layout.ids >= 0 && data.nullCount > 0) fail(`null in the neighbors column "${name}"`, { row: row + firstNull(data) });
    row += data.length;
  }
  const idLists = layout.ids < 0 ? chunks : chunks.map((d) => d.children[layout.ids]);
  const ids = copyLists(idLists, n, name, "ids");
  const distances = layout.distances >= 0 ? copyLists(chunks.map((d) => d.children[layout.distances]), n, name, "distances") : undefined;
  return neighboursFromLists(
    { n, offsets: ids.offsets, ids: ids.values, ...(distances && { distanceOffsets: distances.offsets, distances: distances.values }) },
    { k, sameLength: true },
    (problem, row) => fail(`the neighbors column "${name}" ${problem}`, { row }),
  );
}
