// `cne serve`: a small static server on loopback for the explorer page (dist/explorer, built from explorer/),
// the bundled digits and the one file named on the command line. With COOP/COEP the page is cross-origin
// isolated, so the library runs its threads build there. Nothing is fetched from elsewhere: it works offline.

import { createServer, type ServerResponse } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { CliError, describeSystemError } from "./errors.ts";
import type { ServeCommand } from "./serve-args.ts";

const PAGE = fileURLToPath(new URL("../explorer/index.html", import.meta.url));
const PAGE_DIR = dirname(PAGE);
const DIGITS = fileURLToPath(new URL("../../data/digits.csv.gz", import.meta.url));
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".wasm": "application/wasm",
};

export interface ExplorerServer {
  origin: string;
  close(): Promise<void>;
}

export interface ExplorerServerOptions {
  file?: string;
  labelColumn?: string;
  port?: number;
  host?: string;
  isolation?: boolean;
}

/** What the page opens first: the file given, or the digits (its last column is the digit). */
function startFile(options: ExplorerServerOptions): { name: string; url: string; labelColumn?: string; path: string } {
  if (options.file) {
    const name = basename(options.file);
    return { name, url: `/file/${encodeURIComponent(name)}`, labelColumn: options.labelColumn, path: resolve(options.file) };
  }
  return { name: "digits.csv.gz", url: "/data/digits.csv.gz", labelColumn: options.labelColumn ?? "last", path: DIGITS };
}

export async function startExplorerServer(options: ExplorerServerOptions = {}): Promise<ExplorerServer> {
  const first = startFile(options);
  if (options.file) {
    try {
      if (!(await stat(first.path)).isFile()) throw new CliError(`${options.file}: not a file`);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`${options.file}: cannot read: ${describeSystemError(error)}`);
    }
  }
  const headers: Record<string, string> = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };
  if (options.isolation !== false) {
    headers["Cross-Origin-Opener-Policy"] = "same-origin";
    headers["Cross-Origin-Embedder-Policy"] = "require-corp";
    headers["Cross-Origin-Resource-Policy"] = "same-origin";
  }
  const send = async (res: ServerResponse, path: string, type: string) => {
    try {
      const body = await readFile(path);
      res.writeHead(200, { ...headers, "Content-Type": type }).end(body);
    } catch {
      res.writeHead(404, headers).end("not found");
    }
  };
  const server = createServer(async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, headers).end();
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (path === "/" || path === "/explorer") {
      res.writeHead(302, { ...headers, Location: "/explorer/" }).end();
      return;
    }
    if (path === "/explorer/") return send(res, PAGE, TYPES[".html"]);
    if (path === "/start.json") {
      const body = JSON.stringify({ name: first.name, url: first.url, labelColumn: first.labelColumn ?? null });
      res.writeHead(200, { ...headers, "Content-Type": TYPES[".json"] }).end(body);
      return;
    }
    if (path === decodeURIComponent(first.url)) return send(res, first.path, "application/octet-stream");
    if (path === "/data/digits.csv.gz") return send(res, DIGITS, "application/octet-stream");
    if (path.startsWith("/explorer/")) {
      const file = resolve(PAGE_DIR, path.slice("/explorer/".length));
      // only files inside the page's folder
      if (file.startsWith(PAGE_DIR + sep)) return send(res, file, TYPES[extname(file)] ?? "application/octet-stream");
    }
    if (path === "/favicon.ico") {
      res.writeHead(204, headers).end();
      return;
    }
    res.writeHead(404, headers).end("not found");
  });
  await new Promise<void>((done, fail) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      fail(error.code === "EADDRINUSE" ? new CliError(`port ${options.port} is in use: give another with --port (0 picks a free one)`) : error);
    });
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => done());
  });
  const address = server.address() as { port: number; address: string };
  const host = address.address.includes(":") ? `[${address.address}]` : address.address;
  return {
    origin: `http://${host}:${address.port}`,
    close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}

/** Serves until Ctrl-C; resolves to the exit code. */
export async function runServe(command: ServeCommand): Promise<number> {
  let server: ExplorerServer;
  try {
    server = await startExplorerServer(command);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`cne: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const threads = command.isolation ? "cross-origin isolated: threads on" : "not isolated: one thread";
  process.stderr.write(`cne: the spectrum explorer is at ${server.origin}/explorer/ (${threads}); Ctrl-C stops it\n`);
  await new Promise<void>((done) => process.once("SIGINT", () => done()));
  await server.close();
  return 0;
}
