# workerd configuration of the edge example: one worker made of the bundle (node build.js), the core's wasm
# and the saved model, listening on 127.0.0.1:8787 (override: --socket-addr http=HOST:PORT).
#   npx workerd serve config.capnp
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .edgeWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "main")],
);

const edgeWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "build/worker.js"),
    (name = "simd.wasm", wasm = embed "build/simd.wasm"),
    (name = "model.cne", data = embed "model.cne"),
  ],
  bindings = [
    # the largest request body in bytes (413 beyond it): 32 MiB, 10,000 rows of 784 float32
    (name = "MAX_BODY_BYTES", text = "33554432"),
    # what one request may hold in memory for this model (rows beyond it: 413): 64 MiB of the isolate's 128 MB
    (name = "MEMORY_BUDGET_BYTES", text = "67108864"),
  ],
  compatibilityDate = "2025-09-01",
);
