// A tiny static server for the browser smoke test: serves the built package and the test page from the
// repository on 127.0.0.1 (a free port), with or without the headers that make a page cross-origin isolated.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
// Only what the page needs; everything else is 404.
const ALLOWED = ["/dist/", "/build/", "/test/runtimes/"];
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".map": "application/json",
};

/**
 * Starts the server; `isolated` adds COOP/COEP so SharedArrayBuffer and the threads build are available. With
 * `dir`, it serves every file under that folder instead of the repository's allowed paths.
 */
export function startServer({ isolated, dir }) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    const headers = { "Cache-Control": "no-store" };
    if (isolated) {
      headers["Cross-Origin-Opener-Policy"] = "same-origin";
      headers["Cross-Origin-Embedder-Policy"] = "require-corp";
    }
    if (path === "/favicon.ico") {
      res.writeHead(204, headers).end();
      return;
    }
    if (!dir && !ALLOWED.some((prefix) => path.startsWith(prefix))) {
      res.writeHead(404, headers).end("not found");
      return;
    }
    try {
      const body = await readFile(join(dir ?? root, path));
      res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404, headers).end("not found");
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}
