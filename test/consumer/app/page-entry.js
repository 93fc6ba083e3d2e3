// A consumer's page script, bundled together with the installed package by esbuild. The package starts its
// workers from `new URL("./worker.js", import.meta.url)`, which esbuild does not follow, so the package's worker
// (one self-contained file) is copied beside page.js.
import * as cne from "cne-wasm";
import { compute } from "./compute.js";

const threads = Number(new URLSearchParams(location.search).get("threads") ?? 2);
try {
  const out = await compute(cne, threads);
  window.consumerResult = { runtime: "chromium", crossOriginIsolated: self.crossOriginIsolated, ...out };
  document.getElementById("out").textContent = `${out.build}, ${out.threads} thread(s)`;
} catch (e) {
  window.consumerResult = { error: String((e && e.stack) || e) };
}
