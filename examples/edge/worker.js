// A Cloudflare worker (workerd) that embeds POSTed rows with a saved parametric model or t-SNE layout. The model arrives as a
// data module (config.capnp: `data = embed "model.cne"`), the core's wasm as a wasm module (the package's
// "workerd" export condition, kept as a module import by the bundler: build.js).
import modelBytes from "./model.cne";
import { createHandler } from "./handler.js";
import { loadServable } from "./model.js";

let handle;

export default {
  fetch(request, env) {
    // the first request loads the model (no I/O or timers may run at a worker's top level)
    handle ??= createHandler({
      load: () => loadServable(modelBytes),
      modelBytes,
      maxBodyBytes: env.MAX_BODY_BYTES === undefined ? undefined : Number(env.MAX_BODY_BYTES),
      memoryBudgetBytes: env.MEMORY_BUDGET_BYTES === undefined ? undefined : Number(env.MEMORY_BUDGET_BYTES),
    });
    return handle(request);
  },
};
