// Our run in headless Chromium (playwright-core driving Debian's /usr/bin/chromium): a local server gives the
// page cross-origin isolation (COOP/COEP) so the threads build can share memory with its workers, serves the
// built library and the data, and takes the embedding back. Peak RSS is the renderer process's VmHWM.

import { createServer } from "node:http";
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { DATASETS, datasetPaths } from "./data.js";
import { CACHE_DIR, ROOT_DIR } from "./paths.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const ALLOWED = ["/dist/", "/build/", "/bench/lib/"];
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".wasm": "application/wasm", ".json": "application/json", ".map": "application/json" };

function startServer(spec, out) {
  const { dim } = DATASETS[spec.dataset];
  const headers = { "Cache-Control": "no-store", "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    if (path === "/spec.json") return res.writeHead(200, { ...headers, "Content-Type": TYPES[".json"] }).end(JSON.stringify(spec));
    if (path === "/data") {
      const bytes = readFileSync(datasetPaths(spec.dataset).values).subarray(0, spec.n * dim * 4);
      return res.writeHead(200, { ...headers, "Content-Type": "application/octet-stream" }).end(bytes);
    }
    if (path === "/embedding" && req.method === "POST") {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        writeFileSync(`${out}.f32`, Buffer.concat(chunks));
        res.writeHead(204, headers).end();
      });
      return;
    }
    if (!ALLOWED.some((prefix) => path.startsWith(prefix))) return res.writeHead(404, headers).end();
    try {
      const body = readFileSync(join(ROOT_DIR, path));
      res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404, headers).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` })));
}

/** The largest VmHWM among the renderer processes descended from `rootPid`, in MB. */
function rendererPeakMB(rootPid) {
  const parent = new Map();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parent.set(Number(pid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone
    }
  }
  let peak = null;
  for (const pid of parent.keys()) {
    let p = pid;
    while (p > 1 && p !== rootPid) p = parent.get(p) ?? 0;
    if (p !== rootPid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer")) continue;
      const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
      if (kb > 0) peak = Math.max(peak ?? 0, kb / 1024);
    } catch {
      // gone
    }
  }
  return peak;
}

export async function runInBrowser({ spec, id, timeLimit, log }) {
  if (!existsSync(CHROMIUM)) return { ok: false, error: `no Chromium at ${CHROMIUM} (apt-get install -y chromium)` };
  const dir = join(CACHE_DIR, "runs");
  mkdirSync(dir, { recursive: true });
  const out = join(dir, id);
  const { chromium } = await import("playwright-core");
  const { server, origin } = await startServer(spec, out);
  const browserServer = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60000 });
  const started = performance.now();
  let report;
  try {
    const browser = await chromium.connect(browserServer.wsEndpoint());
    const page = await browser.newPage();
    page.on("pageerror", (e) => log(`  page error: ${e.message}`));
    await page.goto(`${origin}/bench/lib/browser-page.html`, { timeout: 60000 });
    await page.waitForFunction(() => window.benchReport, null, { timeout: timeLimit * 1000, polling: 1000 });
    report = await page.evaluate(() => window.benchReport);
    report.peakRssMB = rendererPeakMB(browserServer.process().pid);
    report.runtime = { name: "chromium", version: browser.version() };
    await browser.close();
  } catch (e) {
    const timedOut = /Timeout/i.test(String(e));
    report = { ok: false, tool: spec.tool, error: timedOut ? `time limit of ${timeLimit} s reached` : String(e).split("\n")[0] };
  } finally {
    await browserServer.close();
    server.closeAllConnections();
    server.close();
  }
  report.wallSeconds = (performance.now() - started) / 1000;
  report.embeddingPath = report.ok ? `${out}.f32` : null;
  writeFileSync(`${out}.json`, JSON.stringify(report, null, 2));
  return report;
}
