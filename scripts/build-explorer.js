// Builds the explorer page (explorer/) into dist/explorer/, which `cne serve` serves: the page script, its
// compute worker (with the library and both wasm builds inside), and the library's thread worker, which the
// bundled library starts from the same folder (new URL("./worker.js", import.meta.url)).
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "explorer");
mkdirSync(out, { recursive: true });
const common = {
  absWorkingDir: root,
  outdir: out,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "none",
  // Node-only branches of the library (never taken in a browser) and the optional hnsw backend stay out
  external: ["node:*", "hnswlib-wasm/*"],
  logLevel: "warning",
};
// the page and the library's thread worker: whole files, as before
await build({ ...common, entryPoints: { main: "explorer/src/main.ts", worker: "bindings/threads/worker.ts" } });
// the compute worker: the table formats' libraries (apache-arrow, parquet-wasm) are imported dynamically, in
// chunks of their own that load only when a Parquet, Arrow or JSONL file is opened
await build({ ...common, entryPoints: { compute: "explorer/src/compute.ts" }, splitting: true, chunkNames: "chunks/[name]-[hash]" });
copyFileSync(join(root, "explorer", "index.html"), join(out, "index.html"));
// parquet-wasm fetches its wasm beside the module that loads it (new URL(…, import.meta.url)): the chunk
mkdirSync(join(out, "chunks"), { recursive: true });
copyFileSync(createRequire(import.meta.url).resolve("parquet-wasm/esm/parquet_wasm_bg.wasm"), join(out, "chunks", "parquet_wasm_bg.wasm"));
console.log("built dist/explorer/ (index.html, main.js, compute.js, worker.js)");
