// The messages between the page and its compute worker.

export type ToWorker =
  | { type: "open"; name: string; bytes: ArrayBuffer; labelColumn: string | number | null }
  | { type: "move"; s: number };

export type FromWorker =
  | { type: "info"; build: string; threads: number; crossOriginIsolated: boolean }
  | { type: "table"; name: string; n: number; dim: number; columns: string[]; labelColumn: number; categories: string[]; category: Int32Array }
  | { type: "progress"; fraction: number; stage: string }
  | { type: "layout"; s: number; zBar: number; layout: Float32Array; first: boolean; ms: number }
  | { type: "error"; message: string };
