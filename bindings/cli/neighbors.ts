// --neighbors-column and --write-neighbors: precomputed neighbours read from the input's table (Embedding Atlas's
// `neighbors` column) in place of a search, and the fit's neighbours written beside x and y.

import type { Embedding, EmbeddingOptions } from "../index.ts";
import type { LayoutColumns } from "../io/index.ts";
import { fileError } from "./errors.ts";
import { minRowsFor, type InputOptions, type Table } from "./read.ts";
import { outputFormatOf } from "./write.ts";

/** How to read the input: the neighbours' k is --k when given (else as many as the column lists). */
export function readingOf(reading: InputOptions, options: { k?: number }): InputOptions {
  const given = reading.neighborsColumn !== undefined;
  // with a neighbors column and no --k, k is the column's: only the 3-point minimum is known before reading
  return { ...reading, neighborsK: given ? options.k : undefined, minRows: minRowsFor(given && options.k === undefined ? { k: 1 } : options) };
}

/** The fit's options that a neighbors column sets: knnIndices, knnDistances (when it has them) and k. */
export function precomputedOptions(table: Table): Pick<EmbeddingOptions, "knnIndices" | "knnDistances" | "k"> {
  const nb = table.neighbors;
  if (!nb) return {};
  return { knnIndices: nb.knnIndices, k: nb.k, ...(nb.knnDistances && { knnDistances: nb.knnDistances }) };
}

/** --write-neighbors needs a Parquet or Arrow layout to put the column in. */
export function checkWriteNeighbors(out: string | undefined, write: boolean): void {
  if (!write) return;
  const format = out !== undefined ? outputFormatOf(out) : undefined;
  if (format !== "parquet" && format !== "arrow" && format !== "arrows") {
    fileError(out ?? "--out", "--write-neighbors adds a column to a table: write the layout as .parquet, .arrow or .arrows");
  }
}

/** The fit's neighbours as the writer's neighbors column: ids, and distances when the fit has them. */
export function neighborsOf(handle: Embedding): LayoutColumns["neighbors"] {
  const graph = handle.knnGraph;
  if (!graph) return undefined;
  const k = graph.indices.length / handle.n;
  return { ids: graph.indices, k, ...(graph.distances && { distances: graph.distances }) };
}
