// A Deno function that embeds POSTed rows with a saved parametric model or t-SNE layout: the same handler as the worker.
//   deno run --allow-read --allow-net deno.js model.cne [--port 8000] [--hostname 127.0.0.1] [--threads T] [--max-body-bytes B] [--memory-budget-bytes M]
// Prints "listening on http://host:port/" once it accepts requests (--port 0 picks a free port).
import { parseArgs } from "node:util";
import { createHandler, DEFAULT_MAX_BODY_BYTES, DEFAULT_MEMORY_BUDGET_BYTES } from "./handler.js";
import { loadServable } from "./model.js";

const { values: flags, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    port: { type: "string", default: "8000" },
    hostname: { type: "string", default: "127.0.0.1" },
    threads: { type: "string" },
    "max-body-bytes": { type: "string", default: String(DEFAULT_MAX_BODY_BYTES) },
    "memory-budget-bytes": { type: "string", default: String(DEFAULT_MEMORY_BUDGET_BYTES) },
  },
});
if (positionals.length !== 1) {
  console.error("usage: deno run --allow-read --allow-net deno.js <model.cne> [--port P] [--hostname H] [--threads T] [--max-body-bytes B] [--memory-budget-bytes M]");
  Deno.exit(2);
}
const count = (name, min) => {
  const v = Number(flags[name]);
  if (!Number.isInteger(v) || v < min) {
    console.error(`--${name} must be an integer ≥ ${min}, got "${flags[name]}"`);
    Deno.exit(2);
  }
  return v;
};
const port = count("port", 0);
const maxBodyBytes = count("max-body-bytes", 1);
const memoryBudgetBytes = count("memory-budget-bytes", 1);
const threads = flags.threads === undefined ? undefined : count("threads", 1);

// load before serving: a model that cannot be read stops the script with its reason
const modelBytes = await Deno.readFile(positionals[0]);
const model = await loadServable(modelBytes, { threads });
const handle = createHandler({ load: () => model, maxBodyBytes, memoryBudgetBytes, modelBytes });

Deno.serve({
  port,
  hostname: flags.hostname,
  onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}/ (model: ${model.dim} → ${model.outDim} dimensions)`),
}, handle);
