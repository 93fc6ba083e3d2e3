// The request handling of the edge examples, shared by the Cloudflare worker (worker.js) and the Deno function
// (deno.js): POSTed rows in, their 2-D positions from a saved parametric model out. The protocol is in
// README.md; every refusal is a JSON { "error": "…" } with its status.

import { chunkRows, DEFAULT_MEMORY_BUDGET_BYTES, requestLimits } from "./budget.js";

export { DEFAULT_MEMORY_BUDGET_BYTES };

/** The default body limit: 32 MiB holds 10,000 rows of 784 float32 columns (31.4 MB; the memory budget may allow fewer). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

const JSON_TYPE = "application/json";
const RAW_TYPE = "application/octet-stream";

// Float32Array views are in the host's byte order; the raw protocol is little-endian, as every host of
// workerd, Deno and Node is. Refuse to start elsewhere rather than answer in the wrong order.
if (new Uint8Array(Float32Array.of(1).buffer)[3] !== 0x3f) throw new Error("the raw float32 protocol needs a little-endian host");

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const reply = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": JSON_TYPE, ...headers } });

/** The media type of a Content-Type or Accept entry, without parameters, lower case. */
const mediaType = (value) => (value ?? "").split(";")[0].trim().toLowerCase();

/**
 * Reads and drops what is left of a refused body, up to `budget` bytes: a client still sending then reads the
 * 413 instead of a connection closed under its writes (EPIPE, ECONNRESET). Beyond the budget it stops reading.
 */
async function discard(reader, budget) {
  for (let dropped = 0; dropped <= budget; ) {
    const { done, value } = await reader.read();
    if (done) return;
    dropped += value.byteLength;
  }
  await reader.cancel();
}

/**
 * The body's bytes, at most `limit` of them: a larger body is refused (413), by its Content-Length before
 * anything is kept, else once the bytes read pass the limit. Up to `drop` more bytes are read and dropped so
 * that the client reads the refusal.
 */
async function readBody(request, limit, why = "", drop = limit) {
  const declared = request.headers.get("content-length");
  const tooLarge = (bytes) => new HttpError(413, `the body has ${bytes} bytes; the limit is ${limit}${why}`);
  if (!request.body) return new Uint8Array(0);
  if (declared !== null && Number(declared) <= limit) {
    // HTTP framing holds the body to its declared length: read it in one piece
    return new Uint8Array(await request.arrayBuffer());
  }
  const reader = request.body.getReader();
  if (declared !== null) {
    await discard(reader, Number(declared) <= limit + drop ? drop : 0);
    throw tooLarge(declared);
  }
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await discard(reader, limit + drop - total);
      throw tooLarge(`more than ${limit}`);
    }
    chunks.push(value);
  }
  // one fresh buffer at offset 0, so that a Float32Array can view it whatever the chunks' alignment
  if (chunks.length === 1 && chunks[0].byteOffset === 0 && chunks[0].byteLength === chunks[0].buffer.byteLength) return chunks[0];
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

/** JSON rows ([[…], …] or { "rows": [[…], …] }) after the shape checks; the library checks every value. */
function jsonRows(bytes, dim) {
  let body;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new HttpError(400, `malformed JSON: ${e.message}`);
  }
  const rows = Array.isArray(body) ? body : body !== null && typeof body === "object" ? body.rows : undefined;
  if (!Array.isArray(rows)) throw new HttpError(400, 'expected an array of rows or { "rows": [...] }');
  if (rows.length === 0) throw new HttpError(400, "no rows");
  for (let i = 0; i < rows.length; i++) {
    if (!Array.isArray(rows[i])) throw new HttpError(400, `row ${i} is not an array of numbers`);
    if (rows[i].length !== rows[0].length) {
      throw new HttpError(400, `ragged rows: row ${i} has ${rows[i].length} values, row 0 has ${rows[0].length}`);
    }
  }
  if (rows[0].length !== dim) throw new HttpError(400, `rows have ${rows[0].length} values; the model takes ${dim}`);
  return rows;
}

/** Raw little-endian float32 rows, row-major; X-Rows, when given, must agree with the length. */
function rawRows(bytes, dim, declaredRows) {
  const rowBytes = 4 * dim;
  if (bytes.length === 0) throw new HttpError(400, "empty body");
  if (bytes.length % rowBytes !== 0) {
    throw new HttpError(400, `the body has ${bytes.length} bytes, not a multiple of 4 × ${dim} = ${rowBytes} (one float32 row)`);
  }
  const n = bytes.length / rowBytes;
  if (declaredRows !== null) {
    if (!/^\d+$/.test(declaredRows.trim())) throw new HttpError(400, `X-Rows must be a row count, got "${declaredRows}"`);
    if (Number(declaredRows) !== n) throw new HttpError(400, `X-Rows says ${declaredRows} rows; the body holds ${n} rows of ${dim} float32`);
  }
  return new Float32Array(bytes.buffer, 0, n * dim);
}

/**
 * The rows' positions, transformed in chunks so that the core's memory stays within a few MB whatever the
 * request (its memory grows to the largest batch and keeps that size); a chunk's rows are let go once placed.
 * An error naming a row names it in the whole request.
 */
async function transformInChunks(m, rows, n) {
  const step = chunkRows(m.dim);
  const positions = new Float32Array(n * m.outDim);
  for (let begin = 0; begin < n; begin += step) {
    const end = Math.min(n, begin + step);
    let placed;
    try {
      placed = await m.transform(Array.isArray(rows) ? rows.slice(begin, end) : rows.subarray(begin * m.dim, end * m.dim));
    } catch (e) {
      if (e?.name === "CneInputError") {
        const message = e.message.replace(/^cne-wasm: /, "").replace(/\brow (\d+)/g, (_, r) => `row ${Number(r) + begin}`);
        throw new HttpError(400, message);
      }
      throw e;
    }
    positions.set(placed, begin * m.outDim);
    if (Array.isArray(rows)) rows.fill(undefined, begin, end);
  }
  return positions;
}

/** SHA-256 of `bytes` as an RFC 9530 digest value: `sha-256=:base64:`. */
async function digestValue(bytes) {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let binary = "";
  for (const b of hash) binary += String.fromCharCode(b);
  return `sha-256=:${btoa(binary)}:`;
}

/** Lower-case hex SHA-256 of the model file: a client checks that the worker serves the model it means. */
export async function modelDigestOf(bytes) {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The positions as the client asked: raw float32 when it accepts application/octet-stream, else JSON. A raw
 * answer proves itself (the fleet client of `cne transform --endpoint` checks every header): the digest of the
 * body (Content-Digest), of the rows it placed (X-Request-Digest) and of the model file (X-Model-Digest).
 */
async function answer(request, positions, n, outDim, timing, integrity) {
  const headers = { "x-rows": String(n), "x-cols": String(outDim), "server-timing": timing() };
  const accept = (request.headers.get("accept") ?? "").split(",").map(mediaType);
  if (accept.includes(RAW_TYPE)) {
    const body = new Uint8Array(positions.buffer, positions.byteOffset, positions.byteLength);
    const proof = {
      "content-digest": await digestValue(body),
      "x-request-digest": integrity.requestDigest,
      ...(integrity.modelDigest ? { "x-model-digest": integrity.modelDigest } : {}),
    };
    return new Response(positions, { status: 200, headers: { ...headers, ...proof, "content-type": RAW_TYPE } });
  }
  // JSON numbers print a float32 widened to double exactly; Math.fround of each gives back the same bits
  const coordinates = new Array(n);
  for (let i = 0; i < n; i++) coordinates[i] = Array.from(positions.subarray(i * outDim, (i + 1) * outDim));
  return reply(200, { coordinates }, headers);
}

/**
 * A fetch handler (Request → Response) over the model `load()` resolves with, loaded on the first request and
 * kept. `maxBodyBytes` bounds every body, and `memoryBudgetBytes` what one request may hold for this model
 * (budget.js): bodies whose rows would exceed it are refused (413) with the limit and the reason. `modelBytes`,
 * when given, is the model file: its digest is sent with every raw answer (X-Model-Digest).
 */
export function createHandler({ load, maxBodyBytes = DEFAULT_MAX_BODY_BYTES, memoryBudgetBytes = DEFAULT_MEMORY_BUDGET_BYTES, modelBytes }) {
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) throw new Error(`maxBodyBytes must be a positive integer, got ${maxBodyBytes}`);
  if (!Number.isInteger(memoryBudgetBytes) || memoryBudgetBytes < 1) {
    throw new Error(`memoryBudgetBytes must be a positive integer, got ${memoryBudgetBytes}`);
  }
  let model;
  let modelDigest;
  return async function handle(request) {
    if (request.method !== "POST") {
      return reply(405, { error: `${request.method} is not allowed: POST rows (JSON or raw float32) to embed them` }, { allow: "POST" });
    }
    try {
      const start = performance.now();
      model ??= Promise.resolve(load());
      const m = await model;
      if (modelBytes !== undefined) modelDigest ??= await modelDigestOf(modelBytes);
      const loaded = performance.now();
      const type = mediaType(request.headers.get("content-type"));
      if (type !== JSON_TYPE && type !== RAW_TYPE) {
        throw new HttpError(415, `Content-Type must be ${JSON_TYPE} or ${RAW_TYPE}, got "${type || "none"}"`);
      }
      const limits = requestLimits(memoryBudgetBytes, m.dim, m.outDim, maxBodyBytes);
      const budget = `${memoryBudgetBytes} bytes of memory a request`;
      const limit = type === JSON_TYPE ? limits.jsonBodyBytes : limits.rawBodyBytes;
      const why = limit === maxBodyBytes ? ""
        : type === JSON_TYPE
          ? ` (the budget of ${budget}: JSON takes several times its size while parsed; send raw float32 for up to ${limits.rows} rows)`
          : ` (the budget of ${budget}: ${limits.rows} rows of ${m.dim} float32)`;
      // a body within maxBodyBytes is read to its end even when refused, so that the client reads the 413
      let bytes = await readBody(request, limit, why, maxBodyBytes);
      let rows = type === JSON_TYPE ? jsonRows(bytes, m.dim) : rawRows(bytes, m.dim, request.headers.get("x-rows"));
      // a raw answer carries the request's digest: taken now, so that the parsed JSON text can go
      const wantsRaw = (request.headers.get("accept") ?? "").split(",").map(mediaType).includes(RAW_TYPE);
      const requestDigest = wantsRaw ? await digestValue(bytes) : undefined;
      if (type === JSON_TYPE) bytes = undefined; // the parsed rows hold the values now
      const n = rows.length / (Array.isArray(rows) ? 1 : m.dim);
      const parsed = performance.now();
      // the library names bad values (non-finite, not a number) with a CneInputError: a 400
      const positions = await transformInChunks(m, rows, n);
      rows = bytes = undefined;
      const done = performance.now();
      const ms = (a, b) => (b - a).toFixed(3);
      const timing = () => `load;dur=${ms(start, loaded)}, parse;dur=${ms(loaded, parsed)}, transform;dur=${ms(parsed, done)}`;
      return await answer(request, positions, n, m.outDim, timing, { requestDigest, modelDigest });
    } catch (e) {
      if (e instanceof HttpError) return reply(e.status, { error: e.message });
      return reply(500, { error: `internal error: ${e?.message ?? e}` });
    }
  };
}
