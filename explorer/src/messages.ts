// The messages between the page and its compute worker. `file` numbers the page's opens: every message about a
// file carries its number, so the page can drop what arrives for a file it has already left.

import type { Metric } from "../../bindings/options/embedding.ts";

export type ToWorker =
  | { type: "open"; file: number; name: string; bytes: ArrayBuffer; labelColumn: string | number | null; vectorColumn: string | null; metric: Metric; fullRows: boolean }
  | { type: "move"; s: number }
  /** the layout shown, as a table with the open file's other columns */
  | { type: "save"; file: number; format: "parquet" | "arrow"; layout: Float32Array };

export type FromWorker =
  | { type: "info"; build: string; threads: number; crossOriginIsolated: boolean; fallback: string }
  /** vectorColumns: a table's list columns of numbers, any of which can be the vector; vectorColumn: the one read ("" for none) */
  | { type: "table"; file: number; name: string; n: number; dim: number; columns: string[]; labelColumn: number; categories: string[]; category: Int32Array; vectorColumns: string[]; vectorColumn: string }
  | { type: "progress"; file: number; fraction: number; stage: string }
  /** zBar: the Z̄ the layout's fit used (the walk's resolved settings) */
  | { type: "layout"; file: number; s: number; zBar: number; layout: Float32Array; first: boolean; ms: number }
  | { type: "saved"; file: number; format: "parquet" | "arrow"; bytes: Uint8Array }
  /** `file` is undefined when the core itself failed to start; `choices`: the list columns to choose the vector from */
  | { type: "error"; file?: number; message: string; choices?: string[] };
