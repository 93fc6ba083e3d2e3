// The bundles a consumer would build from the installed package with esbuild: a web page (the package's worker
// beside the page script) and a Cloudflare worker (the "workerd" condition; .wasm kept as a module import).
import { build } from "esbuild";
import { copyFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const common = { bundle: true, format: "esm", logLevel: "silent" };

/** Bundles page-entry.js and cne-wasm/worker.js into `app/web/`, with page.html; returns the folder. */
export async function bundlePage(app) {
  const outdir = join(app, "web");
  await build({
    ...common,
    absWorkingDir: app,
    platform: "browser",
    entryPoints: [
      { in: "./page-entry.js", out: "page" },
      { in: "cne-wasm/worker.js", out: "worker" },
    ],
    outdir,
  });
  copyFileSync(join(app, "page.html"), join(outdir, "page.html"));
  return outdir;
}

/** Bundles worker.js for workerd into `app/workerd/`; returns its modules (main module first). */
export async function bundleWorker(app) {
  const outdir = join(app, "workerd");
  await build({
    ...common,
    absWorkingDir: app,
    platform: "browser",
    conditions: ["workerd", "worker"],
    entryPoints: ["./worker.js"],
    loader: { ".wasm": "copy" },
    outdir,
  });
  const wasm = readdirSync(outdir).filter((f) => f.endsWith(".wasm"));
  return [
    { name: "worker.js", kind: "esModule", path: join(outdir, "worker.js") },
    ...wasm.map((f) => ({ name: f, kind: "wasm", path: join(outdir, f) })),
  ];
}
