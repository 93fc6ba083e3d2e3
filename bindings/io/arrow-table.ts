// An Arrow table (from Parquet, Arrow IPC or JSONL) as the readers' Table: the vector as an n × dim float32
// matrix, the label column's text, and the other columns kept as metadata for the writers.

import type { Table as ArrowTable } from "apache-arrow";
import { fail } from "./errors.ts";
import { neighboursOfColumn } from "./neighbors-column.ts";
import { chooseVectorColumns, copyListColumn, copyNumericColumns, labelsOf, withoutColumns } from "./vector-column.ts";
import type { ReadOptions, Table } from "./types.ts";

export function tableFromArrow(arrow: ArrowTable, options: ReadOptions): Table {
  const n = arrow.numRows;
  if (n === 0) fail("no data rows");
  options.onRowBound?.({ atMost: n, exact: true });
  const fields = arrow.schema.fields;
  const layout = chooseVectorColumns(fields, { vectorColumn: options.vectorColumn, labelColumn: options.labelColumn, neighborsColumn: options.neighborsColumn });
  const columns = fields.map((f) => f.name);
  const labels = layout.label !== undefined ? labelsOf(arrow, layout.label) : undefined;
  const labelColumn = layout.label !== undefined ? columns.indexOf(layout.label) : -1;
  let values: Float32Array;
  let dim: number;
  if (layout.kind === "list") {
    const name = layout.names[0];
    const chunks = arrow.getChild(name)!.data;
    const first = chunks.find((d) => d.length > 0)!;
    const width = "listSize" in first.type ? (first.type.listSize as number) : (first.valueOffsets as Int32Array)[first.offset + 1] - (first.valueOffsets as Int32Array)[first.offset];
    values = new Float32Array(n * width);
    dim = copyListColumn(name, chunks, values, 0, width).dim;
  } else {
    dim = layout.names.length;
    values = new Float32Array(n * dim);
    copyNumericColumns(arrow, layout.names, values);
  }
  const metadata = withoutColumns(arrow, layout.names);
  const neighbors = options.neighborsColumn !== undefined ? neighboursOfColumn(arrow, options.neighborsColumn, options.neighborsK) : undefined;
  return { values, n, dim, columns, header: columns, labelColumn, labels, metadata, vectorColumns: layout.names, vectorCandidates: layout.candidates, ...(neighbors && { neighbors }) };
}
