// Fuzz of `cne serve`'s requests, by class: each generated request has the answer its class calls for, and the
// server answers every one and keeps serving. Classes: the Host header (loopback name and port, or anything
// else: 421), the method (GET/HEAD, or another: 405), the path (malformed percent-encoding or NUL: 400; a
// route: its answer; anything else, dot segments and encoded slashes included: 404).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { rawRequest, serve, type Served } from "../cli/serve-process.ts";

const ROUTES: Record<string, number> = {
  "/": 302, "/explorer": 302, "/explorer/": 200, "/start.json": 200, "/data/digits.csv.gz": 200,
  "/explorer/main.js": 200, "/explorer/compute.js": 200, "/explorer/worker.js": 200, "/explorer/index.html": 200,
  "/favicon.ico": 204,
};

/** The oracle: what the server must answer, from the request's class alone. */
function expected(method: string, target: string, hostOk: boolean): number {
  if (!hostOk) return 421;
  if (method !== "GET" && method !== "HEAD") return 405;
  let path: string;
  try {
    path = decodeURIComponent(new URL(target, "http://loopback").pathname);
  } catch {
    return 400;
  }
  if (path.includes("\0")) return 400;
  return ROUTES[path] ?? 404;
}

/** Path pieces: names, route parts, dot segments, valid and malformed percent-encodings. */
const segment = fc.oneof(
  fc.constantFrom("explorer", "data", "file", "digits.csv.gz", "main.js", "start.json", "..", ".", "", "package.json"),
  fc.constantFrom("%2f", "%2e%2e", "%41", "%E2%82%AC", "%00", "%", "%Z", "%ZZ", "%C0%AE", "%ED%A0%80", "%E0%A4%A", "%FF", "%25"),
  fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/),
);
const target = fc.array(segment, { minLength: 0, maxLength: 5 }).chain((parts) =>
  fc.constantFrom("", "?x=1", "?%ZZ", "#frag").map((tail) => "/" + parts.join("/") + tail));
const method = fc.constantFrom("GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS");

describe("cne serve under fuzzed requests", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve([]);
  });
  afterAll(() => served.stop());

  it("answers each request as its class says, and keeps serving", async () => {
    const port = () => served.port;
    const host = fc.oneof(
      fc.constantFrom("127.0.0.1", "localhost", "[::1]", "LocalHost").map((name) => ({ value: `${name}:${port()}`, ok: true })),
      fc.oneof(
        fc.constantFrom("evil.example", "127.0.0.1.evil.example", "[::2]", "0.0.0.0", "127.1").map((name) => `${name}:${port()}`),
        fc.constantFrom("127.0.0.1", "localhost", `127.0.0.1:${port() + 1}`, `localhost:${port()}0`),
        fc.stringMatching(/^[a-z0-9.:-]{1,20}$/).filter((h) => !/^(127\.0\.0\.1|localhost):\d+$/.test(h)),
      ).map((value) => ({ value, ok: false })),
    );
    await fc.assert(
      fc.asyncProperty(method, target, host, async (m, t, h) => {
        const status = await rawRequest(port(), m, t, h.value);
        expect(status, `${m} ${t} Host: ${h.value}`).toBe(expected(m, t, h.ok));
      }),
      { numRuns: 150, seed: 22 },
    );
    expect(served.child.exitCode).toBeNull();
    expect(await rawRequest(port(), "GET", "/start.json", `127.0.0.1:${port()}`)).toBe(200);
  });
});
