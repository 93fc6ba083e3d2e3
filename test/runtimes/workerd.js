// Starts workerd with the package's workerd entry: writes a capnp config that embeds the built modules the
// entry reaches (and build/simd.wasm as a wasm module, the only way workerd accepts wasm), serves it on a free
// port of 127.0.0.1, and returns the origin to query.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { startProcess } from "./processes.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

const RELATIVE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

/**
 * The modules reachable from dist/workerd.js through relative imports (paths from the repository root), the
 * wasm modules among them.
 */
function workerdModules() {
  const js = new Set();
  const wasm = new Set();
  const visit = (file) => {
    if (js.has(file)) return;
    js.add(file);
    const text = readFileSync(join(root, file), "utf8");
    for (const [, spec] of text.matchAll(RELATIVE_IMPORT)) {
      const target = posix.normalize(posix.join(posix.dirname(file), spec));
      if (target.endsWith(".wasm")) wasm.add(target);
      else visit(target);
    }
  };
  visit("dist/workerd.js");
  return { js: [...js], wasm: [...wasm] };
}

/** The repository's own worker: the smoke entry, the fixture, the modules dist/workerd.js reaches. */
function repositoryModules() {
  const { js, wasm } = workerdModules();
  const at = (path) => join(root, path);
  return [
    { name: "worker.js", kind: "esModule", path: at("test/runtimes/workerd-entry.js") },
    { name: "test/runtimes/fixture.js", kind: "esModule", path: at("test/runtimes/fixture.js") },
    ...js.map((f) => ({ name: f, kind: "esModule", path: at(f) })),
    ...wasm.map((f) => ({ name: f, kind: "wasm", path: at(f) })),
  ];
}

/** The capnp config of one worker made of `modules` (the first is the main module). */
function config(configDir, modules) {
  const lines = modules.map(
    ({ name, kind, path }) => `(name = ${JSON.stringify(name)}, ${kind} = embed ${JSON.stringify(relative(configDir, path))})`,
  );
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .smokeWorker)],
  sockets = [(name = "http", http = (), service = "main")],
);
const smokeWorker :Workerd.Worker = (
  modules = [
    ${lines.join(",\n    ")}
  ],
  compatibilityDate = "2025-09-01",
);
`;
}

async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => {
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", resolve);
  });
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Runs `workerd serve` once with the config's socket `socket` on `port`; resolves with its origin once it
 * answers, and a `close` that ends it.
 */
async function startOnce(configPath, port, timeoutMs, socket = "http") {
  const bin = join(root, "node_modules", ".bin", "workerd");
  const proc = startProcess(bin, ["serve", configPath, "--socket-addr", `${socket}=127.0.0.1:${port}`]);
  const log = () => proc.output().stderr + proc.output().stdout;
  let exitCode = null;
  proc.exited.then((code) => (exitCode = code));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== null) {
      await proc.stop();
      throw new Error(`workerd exited with ${exitCode}: ${log()}`);
    }
    try {
      // any answer means it is serving (the worker treats every path alike, so ask for the cheapest thing)
      const res = await fetch(`${origin}/`, { method: "HEAD", signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return { origin, close: proc.stop, log };
    } catch {
      if (Date.now() > deadline) {
        await proc.stop();
        throw new Error(`workerd did not answer within ${timeoutMs} ms: ${log()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Writes the config to a temporary folder and starts workerd on a free port of 127.0.0.1 (retrying if another
 * process took the port in between). `close` ends workerd and removes the folder. `modules` ({ name, kind:
 * "esModule" | "wasm", path }, the main module first) default to the repository's smoke worker.
 */
export async function startWorkerd({ timeoutMs = 20000, modules = repositoryModules() } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "cne-workerd-"));
  const configPath = join(dir, "config.capnp");
  writeFileSync(configPath, config(dir, modules));
  try {
    const server = await serveWorkerdConfig(configPath, { timeoutMs });
    return {
      ...server,
      close: async () => {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Starts workerd with an existing config, its socket `socket` bound to a free port of 127.0.0.1 instead of the
 * config's address (retrying if another process took the port in between). `close` ends workerd.
 */
export async function serveWorkerdConfig(configPath, { socket = "http", timeoutMs = 20000 } = {}) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(configPath, await freePort(), timeoutMs, socket);
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}
