import { nodeResolve } from "@rollup/plugin-node-resolve";
import { importMetaAssets } from "@web/rollup-plugin-import-meta-assets";

// Rollup does not emit files named by `new URL("…", import.meta.url)` on its own: importMetaAssets copies them
// (the package's worker.js is one self-contained file).
export default {
  input: "src/main.js",
  output: { dir: "dist-rollup", format: "es" },
  plugins: [nodeResolve({ browser: true }), importMetaAssets()],
};
