// The workerd smoke test's worker: runs the fixture on the package's workerd entry (wasm imported as a module)
// for each request and answers with the result as JSON.
import * as lib from "./dist/workerd.js";
import { runFixture } from "./test/runtimes/fixture.js";

export default {
  async fetch(request) {
    const threads = Number(new URL(request.url).searchParams.get("threads") ?? 2);
    try {
      return Response.json({ runtime: "workerd", ...(await runFixture(lib, threads)) });
    } catch (e) {
      return Response.json({ error: String((e && e.stack) || e) }, { status: 500 });
    }
  },
};
