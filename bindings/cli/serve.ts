// `cne serve`: a small static server on loopback for the explorer page (dist/explorer, built from explorer/),
// the bundled digits and the one file named on the command line. With COOP/COEP the page is cross-origin
// isolated, so the library runs its threads build there. Nothing is fetched from elsewhere: it works offline.

import { createReadStream } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { open, stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import sirv from "sirv";
import { FORMATS, inputFormatOf } from "../io/formats.ts";
import { CliError, describeSystemError } from "./errors.ts";
import type { ServeCommand } from "./serve-args.ts";
import { allowedHosts, hostAllowed, requestPath } from "./serve-request.ts";

const PAGE = fileURLToPath(new URL("../explorer/index.html", import.meta.url));
const PAGE_DIR = dirname(PAGE);
const DIGITS = fileURLToPath(new URL("../../data/digits.csv.gz", import.meta.url));
const JSON_TYPE = "application/json";
/** The data files go to the page as bytes: it parses and gunzips them itself. */
const DATA_TYPE = "application/octet-stream";

export interface ExplorerServer {
  origin: string;
  close(): Promise<void>;
}

export interface ExplorerServerOptions {
  file?: string;
  labelColumn?: string;
  vectorColumn?: string;
  port?: number;
  host?: string;
  isolation?: boolean;
}

/** What the page opens first, and how (the page's reader takes the same columns as `cne embed`): the file
 * given, or the digits (its last column is the digit). */
function startFile(options: ExplorerServerOptions): { name: string; url: string; route: string; labelColumn?: string; vectorColumn?: string; path: string } {
  if (options.file) {
    const name = basename(options.file);
    return { name, url: `/file/${encodeURIComponent(name)}`, route: `/file/${name}`, labelColumn: options.labelColumn, vectorColumn: options.vectorColumn, path: resolve(options.file) };
  }
  return { name: "digits.csv.gz", url: "/data/digits.csv.gz", route: "/data/digits.csv.gz", labelColumn: options.labelColumn ?? "last", path: DIGITS };
}

/** --vector-column names a column of a table: refused up front when the file's name says another format (a
 * name without a known extension is left to the page, whose reader also knows Parquet and Arrow by content). */
function checkVectorColumn(options: ExplorerServerOptions): void {
  if (options.vectorColumn === undefined) return;
  const kind = inputFormatOf(options.file ?? DIGITS);
  if (!kind || FORMATS[kind.format].columnar) return;
  throw new CliError(`${options.file ?? "the bundled digits"}: --vector-column applies to Parquet, Arrow and JSONL tables, not to .${kind.format}`);
}

function setAll(res: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

function notFound(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(404, { ...headers, "Content-Type": "text/plain" }).end("not found");
}

/**
 * Streams one file in chunks (never read whole: many concurrent requests of a large file keep memory flat);
 * the file is opened once, so its size and its bytes are those of the same file.
 */
async function streamFile(res: ServerResponse, path: string, headers: Record<string, string>): Promise<void> {
  let handle;
  try {
    handle = await open(path, "r");
    const info = await handle.stat();
    if (!info.isFile()) throw new Error("not a file");
    res.writeHead(200, { ...headers, "Content-Type": DATA_TYPE, "Content-Length": String(info.size) });
  } catch {
    await handle?.close();
    return notFound(res, headers);
  }
  if (res.req.method === "HEAD") {
    await handle.close();
    res.end();
    return;
  }
  // the stream closes the handle when it ends or fails; a client that leaves mid-file fails the pipeline
  await pipeline(createReadStream("", { fd: handle, highWaterMark: 64 * 1024 }), res).catch(() => res.destroy());
}

export async function startExplorerServer(options: ExplorerServerOptions = {}): Promise<ExplorerServer> {
  checkVectorColumn(options);
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
  // the page's files, listed once at start (nothing else under PAGE_DIR's parents can be reached), each
  // streamed from disk with its type from its extension
  let page: ReturnType<typeof sirv>;
  try {
    page = sirv(PAGE_DIR, { dev: false, etag: false, extensions: ["html"], setHeaders: (res) => setAll(res, headers) });
  } catch (error) {
    throw new CliError(`the explorer page is missing (${PAGE_DIR}: ${describeSystemError(error)}): build it with npm run build:explorer`);
  }
  let allowed = new Set<string>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req.headers.host, allowed)) {
      res.writeHead(421, { ...headers, "Content-Type": "text/plain" }).end("this server answers only requests addressed to it on loopback");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...headers, Allow: "GET, HEAD" }).end();
      return;
    }
    const path = requestPath(req.url);
    if (path === undefined) {
      res.writeHead(400, { ...headers, "Content-Type": "text/plain" }).end("malformed URL");
      return;
    }
    if (path === "/" || path === "/explorer") {
      res.writeHead(302, { ...headers, Location: "/explorer/" }).end();
      return;
    }
    if (path === "/start.json") {
      const body = JSON.stringify({ name: first.name, url: first.url, labelColumn: first.labelColumn ?? null, vectorColumn: first.vectorColumn ?? null });
      res.writeHead(200, { ...headers, "Content-Type": JSON_TYPE }).end(body);
      return;
    }
    if (path === first.route) return streamFile(res, first.path, headers);
    if (path === "/data/digits.csv.gz") return streamFile(res, DIGITS, headers);
    if (path.startsWith("/explorer/")) {
      // a request of the page's own: no ranges or encodings, only the path within the folder
      const inner = { url: path.slice("/explorer".length), headers: {} } as IncomingMessage;
      return page(inner, res, () => notFound(res, headers));
    }
    if (path === "/favicon.ico") {
      res.writeHead(204, headers).end();
      return;
    }
    notFound(res, headers);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // a failure while answering one request ends that request only
      if (!res.headersSent) res.writeHead(500, headers).end();
      else res.destroy();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      fail(error.code === "EADDRINUSE" ? new CliError(`port ${options.port} is in use: give another with --port (0 picks a free one)`) : error);
    });
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => done());
  });
  const address = server.address() as { port: number; address: string };
  allowed = allowedHosts(address.port);
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
