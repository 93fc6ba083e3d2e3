// The layout as an Arrow table: the input's metadata columns (if any), then x and y (float32), and optionally
// `neighbors` ({ids, distances} per row, Embedding Atlas's layout). Written as Arrow IPC here and as Parquet
// by parquet.ts.

import {
  Field, Float32, Int32, List, makeData, RecordBatch, Schema, Struct, Table as ArrowTable, tableToIPC, Utf8, vectorFromArray,
  type Data,
} from "apache-arrow";
import { fail } from "./errors.ts";

export interface LayoutColumns {
  /** the input's other columns, row for row */
  metadata?: ArrowTable;
  /** labels to keep when the input had no metadata (a text table's label column): written as `label` */
  labels?: string[];
  /** k neighbours per row: ids (n × k) and distances (n × k; without them the struct holds the ids alone) */
  neighbors?: { ids: Int32Array; distances?: Float32Array; k: number };
}

function float32Data(values: Float32Array): Data<Float32> {
  return makeData({ type: new Float32(), length: values.length, data: values, nullCount: 0 });
}

function listData<T extends Int32 | Float32>(type: T, values: Int32Array | Float32Array, start: number, length: number, k: number): Data<List<T>> {
  const child = makeData({ type, length: length * k, data: values.subarray(start * k, (start + length) * k), nullCount: 0 } as never) as unknown as Data<T>;
  const offsets = new Int32Array(length + 1);
  for (let i = 0; i <= length; i++) offsets[i] = i * k;
  return makeData({ type: new List(new Field("item", type, false)), length, valueOffsets: offsets, child, nullCount: 0 });
}

/** The layout (n × 2, row-major) with the metadata columns, as an Arrow table chunked like the metadata. */
export function layoutTable(xy: Float32Array, n: number, columns: LayoutColumns = {}): ArrowTable {
  if (xy.length !== n * 2) fail(`a layout of ${xy.length} values is not n × 2 for n = ${n}`);
  let metadata = columns.metadata;
  if (metadata && metadata.numRows !== n) fail(`${metadata.numRows} metadata rows, but the layout has ${n}`);
  if (!metadata && columns.labels) metadata = new ArrowTable({ label: vectorFromArray(columns.labels, new Utf8()) });
  // the input's own x, y and neighbors are replaced by the new layout's
  if (metadata) metadata = metadata.select(metadata.schema.fields.map((f) => f.name).filter((name) => name !== "x" && name !== "y" && (name !== "neighbors" || !columns.neighbors)));
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = xy[2 * i];
    y[i] = xy[2 * i + 1];
  }
  const nb = columns.neighbors;
  if (nb && (nb.ids.length !== n * nb.k || (nb.distances && nb.distances.length !== n * nb.k))) fail(`neighbors of ${nb.ids.length} ids are not n × k for n = ${n}, k = ${nb.k}`);
  const neighborType = new Struct([
    new Field("ids", new List(new Field("item", new Int32(), false)), false),
    ...(nb?.distances ? [new Field("distances", new List(new Field("item", new Float32(), false)), false)] : []),
  ]);
  const fields = [
    ...(metadata?.schema.fields ?? []),
    new Field("x", new Float32(), false),
    new Field("y", new Float32(), false),
    ...(columns.neighbors ? [new Field("neighbors", neighborType, false)] : []),
  ];
  const schema = new Schema(fields, metadata?.schema.metadata);
  const batches: RecordBatch[] = [];
  const parts = metadata && metadata.batches.length > 0 ? metadata.batches : [undefined];
  let start = 0;
  for (const batch of parts) {
    const length = batch ? batch.numRows : n;
    const children: Data[] = [...(batch ? batch.data.children : []), float32Data(x.subarray(start, start + length)), float32Data(y.subarray(start, start + length))];
    if (nb) {
      const lists: Data[] = [listData(new Int32(), nb.ids, start, length, nb.k)];
      if (nb.distances) lists.push(listData(new Float32(), nb.distances, start, length, nb.k));
      children.push(makeData({ type: neighborType, length, children: lists, nullCount: 0 }));
    }
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(fields), length, children, nullCount: 0 })));
    start += length;
  }
  return new ArrowTable(schema, batches);
}

/** Arrow IPC bytes: the file format (.arrow), or the stream format (.arrows). */
export function arrowBytes(table: ArrowTable, stream: boolean): Uint8Array {
  return tableToIPC(table, stream ? "stream" : "file");
}
