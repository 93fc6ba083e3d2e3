// A web app's page script: embeds a small fixed set with the installed package on as many threads as the page's
// ?threads= asks for (default 2), shows the build and thread count, and leaves the result on `window.cneResult`.
import * as cne from "cne-wasm";
import { compute } from "./compute.js";

const threads = Number(new URLSearchParams(location.search).get("threads") ?? 2);
compute(cne, threads).then(
  (result) => {
    window.cneResult = { crossOriginIsolated: self.crossOriginIsolated, ...result };
    document.getElementById("out").textContent = `${result.runtime.build}, ${result.runtime.threads} thread(s)`;
  },
  (e) => (window.cneResult = { error: String((e && e.stack) || e) }),
);
