// Sends blocks of rows to running transform workers (examples/edge: workerd or Deno) and gets their coordinates
// back. Each endpoint takes a bounded number of blocks at once (p-limit); a block whose request fails, times out
// or comes back wrong is retried with exponential backoff (p-retry), on the least busy endpoint that has not
// just failed. A reply counts only when it proves itself: its Content-Digest (SHA-256, RFC 9530) matches its
// body, its X-Request-Digest is the digest of the rows sent, its model digest is the local model's, and it holds
// exactly rows × outDim float32. So a worker that dies, hangs or answers garbage costs a retry, never a lost,
// duplicated or reordered row (the caller writes blocks in order). HTTP goes through undici (keep-alive pool).
//
// A queue service (Cloudflare Queues or Workflows, locally through miniflare) was not used: a block's transform
// is idempotent and stateless, its result must come back to this process in order, and the client already
// holds the retry state; a queue would add a second store of the same rows and at-least-once delivery to undo.

import { createHash } from "node:crypto";
import pLimit, { type LimitFunction } from "p-limit";
import pRetry, { AbortError } from "p-retry";
import { Agent, request } from "undici";

export interface FleetOptions {
  endpoints: string[];
  /** blocks in flight per endpoint */
  concurrency: number;
  /** further attempts of a block after its first */
  retries: number;
  /** one request's time limit, ms */
  timeoutMs: number;
  /** SHA-256 (hex) of the model file the workers must serve */
  modelDigest: string;
  signal?: AbortSignal;
  /** a failed attempt, for the command's log */
  onRetry?: (endpoint: string, error: Error, attempt: number) => void;
}

interface Endpoint {
  url: string;
  limit: LimitFunction;
  /** no new blocks before this time (after a failure) */
  coolUntil: number;
  /** failures in a row (the cool-down grows with them) */
  failures: number;
  /** blocks it placed, and attempts that failed, over the run */
  placed: number;
  failed: number;
}

/** A refusal that retrying cannot fix (the fleet serves another model, or refuses the rows). */
export class FleetError extends Error {
  override name = "FleetError";
}

const digestOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("base64");

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function createFleet(options: FleetOptions) {
  if (options.endpoints.length === 0) throw new FleetError("no endpoints");
  const agent = new Agent({ connections: options.concurrency, keepAliveTimeout: 10_000, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
  const endpoints: Endpoint[] = options.endpoints.map((url) => ({ url, limit: pLimit(options.concurrency), coolUntil: 0, failures: 0, placed: 0, failed: 0 }));

  /** The least busy endpoint that is not cooling down after a failure (else the one that cools down first). */
  const pick = (): Endpoint => {
    const now = Date.now();
    const ready = endpoints.filter((e) => e.coolUntil <= now);
    const pool = ready.length > 0 ? ready : [...endpoints].sort((a, b) => a.coolUntil - b.coolUntil).slice(0, 1);
    return pool.reduce((best, e) => (e.limit.activeCount + e.limit.pendingCount < best.limit.activeCount + best.limit.pendingCount ? e : best));
  };

  async function attempt(endpoint: Endpoint, body: Uint8Array, rows: number, outDim: number): Promise<Float32Array> {
    const sent = digestOf(body);
    const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs);
    const response = await request(endpoint.url, {
      method: "POST",
      dispatcher: agent,
      signal,
      headers: {
        "content-type": "application/octet-stream",
        accept: "application/octet-stream",
        "x-rows": String(rows),
        "content-digest": `sha-256=:${sent}:`,
      },
      body,
    });
    const bytes = new Uint8Array(await response.body.arrayBuffer());
    const h = response.headers;
    if (response.statusCode !== 200) {
      const text = new TextDecoder().decode(bytes.subarray(0, 300));
      const message = `${endpoint.url} answered ${response.statusCode}: ${text}`;
      // the rows or the request were refused as such: another worker would refuse them too
      if (response.statusCode === 400 || response.statusCode === 413 || response.statusCode === 415) throw new AbortError(new FleetError(message));
      throw new Error(message);
    }
    const model = headerValue(h, "x-model-digest");
    if (model !== undefined && model !== options.modelDigest) {
      throw new AbortError(new FleetError(`${endpoint.url} serves another model (digest ${model.slice(0, 12)}…, the model file's is ${options.modelDigest.slice(0, 12)}…)`));
    }
    if (model === undefined) throw new AbortError(new FleetError(`${endpoint.url} does not say which model it serves (no X-Model-Digest): not a cne transform worker, or an older one`));
    if (headerValue(h, "x-request-digest") !== `sha-256=:${sent}:`) throw new Error(`${endpoint.url}: the rows it placed are not the rows sent (request digest mismatch)`);
    if (headerValue(h, "content-digest") !== `sha-256=:${digestOf(bytes)}:`) throw new Error(`${endpoint.url}: the reply's body does not match its Content-Digest`);
    if (bytes.length !== rows * outDim * 4) throw new Error(`${endpoint.url}: ${bytes.length} bytes for ${rows} rows × ${outDim} float32`);
    const out = new Float32Array(rows * outDim);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }

  return {
    /** The m × outDim coordinates of `rows` rows of `dim` float32 (row-major). */
    place(values: Float32Array, rows: number, outDim: number): Promise<Float32Array> {
      const body = new Uint8Array(values.length * 4);
      const view = new DataView(body.buffer);
      for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
      return pRetry(
        () => {
          const endpoint = pick();
          return endpoint.limit(async () => {
            try {
              const out = await attempt(endpoint, body, rows, outDim);
              endpoint.failures = 0;
              endpoint.placed++;
              return out;
            } catch (error) {
              if (!(error instanceof AbortError) || !(error.originalError instanceof FleetError)) {
                endpoint.failures++;
                endpoint.failed++;
                endpoint.coolUntil = Date.now() + Math.min(10_000, 250 * 2 ** (endpoint.failures - 1));
                options.onRetry?.(endpoint.url, error as Error, endpoint.failures);
              }
              throw error;
            }
          });
        },
        { retries: options.retries, minTimeout: 100, maxTimeout: 5_000, factor: 2, randomize: true, signal: options.signal },
      );
    },
    /** in-flight blocks the fleet can take at once */
    get capacity(): number {
      return endpoints.length * options.concurrency;
    },
    /** Which endpoint placed how many blocks, and how many attempts failed there: one line for the log. */
    summary(): string {
      return endpoints.map((e) => `${e.url} ${e.placed} block${e.placed === 1 ? "" : "s"}${e.failed > 0 ? ` (${e.failed} failed attempt${e.failed === 1 ? "" : "s"})` : ""}`).join(", ");
    },
    async close(): Promise<void> {
      await agent.close();
    },
  };
}
