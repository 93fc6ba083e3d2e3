// The messages between the page and its compute worker. `file` numbers the page's opens: every message about a
// file carries its number, so the page can drop what arrives for a file it has already left.

export type ToWorker =
  | { type: "open"; file: number; name: string; bytes: ArrayBuffer; labelColumn: string | number | null }
  | { type: "move"; s: number };

export type FromWorker =
  | { type: "info"; build: string; threads: number; crossOriginIsolated: boolean; fallback: string }
  | { type: "table"; file: number; name: string; n: number; dim: number; columns: string[]; labelColumn: number; categories: string[]; category: Int32Array }
  | { type: "progress"; file: number; fraction: number; stage: string }
  /** zBar: the Z̄ the layout's fit used (the walk's resolved settings) */
  | { type: "layout"; file: number; s: number; zBar: number; layout: Float32Array; first: boolean; ms: number }
  /** `file` is undefined when the core itself failed to start */
  | { type: "error"; file?: number; message: string };
