// The edge example (examples/edge) on the installed package: models fitted and saved in Node, served by the
// example's Cloudflare worker (bundled with esbuild, run by workerd with the example's config.capnp) and by its
// Deno function. Both must answer Node's transform of the same rows bit for bit, as JSON and as raw float32,
// for a narrow model (the network reads the rows) and a wide one (it reads their PCA-50 scores, the basis in the
// model), and refuse bad requests with the documented status and a message naming the problem.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runProcess, startProcess } from "../runtimes/processes.js";
import { npyFile } from "../cli/files.ts";
import { serveWorkerdConfig } from "../runtimes/workerd.js";
// the example's own bundling step, run on the copy inside the consumer project (cne-wasm resolves there)
import { bundleEdgeWorker } from "../../examples/edge/build.js";
import { DEFAULT_MEMORY_BUDGET_BYTES, requestLimits } from "../../examples/edge/budget.js";

const { app, repo } = inject("consumer");
const bin = (name: string) => join(repo, "node_modules", ".bin", name);
/** config.capnp's MAX_BODY_BYTES and deno.js's default */
const LIMIT = 32 * 1024 * 1024;

/** One copy of the example folder in the consumer project, with its model and what Node answered. */
interface Served {
  dir: string;
  dim: number;
  outDim: number;
  rows: Float32Array;
  expected: Float32Array;
}

const f32File = (path: string) => {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Copies examples/edge to app/`folder` and fits its model there on rows of `columns` columns. */
async function prepare(folder: string, columns: number) {
  const dir = join(app, folder);
  cpSync(join(repo, "examples/edge"), dir, { recursive: true, filter: (src) => !/[/\\](build|model\.cne)$/.test(src) });
  const out = await runProcess(process.execPath, ["edge-fit.mjs", folder, String(columns)], { cwd: app, timeoutMs: 90000 });
  expect(out.code, out.stderr).toBe(0);
  const fitted = JSON.parse(out.stdout.trim().split("\n").pop()!) as { dim: number; outDim: number; rows: number; network: { inDim: number }; pca: { nComponents: number } | null };
  const served: Served = { dir, dim: fitted.dim, outDim: fitted.outDim, rows: f32File(join(dir, "rows.f32")), expected: f32File(join(dir, "expected.f32")) };
  expect(served.rows.length).toBe(fitted.rows * fitted.dim);
  expect(served.expected.length).toBe(fitted.rows * fitted.outDim);
  expect(served.expected.every(Number.isFinite)).toBe(true);
  return { served, network: fitted.network, pca: fitted.pca };
}

let narrow: Served;
let wide: Served;

beforeAll(async () => {
  const n = await prepare("edge", 32);
  expect([n.pca, n.network.inDim], "32 columns: the network reads the rows").toEqual([null, 32]);
  narrow = n.served;
  const w = await prepare("edge-wide", 120);
  expect([w.pca?.nComponents, w.network.inDim], "120 columns: the network reads PCA-50 scores").toEqual([50, 50]);
  wide = w.served;
});

const post = (origin: string, body: BodyInit, headers: Record<string, string>) =>
  fetch(`${origin}/`, { method: "POST", body, headers, signal: AbortSignal.timeout(30000) });

function jsonRows(values: Float32Array, dim: number): number[][] {
  return Array.from({ length: values.length / dim }, (_, i) => Array.from(values.subarray(i * dim, (i + 1) * dim)));
}

/** The answers to the same rows sent four ways (JSON or raw, answered as JSON or raw) equal Node's bits. */
async function expectNodeBits(origin: string, { dim, outDim, rows, expected }: Served): Promise<void> {
  const n = rows.length / dim;
  const asJson = JSON.stringify(jsonRows(rows, dim));
  const requests: [string, BodyInit, Record<string, string>][] = [
    ["JSON rows → JSON", asJson, { "content-type": "application/json" }],
    ["{ rows } → raw", JSON.stringify({ rows: jsonRows(rows, dim) }), { "content-type": "application/json", accept: "application/octet-stream" }],
    ["raw + X-Rows → raw", bytesOf(rows), { "content-type": "application/octet-stream", "x-rows": String(n), accept: "application/octet-stream" }],
    ["raw → JSON", bytesOf(rows), { "content-type": "application/octet-stream; charset=binary" }],
  ];
  for (const [what, body, headers] of requests) {
    const res = await post(origin, body, headers);
    const wantRaw = headers.accept === "application/octet-stream";
    expect(res.status, `${what}: ${wantRaw ? "" : await res.clone().text()}`).toBe(200);
    expect([res.headers.get("x-rows"), res.headers.get("x-cols")], what).toEqual([String(n), String(outDim)]);
    expect(res.headers.get("server-timing"), what).toMatch(/transform;dur=\d/);
    let got: Float32Array;
    if (wantRaw) {
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
      got = new Float32Array(await res.arrayBuffer());
    } else {
      const { coordinates } = (await res.json()) as { coordinates: number[][] };
      expect(coordinates.length, what).toBe(n);
      expect(coordinates.every((c) => c.length === outDim), what).toBe(true);
      got = Float32Array.from(coordinates.flat());
    }
    expect(bytesOf(got).equals(bytesOf(expected)), `${what}: the same bits as Node's transform`).toBe(true);
  }
}

/** Every documented refusal: status and a message naming the problem. */
async function expectRefusals(origin: string, { dim, rows, outDim }: Served): Promise<void> {
  // the raw limit: the body limit, or less where the memory budget allows fewer rows of this model
  const rawLimit = requestLimits(DEFAULT_MEMORY_BUDGET_BYTES, dim, outDim, LIMIT).rawBodyBytes;
  const json = { "content-type": "application/json" };
  const raw = { "content-type": "application/octet-stream" };
  const row = Array.from(rows.subarray(0, dim));
  const nanRows = rows.slice(0, 3 * dim);
  nanRows[dim + 5] = Number.NaN;
  const cases: [string, () => Promise<Response>, number, RegExp][] = [
    ["GET", () => fetch(`${origin}/`), 405, /GET is not allowed: POST rows/],
    ["text/plain", () => post(origin, "1,2,3", { "content-type": "text/plain" }), 415, /Content-Type must be application\/json or application\/octet-stream, got "text\/plain"/],
    ["malformed JSON", () => post(origin, "[[1, 2,", json), 400, /^malformed JSON: /],
    ["not rows", () => post(origin, '{"points": []}', json), 400, /expected an array of rows or \{ "rows": \[\.\.\.\] \}/],
    ["no rows", () => post(origin, "[]", json), 400, /^no rows$/],
    ["ragged rows", () => post(origin, JSON.stringify([row, row.slice(1)]), json), 400, new RegExp(`^ragged rows: row 1 has ${dim - 1} values, row 0 has ${dim}$`)],
    ["wrong dimension", () => post(origin, JSON.stringify([[1, 2, 3]]), json), 400, new RegExp(`^rows have 3 values; the model takes ${dim}$`)],
    ["a string value", () => post(origin, JSON.stringify([[...row.slice(1), "7"]]), json), 400, new RegExp(`row 0, column ${dim - 1} is not a number`)],
    ["an overflowing JSON number", () => post(origin, `[[1e999${",0".repeat(dim - 1)}]]`, json), 400, /non-finite value \(Infinity\) at row 0, column 0/],
    ["NaN in raw rows", () => post(origin, bytesOf(nanRows), raw), 400, /non-finite value \(NaN\) at row 1, column 5/],
    ["raw length not a multiple of a row", () => post(origin, bytesOf(rows.subarray(0, dim + 1)), raw), 400, new RegExp(`the body has ${4 * (dim + 1)} bytes, not a multiple of 4 × ${dim} = ${4 * dim}`)],
    ["empty raw body", () => post(origin, new Uint8Array(0), raw), 400, /^empty body$/],
    ["X-Rows disagrees", () => post(origin, bytesOf(rows.subarray(0, 2 * dim)), { ...raw, "x-rows": "3" }), 400, new RegExp(`X-Rows says 3 rows; the body holds 2 rows of ${dim} float32`)],
    ["X-Rows not a count", () => post(origin, bytesOf(rows.subarray(0, dim)), { ...raw, "x-rows": "one" }), 400, /X-Rows must be a row count/],
    ["over the limit (Content-Length)", () => post(origin, new Uint8Array(LIMIT + 4 * dim), raw), 413, new RegExp(`the body has ${LIMIT + 4 * dim} bytes; the limit is ${rawLimit}`)],
    ["over the memory budget's rows", () => post(origin, new Uint8Array(rawLimit + 4 * dim), raw), 413, new RegExp(`the limit is ${rawLimit}( \\(the budget of ${DEFAULT_MEMORY_BUDGET_BYTES} bytes|$)`)],
    [
      "over the limit (streamed, no Content-Length)",
      () => {
        const chunk = new Uint8Array(1 << 20);
        let sent = 0;
        const body = new ReadableStream({
          pull(c) {
            if (sent++ < LIMIT / chunk.length + 2) c.enqueue(chunk);
            else c.close();
          },
        });
        return fetch(`${origin}/`, { method: "POST", body, headers: raw, duplex: "half", signal: AbortSignal.timeout(30000) } as RequestInit);
      },
      413,
      new RegExp(`the body has more than ${rawLimit} bytes; the limit is ${rawLimit}`),
    ],
  ];
  for (const [what, send, status, message] of cases) {
    const res = await send();
    const text = await res.text();
    expect(res.status, `${what}: ${text}`).toBe(status);
    expect(res.headers.get("content-type"), what).toBe("application/json");
    expect((JSON.parse(text) as { error: string }).error, what).toMatch(message);
  }
  // a refused request leaves the server serving
  const res = await post(origin, JSON.stringify([row]), json);
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

interface Server {
  origin: string;
  close: () => Promise<void>;
}

/** The example's worker for `served`: bundled by the example's build.js, run by workerd with its config.capnp. */
async function startWorker({ dir }: Served): Promise<Server> {
  const files = await bundleEdgeWorker(dir);
  expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(["build/simd.wasm", "build/worker.js"]);
  return serveWorkerdConfig(join(dir, "config.capnp"), { timeoutMs: 30000 });
}

/** The example's Deno function for `served` on a free port (--port 0; it prints where it listens). */
async function startDeno({ dir }: Served): Promise<Server> {
  const proc = startProcess(bin("deno"), ["run", "--allow-read", "--allow-net", join(dir, "deno.js"), join(dir, "model.cne"), "--port", "0"], { cwd: app });
  const deadline = Date.now() + 60000;
  for (;;) {
    const listening = /listening on (http:\/\/[^/\s]+)\//.exec(proc.output().stdout);
    if (listening) return { origin: listening[1], close: proc.stop };
    const exited = await Promise.race([proc.exited, new Promise((r) => setTimeout(() => r(undefined), 100))]);
    if (exited !== undefined || Date.now() > deadline) {
      await proc.stop();
      throw new Error(`deno.js did not start (exit ${String(exited)}): ${proc.output().stderr}`);
    }
  }
}

const SERVERS = [
  ["the Cloudflare worker in workerd (examples/edge/config.capnp)", startWorker],
  ["the Deno function (examples/edge/deno.js)", startDeno],
] as const;

describe("examples/edge on the installed package: models saved in Node, served at the edge", () => {
  for (const [name, start] of SERVERS) {
    describe(name, () => {
      it("a 32-column model: JSON and raw float32 requests get Node's transform, bit for bit", async () => {
        const server = await start(narrow);
        try {
          await expectNodeBits(server.origin, narrow);
        } finally {
          await server.close();
        }
      });

      it("a 120-column model (PCA-50 basis in the model): Node's transform, bit for bit", async () => {
        const server = await start(wide);
        try {
          await expectNodeBits(server.origin, wide);
        } finally {
          await server.close();
        }
      });

      it("refuses bad requests: 405, 415, 400 (JSON, shape, values, length), 413", async () => {
        const server = await start(narrow);
        try {
          await expectRefusals(server.origin, narrow);
        } finally {
          await server.close();
        }
      });
    });
  }
});

describe("cne transform --endpoint: a fleet of three workerd transform workers and the Deno function", () => {
  it("a workerd and the Deno function killed mid-run cost retries, never a row: the output has the local transform's bits", async () => {
    const { dir, dim } = narrow;
    // 40,000 rows: the served model's rows, shifted a little per copy, in blocks of 250 (160 requests)
    const n = 40000;
    const base = narrow.rows, baseRows = base.length / dim;
    const rows = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) rows[i * dim + j] = base[(i % baseRows) * dim + j] + 0.001 * Math.floor(i / baseRows);
    writeFileSync(join(dir, "many.npy"), npyFile("<f4", rows, [n, dim]));
    const cne = join(app, "node_modules", ".bin", "cne");
    const local = await runProcess(cne, ["transform", "model.cne", "many.npy", "--out", "local.npy", "--quiet"], { cwd: dir, timeoutMs: 120000 });
    expect(local.code, local.stderr).toBe(0);

    await bundleEdgeWorker(dir);
    const [workers, deno] = await Promise.all([
      Promise.all([0, 1, 2].map(() => serveWorkerdConfig(join(dir, "config.capnp"), { timeoutMs: 30000 }))),
      startDeno(narrow),
    ]);
    const servers = [...workers, deno];
    try {
      const args = ["transform", "model.cne", "many.npy", "--out", "fleet.npy", "--chunk-rows", "250", "--concurrency", "2", "--retries", "10"];
      for (const s of servers) args.push("--endpoint", `${s.origin}/`);
      const fleet = startProcess(cne, args, { cwd: dir });
      // kill the first workerd once a tenth of the rows are written, the Deno function at a third
      const journal = join(dir, "fleet.npy.partial.json");
      const kills = [{ at: n / 10, server: workers[0], done: -1 }, { at: n / 3, server: deno, done: -1 }];
      const deadline = Date.now() + 120000;
      while (kills.some((k) => k.done < 0) && Date.now() < deadline && fleet.child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 20));
        let done: number;
        try {
          done = (JSON.parse(readFileSync(journal, "utf8")) as { rowsDone: number }).rowsDone;
        } catch { continue; /* not written yet, or being renamed */ }
        for (const k of kills) if (k.done < 0 && done >= k.at) { k.done = done; await k.server.close(); }
      }
      const code = await Promise.race([fleet.exited, new Promise((r) => setTimeout(() => r("timeout"), 180000))]);
      const { stderr } = fleet.output();
      expect(code, stderr).toBe(0);
      for (const k of kills) {
        expect(k.done, `${k.server.origin} was killed before the run ended`).toBeGreaterThan(0);
        expect(k.done).toBeLessThan(n);
      }
      expect(stderr, "the dead workers' blocks were retried").toMatch(/retrying/);
      // every server placed blocks before it died (or to the end): the Deno function's answers were taken too
      const placed = /cne: placed by (.*)/.exec(stderr)?.[1] ?? "";
      for (const s of servers) expect(placed, stderr).toMatch(new RegExp(`${s.origin}/ [1-9]\\d* blocks?`));
      expect(readFileSync(join(dir, "fleet.npy")).equals(readFileSync(join(dir, "local.npy"))), "fleet output = local transform, bit for bit").toBe(true);
      expect(existsSync(journal)).toBe(false);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  }, 300000);
});
