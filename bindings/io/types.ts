// What the table readers return and take. No Node imports: the explorer page bundles this folder.

import type { Table as ArrowTable } from "apache-arrow";
import type { PrecomputedNeighbours } from "../knn/neighbors.ts";

/** Which column holds the labels: a header name, a 0-based index, "last", or "auto" (the first column whose
 * first data row is a word, if any). Undefined, null or −1: no label column. */
export type LabelColumn = string | number | null;

export interface ReadOptions {
  labelColumn?: LabelColumn;
  /** Parquet, Arrow and JSONL: the list column holding the vector (default: the one list column of numbers,
   * else the numeric columns). */
  vectorColumn?: string;
  /** Parquet, Arrow and JSONL: the column of precomputed neighbours ({ids, distances} per row, Embedding Atlas's
   * `neighbors`), read into `Table.neighbors`. */
  neighborsColumn?: string;
  /** neighbours per row to take from it (default: as many as it lists besides the row itself) */
  neighborsK?: number;
  /** Whether a text table's first row is a header: true, false, or undefined for the rule of header.ts. */
  header?: boolean;
  /** Refuse more than this many bytes of input, counted after decompression (default: no bound). */
  maxBytes?: number;
  /** Called before the values are parsed with an upper bound on the row count (exact when `exact`), so that
   * a caller can refuse a file with too few rows before the work of reading it; may throw. */
  onRowBound?: (bound: { atMost: number; exact: boolean }) => void;
}

/** How the rows of a text table relate to its lines. */
export interface LineCounts {
  /** lines in the file: rows + header + blank + continued */
  lines: number;
  /** the header's line, when the first row was taken as a header */
  headerLine?: number;
  /** blank (or whitespace-only) lines skipped */
  blank: number;
  /** lines that continue a quoted field across a line break */
  continued: number;
  /** the first row was read as data but is 0, 1, 2, …: likely a header of column numbers */
  columnNumbersLine?: number;
}

export interface Table {
  /** n × dim features, row-major (the label column taken out) */
  values: Float32Array;
  n: number;
  dim: number;
  /** every column's name: the header's, or "column 0", "column 1", … */
  columns: string[];
  /** the header row's fields, when the file has one */
  header?: string[];
  /** the label column's index in `columns`, or −1 */
  labelColumn: number;
  /** one label per row when there is a label column */
  labels?: string[];
  /** text tables: how the rows relate to the lines of the file */
  lines?: LineCounts;
  /** Parquet, Arrow and JSONL: the columns other than the vector, written back beside x and y */
  metadata?: ArrowTable;
  /** Parquet, Arrow and JSONL: the columns the vector came from */
  vectorColumns?: string[];
  /** Parquet, Arrow and JSONL: every list column of numbers, any of which could be the vector */
  vectorCandidates?: string[];
  /** the neighbours of `neighborsColumn`, as knnIndices / knnDistances */
  neighbors?: PrecomputedNeighbours;
}
