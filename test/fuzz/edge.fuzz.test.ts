// The edge worker's handler (examples/edge/handler.js) in process, under requests by class: rows within the
// memory budget are answered with the model's own transform bit for bit (also when the handler splits them
// into chunks); bodies past the budget are refused with 413 naming the budget; malformed bodies, methods and
// types get their 4xx; nothing gets a 500.

import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { createParametricEmbedding, loadModel } from "../../dist/index.js";
import { createHandler } from "../../examples/edge/handler.js";
import { chunkRows, requestLimits } from "../../examples/edge/budget.js";

const dim = 8;
/** A wide model's chunks hold few rows (CHUNK_BYTES / (4 × 256) = 4096), so a request of a few chunks stays quick. */
const wideDim = 256;
const rowsOf = (n: number, seed = 1, width = dim) =>
  Float32Array.from({ length: n * width }, (_, i) => (((i + seed) * 2654435761) % 1000) / 100 + (i % width === Math.floor(i / width) % width ? 4 : 0));
let bytes: Uint8Array;
let wideBytes: Uint8Array;

beforeAll(async () => {
  for (const width of [dim, wideDim]) {
    const p = createParametricEmbedding(rowsOf(300, 1, width), { dim: width, nEpochs: 2, threads: 1 });
    await p.run();
    if (width === dim) bytes = p.save();
    else wideBytes = p.save();
    p.destroy();
  }
});

const post = (body: BodyInit, type: string, extra: Record<string, string> = {}, method = "POST") =>
  new Request("http://edge.test/", { method, body: method === "GET" ? undefined : body, headers: { "content-type": type, ...extra } });

describe("the edge handler within a memory budget", () => {
  it("splits large requests into chunks and still answers the model's transform bit for bit", async () => {
    const handle = createHandler({ load: () => loadModel(wideBytes, { threads: 1 }) });
    const n = 2 * chunkRows(wideDim) + 13;
    const rows = rowsOf(n, 7, wideDim);
    const res = await handle(post(rows.slice().buffer as ArrayBuffer, "application/octet-stream", { accept: "application/octet-stream" }));
    expect(res.status).toBe(200);
    const got = new Float32Array(await res.arrayBuffer());
    const model = await loadModel(wideBytes, { threads: 1 });
    const expected = await model.transform(rows);
    model.destroy();
    expect(got.length).toBe(n * 2);
    expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it("names the row of a bad value in the whole request, whichever chunk holds it", async () => {
    const handle = createHandler({ load: () => loadModel(wideBytes, { threads: 1 }) });
    const n = chunkRows(wideDim) + 10;
    const rows = rowsOf(n, 1, wideDim);
    rows[(n - 3) * wideDim + 2] = Number.NaN;
    const res = await handle(post(rows.buffer as ArrayBuffer, "application/octet-stream"));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(new RegExp(`at row ${n - 3}, column 2`));
  });

  it("refuses bodies past the budget with 413 naming it, raw and JSON, and keeps serving", async () => {
    const budget = 2 << 20;
    const handle = createHandler({ load: () => loadModel(bytes, { threads: 1 }), memoryBudgetBytes: budget });
    const limits = requestLimits(budget, dim, 2, 32 << 20);
    const raw = new Uint8Array(limits.rawBodyBytes + 4 * dim);
    const r1 = await handle(post(raw, "application/octet-stream"));
    expect(r1.status).toBe(413);
    expect(((await r1.json()) as { error: string }).error).toMatch(new RegExp(`the limit is ${limits.rawBodyBytes} \\(the budget of ${budget} bytes .*: ${limits.rows} rows of ${dim} float32\\)`));
    const json = "[" + Array.from({ length: Math.ceil(limits.jsonBodyBytes / (2 * dim)) + 1 }, () => `[${Array(dim).fill(0).join(",")}]`).join(",") + "]";
    const r2 = await handle(post(json, "application/json"));
    expect(r2.status).toBe(413);
    expect(((await r2.json()) as { error: string }).error).toMatch(/JSON takes several times its size while parsed; send raw float32/);
    const ok = await handle(post(rowsOf(3).buffer as ArrayBuffer, "application/octet-stream"));
    expect(ok.status).toBe(200);
  });

  it("answers fuzzed requests by class, never with a 500", async () => {
    const handle = createHandler({ load: () => loadModel(bytes, { threads: 1 }), maxBodyBytes: 1 << 20, memoryBudgetBytes: 4 << 20 });
    const number = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(0, 1, -1));
    const value = fc.oneof(number, number, fc.constantFrom("7", null, true, [], {}));
    const cases = fc.oneof(
      // class: well-formed JSON rows of the model's width → 200 (all numbers) or 400 naming the bad value
      fc.array(fc.array(value, { minLength: dim, maxLength: dim }), { minLength: 1, maxLength: 20 }).map((rows) => ({
        request: post(JSON.stringify(rows), "application/json"),
        expected: rows.flat().every((v) => typeof v === "number") ? [200] : [400],
      })),
      // class: rows of another width, ragged or empty → 400
      fc.array(fc.array(number, { minLength: 0, maxLength: dim - 1 }), { minLength: 0, maxLength: 5 }).map((rows) => ({
        request: post(JSON.stringify(rows), "application/json"), expected: [400],
      })),
      // class: malformed JSON → 400
      fc.string({ maxLength: 40 }).filter((t) => { try { JSON.parse(t); return false; } catch { return true; } }).map((t) => ({
        request: post(t, "application/json"), expected: [400],
      })),
      // class: raw bodies: whole rows of finite values → 200, other lengths → 400
      fc.integer({ min: 0, max: 40 }).map((words) => ({
        request: post(rowsOf(words).slice(0, words).buffer as ArrayBuffer, "application/octet-stream"),
        expected: words > 0 && words % dim === 0 ? [200] : [400],
      })),
      // class: another type or method → 415, 405
      fc.constantFrom("text/plain", "", "application/xml").map((type) => ({ request: post("[[1]]", type), expected: [415] })),
      fc.constantFrom("GET", "PUT", "DELETE").map((method) => ({ request: post("[[1]]", "application/json", {}, method), expected: [405] })),
      // class: bodies over the limit → 413
      fc.integer({ min: 1, max: 4 }).map((extra) => ({
        request: post(new Uint8Array((1 << 20) + extra * 4 * dim), "application/octet-stream"), expected: [413],
      })),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ request, expected }) => {
        const res = await handle(request);
        const text = await res.text();
        expect(expected, `${request.method} ${request.headers.get("content-type")}: ${res.status} ${text.slice(0, 200)}`).toContain(res.status);
      }),
      { numRuns: 200, seed: 22 },
    );
  });
});
