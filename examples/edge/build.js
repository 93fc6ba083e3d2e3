// Bundles worker.js for workerd with esbuild: the "workerd" export condition selects cne-wasm's entry that
// imports the core's .wasm as a module; the .wasm is copied beside the bundle as build/simd.wasm and the
// model stays an import of "./model.cne" (config.capnp binds both as modules).
//   node build.js            (bundles this folder into ./build)
import { build } from "esbuild";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Bundles `dir`/worker.js into `outdir` (default `dir`/build); returns the files written. */
export async function bundleEdgeWorker(dir = fileURLToPath(new URL(".", import.meta.url)), outdir = join(dir, "build")) {
  await build({
    absWorkingDir: dir,
    entryPoints: ["./worker.js"],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker"],
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    external: ["./model.cne"],
    outdir,
    logLevel: "warning",
  });
  return readdirSync(outdir).map((f) => join(outdir, f));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await bundleEdgeWorker();
  console.log(`wrote ${files.join(", ")}`);
}
