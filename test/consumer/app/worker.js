// A consumer's Cloudflare worker: bundled from the installed package with the "workerd" condition, which
// selects the entry that imports the core's .wasm as a module. Answers each request with compute.js's result.
import * as cne from "cne-wasm";
import { compute } from "./compute.js";

export default {
  async fetch(request) {
    const threads = Number(new URL(request.url).searchParams.get("threads") ?? 1);
    try {
      return Response.json({ runtime: "workerd", ...(await compute(cne, threads)) });
    } catch (e) {
      return Response.json({ error: String((e && e.stack) || e) }, { status: 500 });
    }
  },
};
