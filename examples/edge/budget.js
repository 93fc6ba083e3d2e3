// How many rows a request may carry for a loaded model within a memory budget, from what one request was
// measured to add to workerd's resident memory (bench/edge-memory.js, README "Memory"):
//   - raw float32: about 3 times the body (the runtime's buffers and the body's bytes: 18.7 MiB of digits rows
//     took 68 → 124 MB, 21.1 MiB of 784-column rows 69 → 131 MB) plus the answer (JSON: ~100 bytes a row);
//   - JSON: up to ~10 bytes per body byte (the body, its decoded text, the parsed rows of 8-byte numbers in
//     arrays, the answer): 7.1 MiB of digits rows took 68 → 140 MB, 7.1 MiB of 784-column rows 70 → 109 MB.
// The core transforms the rows in chunks of about CHUNK_BYTES of input, so its memory stays within a few MB
// whatever the request.

/** The default budget: Cloudflare gives an isolate 128 MB; this leaves the rest to the runtime and the model. */
export const DEFAULT_MEMORY_BUDGET_BYTES = 64 * 1024 * 1024;
/** Input bytes the core holds at once: rows are transformed in chunks of this size. */
export const CHUNK_BYTES = 4 * 1024 * 1024;
/** The answer's cost per row beyond the positions (JSON arrays and text of outDim ≤ 8 numbers). */
const ANSWER_BYTES_PER_ROW = 100;

/** Rows per transform call for rows of `dim` values: the core's input stays within CHUNK_BYTES. */
export function chunkRows(dim) {
  return Math.max(64, Math.floor(CHUNK_BYTES / (4 * dim)));
}

/** Bytes of memory per byte of a JSON body, at most (measured, see above). */
export const JSON_BYTES_PER_BYTE = 10.5;
/** Bytes of memory per byte of a raw body (measured, see above). */
export const RAW_BYTES_PER_BYTE = 3;

/**
 * The request limits within `budget` bytes for a model of `dim` inputs and `outDim` outputs: the most rows,
 * and the largest raw and JSON bodies (each also at most `maxBodyBytes`).
 */
export function requestLimits(budget, dim, outDim, maxBodyBytes) {
  const rowBytes = RAW_BYTES_PER_BYTE * 4 * dim + 4 * outDim + ANSWER_BYTES_PER_ROW;
  const rows = Math.max(1, Math.floor(budget / rowBytes));
  return {
    rows,
    rawBodyBytes: Math.min(maxBodyBytes, rows * 4 * dim),
    jsonBodyBytes: Math.min(maxBodyBytes, Math.floor(budget / JSON_BYTES_PER_BYTE)),
  };
}
