// The bundles a consumer would build from the installed package with esbuild: a web page (the README's recipe:
// esbuild does not follow `new URL("./worker.js", import.meta.url)`, so the package's self-contained worker.js is
// copied beside the bundle) and a Cloudflare worker (the "workerd" condition; .wasm kept as a module import).
import { build } from "esbuild";
import { copyFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const common = { bundle: true, format: "esm", logLevel: "silent" };

/** Bundles page-entry.js into `app/web/page.js`, copies the package's worker.js and page.html beside it; returns the folder. */
export async function bundlePage(app) {
  const outdir = join(app, "web");
  await build({
    ...common,
    absWorkingDir: app,
    platform: "browser",
    entryPoints: [{ in: "./page-entry.js", out: "page" }],
    outdir,
  });
  copyFileSync(join(app, "node_modules/cne-wasm/dist/threads/worker.js"), join(outdir, "worker.js"));
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
