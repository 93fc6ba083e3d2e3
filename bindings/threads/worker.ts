// A compute thread. It instantiates the threads build over the shared memory it is given, then sleeps on the
// control block's generation word; each new generation runs `runTask` once and counts itself done. It never
// allocates: the main thread owns the arena. The control block's offsets come from the core's own exports.
//
// It imports nothing and has no top-level await: built, it is one self-contained file (dist/threads/worker.js),
// so a bundler that only copies the file `new URL("./worker.js", import.meta.url)` names, or a plain copy step,
// yields a working worker, and a bundler that builds it as an entry has nothing to resolve.

interface StartMessage {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: number;
  thread: number;
}

type Post = (message: unknown) => void;

/** Imports a Node built-in with a computed specifier that web bundlers leave alone (as core/environment.ts does). */
function importNodeBuiltin<T>(name: string): Promise<T> {
  const specifier = `node:${name}`;
  return import(/* webpackIgnore: true */ specifier) as Promise<T>;
}

/** The value of a layout constant the core exports (core/abi.ts reads them alike on the main thread). */
function readGlobal(exports: WebAssembly.Exports, name: string): number {
  const g = exports[name];
  if (!(g instanceof WebAssembly.Global)) throw new Error(`cne-wasm: the core does not export ${name}`);
  return Number(g.value);
}

async function start(msg: StartMessage, post: Post): Promise<void> {
  // the control block lies below the arena, in the memory's first pages: a view of the initial buffer reaches it
  const words = new Int32Array(msg.memory.buffer);
  const instance = await WebAssembly.instantiate(msg.module, {
    env: {
      memory: msg.memory,
      abort: () => {
        throw new Error("cne-wasm core aborted");
      },
      // a barrier's sleep (assembly/parallel/control.ts): at most 1 ms, the core checks again
      sleepWhileEqual: (address: number, expected: number) => {
        Atomics.wait(words, address >> 2, expected, 1);
      },
    },
  });
  const runTask = instance.exports.runTask as (ctrl: number, thread: number) => void;
  const gen = (msg.ctrl + readGlobal(instance.exports, "CTRL_GENERATION")) >> 2;
  const done = (msg.ctrl + readGlobal(instance.exports, "CTRL_DONE")) >> 2;
  const error = (msg.ctrl + readGlobal(instance.exports, "CTRL_ERROR")) >> 2;
  let seen = Atomics.load(words, gen);
  post({ ready: true });
  for (;;) {
    Atomics.wait(words, gen, seen);
    const now = Atomics.load(words, gen);
    if (now === seen) continue;
    if (now < 0) return; // the pool is shutting down
    seen = now;
    try {
      runTask(msg.ctrl, msg.thread);
    } catch (e) {
      Atomics.store(words, error, 1);
      post({ error: String(e) });
    }
    Atomics.add(words, done, 1);
    Atomics.notify(words, done);
  }
}

const scope = globalThis as unknown as {
  onmessage?: (e: { data: StartMessage }) => void;
  postMessage?: Post;
  WorkerGlobalScope?: unknown;
  Deno?: unknown;
  Bun?: unknown;
};
const isWebWorker =
  typeof scope.WorkerGlobalScope !== "undefined" || typeof scope.Deno !== "undefined" || typeof scope.Bun !== "undefined";

if (isWebWorker) {
  scope.onmessage = (e) => void start(e.data, (m) => scope.postMessage!(m));
} else {
  void importNodeBuiltin<typeof import("node:worker_threads")>("worker_threads").then(({ parentPort }) => {
    parentPort!.once("message", (data: StartMessage) => void start(data, (m) => parentPort!.postMessage(m)));
  });
}
