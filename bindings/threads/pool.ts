// A pool of compute threads over one shared memory. The main thread posts a task by writing the control block
// and bumping its generation word; it never computes itself in this mode, so it can wait without blocking
// (a browser main thread may not block) and stays free for progress, abort and the event loop.

import type { CoreLayout } from "../core/abi.ts";
import { importNodeBuiltin, isNodeLike } from "../core/environment.ts";

interface WorkerHandle {
  post(message: unknown): void;
  terminate(): void;
  onMessage(handler: (data: { ready?: boolean; error?: string }) => void): void;
  onError(handler: (e: unknown) => void): void;
  /** Called when the thread ends (Node reports it; a web worker ended from outside gives no event). */
  onExit(handler: () => void): void;
  /**
   * Whether the worker keeps the process alive: only during a run, since waiting on shared memory does not
   * (a no-op where workers cannot keep it alive).
   */
  keepAlive(on: boolean): void;
}

/**
 * Polls of the barrier's word before a thread sleeps (assembly/parallel/control.ts): long enough that a thread
 * arriving a little early does not pay a sleep and wake. Tests set 0 to make every early thread sleep.
 */
export const barrierTuning = { spins: 20000 };

/**
 * Starts a web worker (browsers, Deno, Bun) on worker.js beside this file. The expression is written out as the
 * one pattern bundlers recognise (Vite, webpack 5 and Parcel emit the worker for it; Rollup, esbuild and
 * `bun build` through the README's recipes): a literal relative URL, `import.meta.url` and `{ type: "module" }`.
 * Deno running the TypeScript source finds bindings/threads/worker.js, which imports worker.ts.
 */
function startWebWorker(): Worker {
  return new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
}

const WORKER_FILE = "./worker.js";

async function spawn(): Promise<WorkerHandle> {
  const WebWorker = (globalThis as { Worker?: typeof Worker }).Worker;
  if (!isNodeLike() || (WebWorker && (globalThis as { Bun?: unknown }).Bun)) {
    const w = startWebWorker();
    (w as unknown as { unref?: () => void }).unref?.();
    return {
      post: (m) => w.postMessage(m),
      terminate: () => w.terminate(),
      onMessage: (h) => w.addEventListener("message", (e) => h((e as MessageEvent).data)),
      onError: (h) => w.addEventListener("error", (e) => h(e)),
      onExit: () => {},
      keepAlive: (on) => (w as unknown as Record<string, (() => void) | undefined>)[on ? "ref" : "unref"]?.(),
    };
  }
  const { Worker: NodeWorker } = await importNodeBuiltin<typeof import("node:worker_threads")>("worker_threads");
  // the same file, named apart from the pattern above so that web bundlers neither copy nor inline it again
  const here = import.meta.url;
  const w = new NodeWorker(new URL(WORKER_FILE, here));
  w.unref();
  return {
    post: (m) => w.postMessage(m),
    terminate: () => void w.terminate(),
    onMessage: (h) => w.on("message", h),
    onError: (h) => w.on("error", h),
    onExit: (h) => w.on("exit", h),
    keepAlive: (on) => (on ? w.ref() : w.unref()),
  };
}

/**
 * What a worker's error says. A web worker whose module cannot be fetched or parsed fires a bare Event with no
 * message: most often the app's bundler did not emit worker.js beside the code that starts it.
 */
function describeWorkerError(e: unknown): string {
  const message = (e as { message?: unknown } | null)?.message;
  if (typeof message === "string" && message) return message;
  if ((e as { type?: unknown } | null)?.type === "error") {
    return "its module (worker.js beside the package's threads/pool.js, or the file a bundler emitted for it) could not be loaded";
  }
  return String(e);
}

/** How often a waiting run looks again at whether a worker died (a dead worker never signals done). */
const LIVENESS_POLL_MS = 100;

export class ThreadPool {
  private lastError = "";
  /** Set once a worker has failed or ended on its own: the pool can no longer finish a task. */
  private failure?: string;
  private terminating = false;
  private constructor(
    private readonly workers: WorkerHandle[],
    private readonly words: () => Int32Array,
    private readonly ctrl: number,
    private readonly offsets: CoreLayout["ctrl"],
  ) {}

  get size(): number {
    return this.workers.length;
  }

  /** True once a worker has died or a task trapped: such a pool must not be reused. */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  /** Starts `count` workers on `memory` and resolves once each has instantiated the core. */
  static async create(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    ctrl: number,
    offsets: CoreLayout["ctrl"],
    count: number,
  ): Promise<ThreadPool> {
    const words = () => new Int32Array(memory.buffer);
    const handles = await Promise.all(Array.from({ length: count }, () => spawn()));
    const pool = new ThreadPool(handles, words, ctrl, offsets);
    const started = Promise.all(
      handles.map(
        (w, thread) =>
          new Promise<void>((resolve, reject) => {
            w.onError((e) => {
              pool.fail(`a worker failed: ${describeWorkerError(e)}`);
              reject(new Error(`cne-wasm: the compute worker failed to start: ${describeWorkerError(e)}`));
            });
            w.onExit(() => pool.fail(`worker ${thread} ended unexpectedly`));
            w.onMessage((data) => {
              if (data.ready) resolve();
              if (data.error) pool.lastError = data.error;
            });
            w.post({ module, memory, ctrl, thread });
          }),
      ),
    );
    try {
      await started;
    } catch (e) {
      pool.terminate();
      throw e;
    }
    // again after the listeners are attached: in Node a 'message' listener refs the worker's port
    for (const w of handles) w.keepAlive(false);
    return pool;
  }

  /** Runs the task posted in the control block on every worker and resolves when all have finished it. */
  async run(): Promise<void> {
    if (this.failure) throw new Error(`cne-wasm: the thread pool is unusable: ${this.failure}`);
    const w = this.words();
    const base = this.ctrl >> 2, o = this.offsets;
    Atomics.store(w, base + (o.threads >> 2), this.workers.length);
    Atomics.store(w, base + (o.barrierSpins >> 2), barrierTuning.spins);
    Atomics.store(w, base + (o.done >> 2), 0);
    Atomics.store(w, base + (o.error >> 2), 0);
    Atomics.add(w, base + (o.generation >> 2), 1);
    Atomics.notify(w, base + (o.generation >> 2));
    const doneIndex = base + (o.done >> 2);
    const waitAsync = (Atomics as { waitAsync?: typeof Atomics.waitAsync }).waitAsync;
    for (const worker of this.workers) worker.keepAlive(true);
    try {
      await this.waitForDone(w, doneIndex, waitAsync);
    } finally {
      for (const worker of this.workers) worker.keepAlive(false);
    }
    if (Atomics.load(w, base + (o.error >> 2)) !== 0) {
      await new Promise((r) => setTimeout(r, 10)); // let the worker's message land
      this.failure ??= "a task trapped";
      throw new Error(`cne-wasm: the core trapped in a worker${this.lastError ? `: ${this.lastError}` : ""}`);
    }
  }

  private async waitForDone(w: Int32Array, doneIndex: number, waitAsync: typeof Atomics.waitAsync | undefined): Promise<void> {
    for (;;) {
      const done = Atomics.load(w, doneIndex);
      if (done >= this.workers.length) break;
      if (this.failure) throw new Error(`cne-wasm: a compute thread stopped during the run (${this.failure}); the run was abandoned`);
      if (waitAsync) {
        const r = waitAsync(w, doneIndex, done, LIVENESS_POLL_MS);
        if (r.async) await r.value;
      } else {
        await new Promise((r) => setTimeout(r, 0));
      }
    }
  }

  /** Records the first failure and wakes a waiting run so it can reject. */
  private fail(reason: string): void {
    if (this.terminating || this.failure) return;
    this.failure = reason;
    Atomics.notify(this.words(), (this.ctrl + this.offsets.done) >> 2);
  }

  terminate(): void {
    this.terminating = true;
    const w = this.words();
    const generation = (this.ctrl + this.offsets.generation) >> 2;
    Atomics.store(w, generation, -1);
    Atomics.notify(w, generation);
    for (const worker of this.workers) worker.terminate();
    this.workers.length = 0;
  }
}
