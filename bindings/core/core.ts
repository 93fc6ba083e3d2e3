// The only file that touches the core's exports and memory. A Core is one instance of the wasm with its
// memory, its arena and, in the threads build, its pool of workers. Everything numeric runs through `run`:
// write the arguments into the control block, then let every thread run the task.

import { checkFunctions, readLayout, taskSlots, type CoreExports, type CoreLayout, type TaskArgs, type TaskName } from "./abi.ts";
import { availableCores, isNodeLike, whyNoSharedMemory } from "./environment.ts";
import { compiledModule, hasThreadsBuild } from "./source.ts";
import { ThreadPool } from "../threads/pool.ts";

export type { CoreExports, CoreLayout, TaskArgs, TaskName };

/**
 * Maxima tried, in pages of 64 KiB, for the threads build's shared memory: 4 GiB (the wasm32 limit and the
 * build's declared maximum, asconfig.json), then 2 GiB where an engine cannot reserve 4 GiB of shared memory up
 * front. The single-thread build's memory grows to 4 GiB.
 */
const SHARED_MAX_PAGES = [65536, 32768];
const INITIAL_PAGES = 32;
const PAGE_BYTES = 65536;

export type Build = "simd" | "threads";

/** The build and thread count a core runs on, and why it runs on one thread when more were asked for. */
export interface CoreRuntime {
  /** "threads" (shared memory + workers) or "simd" (single thread) */
  build: Build;
  /** threads that compute: 1 for the simd build */
  threads: number;
  /** present when more than one thread was asked for (or defaulted to) and the core runs on one: why */
  fallback?: string;
}

/**
 * Released cores kept for the next fit, one per build and thread count. A shared memory is invisible to the
 * garbage collector's accounting, so creating one per fit let a loop of fits grow by ~1 MB each until some
 * unrelated collection; reusing the memory and the workers keeps the process flat (and skips worker start-up).
 */
const idle = new Map<string, Core>();

function idleKey(build: Build, threads: number): string {
  return `${build}:${threads}`;
}

export class Core {
  private destroyed = false;
  /** why this core runs on one thread although more were asked for (see create) */
  private fallback?: string;
  /** each task's slot by argument name, built on first use */
  private readonly slots: Partial<Record<TaskName, Readonly<Record<string, number>>>> = {};
  private constructor(
    private readonly exports: CoreExports,
    /** the core's layout constants (control block, task ids, argument slots, model record) */
    readonly layout: CoreLayout,
    readonly memory: WebAssembly.Memory,
    readonly build: Build,
    readonly threads: number,
    /** bytes the memory may grow to */
    readonly memoryLimit: number,
    private readonly ctrl: number,
    private readonly base: number,
    private readonly pool?: ThreadPool,
  ) {}

  /**
   * Creates a core for `threads` threads (undefined: all cores). More than one thread needs shared memory
   * and workers; where they are missing it uses the single-thread build, and `warn` (when given) receives one
   * sentence saying why, which `runtime.fallback` keeps too.
   */
  static async create(threads?: number, warn?: (message: string) => void): Promise<Core> {
    const wanted = threads ?? (await availableCores());
    let fallback: string | undefined;
    if (wanted > 1) {
      fallback = hasThreadsBuild() ? whyNoSharedMemory() : "no threads build of the core is registered (the workerd entry, or init() without `threads`)";
      if (!fallback) {
        const reused = Core.takeIdle("threads", wanted);
        if (reused) return reused;
        try {
          return await Core.createThreaded(wanted);
        } catch (e) {
          if (threads !== undefined && !(e instanceof FallbackSignal)) throw e;
          fallback = (e as Error).message;
        }
      }
    }
    const core = Core.takeIdle("simd", 1) ?? (await Core.createSimd());
    if (fallback) {
      core.fallback = `${threads === undefined ? `${wanted} threads (one per core, the default)` : `threads: ${wanted}`} asked for, but ${fallback}; running the single-thread build on 1 thread`;
      warn?.(core.fallback);
    }
    return core;
  }

  private static async createSimd(): Promise<Core> {
    const module = await compiledModule("simd");
    const { exports, layout } = await instantiate(module);
    const ctrl = exports.allocate(layout.ctrl.bytes);
    return new Core(exports, layout, exports.memory, "simd", 1, 2 ** 32, ctrl, exports.heapMark());
  }

  /** The build and thread count this core runs on (and why it fell back to one thread). */
  get runtime(): CoreRuntime {
    return { build: this.build, threads: this.threads, ...(this.fallback !== undefined && { fallback: this.fallback }) };
  }

  private static async createThreaded(threads: number): Promise<Core> {
    const module = await compiledModule("threads");
    let memory: WebAssembly.Memory | undefined;
    let maximum = 0;
    for (const pages of SHARED_MAX_PAGES) {
      try {
        memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: pages, shared: true });
        maximum = pages;
        break;
      } catch {
        // try the next, smaller maximum
      }
    }
    if (!memory) throw new FallbackSignal("this runtime cannot reserve shared WebAssembly memory of 2 GiB or more");
    const { exports, layout } = await instantiate(module, memory);
    const ctrl = exports.allocate(layout.ctrl.bytes);
    let pool: ThreadPool;
    try {
      pool = await ThreadPool.create(module, memory, ctrl, layout.ctrl, threads);
    } catch (e) {
      throw new FallbackSignal(String((e as Error).message ?? e).replace(/^cne-wasm: /, ""));
    }
    return new Core(exports, layout, memory, "threads", threads, maximum * PAGE_BYTES, ctrl, exports.heapMark(), pool);
  }

  /** Direct calls into the core for sequential helpers (never for parallel tasks: use run). */
  get kernels(): CoreExports {
    this.check();
    return this.exports;
  }

  /** Reserves bytes in the arena (64-byte aligned); throws when memory cannot grow. */
  alloc(bytes: number): number {
    this.check();
    // a size past 32 bits would wrap around on its way into the core
    const ptr = bytes < 2 ** 32 ? this.exports.allocate(Math.max(bytes, 4)) : 0;
    if (ptr === 0) {
      // name the limit: a wasm32 memory never exceeds 4 GiB, a shared one may have been created smaller
      const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
      const limit = this.memoryLimit;
      const hint = limit < 2 ** 32 ? "; with threads: 1 the single-thread build can use up to 4.0 GiB" : "";
      throw new RangeError(
        `cne-wasm: out of memory allocating ${gib(bytes)} with ${gib(this.memory.buffer.byteLength)} in use: ` +
          `the core's memory (${this.build} build) holds at most ${gib(limit)}${hint}; for more rows, fit on a sample ` +
          `and stream-transform the rest (README, "Data past one machine")`,
      );
    }
    return ptr;
  }

  mark(): number {
    return this.exports.heapMark();
  }

  /** Frees every allocation made after `mark` (everything, by default). */
  reset(mark = this.base): void {
    this.exports.heapReset(mark);
  }

  /**
   * Frees every allocation made after `mark` and zeroes those bytes, so that what is allocated there next finds
   * them as fresh memory (zero, as after memory.grow): for state that lived across calls, not per-call scratch.
   */
  free(mark: number): void {
    const top = this.mark();
    if (top > mark) new Uint8Array(this.memory.buffer, mark, top - mark).fill(0);
    this.reset(mark);
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }
  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, length);
  }

  /** Copies a Float32Array into a fresh allocation and returns its address. */
  putF32(data: Float32Array): number {
    const ptr = this.alloc(data.byteLength);
    this.f32(ptr, data.length).set(data);
    return ptr;
  }

  /**
   * Runs `task` with `args` (addresses, sizes, scalars, by the names of the task's slots: abi.ts TASK_ARGS; the
   * slots left out are 0) split into `chunks` chunks that threads take by work stealing. Resolves when every
   * thread is done.
   */
  async run<T extends TaskName>(task: T, args: NoInfer<TaskArgs<T>>, chunks: number): Promise<void> {
    this.check();
    const c = this.layout.ctrl;
    const words = new Int32Array(this.memory.buffer, this.ctrl, c.bytes >> 2);
    words[c.task >> 2] = this.layout.task[task];
    words[c.nextChunk >> 2] = 0;
    words[c.chunks >> 2] = chunks;
    const block = this.f64(this.ctrl + c.args, c.maxArgs).fill(0);
    const slots = (this.slots[task] ??= taskSlots(this.layout, task));
    for (const [name, value] of Object.entries(args) as [string, number | undefined][]) {
      if (value === undefined) continue;
      const slot = slots[name];
      if (slot === undefined) throw new Error(`cne-wasm: task ${task} has no argument ${name}`);
      block[slot] = value;
    }
    if (this.pool) {
      try {
        await this.pool.run();
      } catch (e) {
        // a dead or trapped thread leaves the others stuck in the task: end them now, not at destroy()
        if (this.pool.broken) this.pool.terminate();
        throw e;
      }
    } else {
      words[c.threads >> 2] = 1;
      this.exports.runTask(this.ctrl, 0);
      // the task ran synchronously: let timers, signals and abort handlers run before the next call
      await yieldToEventLoop();
    }
  }

  /**
   * Releases the core: this object cannot be used afterwards. Its memory and workers go to the idle slot for
   * the next fit when it is free and the core is healthy (workers are kept only where they do not keep the
   * process alive); otherwise the workers end. Safe to call twice.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const key = idleKey(this.build, this.threads);
    const keep = !this.pool || (!this.pool.broken && isNodeLike());
    if (keep && !idle.has(key)) {
      idle.set(key, new Core(this.exports, this.layout, this.memory, this.build, this.threads, this.memoryLimit, this.ctrl, this.base, this.pool));
    } else {
      this.pool?.terminate();
    }
  }

  /** Takes the idle core of this build and thread count, cleared as if new: arena reset, heap zeroed. */
  private static takeIdle(build: Build, threads: number): Core | undefined {
    const key = idleKey(build, threads);
    const core = idle.get(key);
    if (!core) return undefined;
    idle.delete(key);
    // kernels may rely on fresh memory being zero, as it is after memory.grow
    const top = core.exports.heapMark();
    new Uint8Array(core.memory.buffer, core.base, top - core.base).fill(0);
    core.exports.heapReset(core.base);
    return core;
  }

  private check(): void {
    if (this.destroyed) throw new Error("cne-wasm: this instance was destroyed");
  }
}

/** Instantiates a build (over `memory` for the threads build) and checks it against the bindings' ABI. */
async function instantiate(module: WebAssembly.Module, memory?: WebAssembly.Memory): Promise<{ exports: CoreExports; layout: CoreLayout }> {
  const abort = () => {
    throw new Error("cne-wasm: the core aborted");
  };
  // only workers run tasks, so only they sleep at barriers (bindings/threads/worker.ts)
  const sleepWhileEqual = () => {
    throw new Error("cne-wasm: the main thread does not run tasks of the threads build");
  };
  const instance = await WebAssembly.instantiate(module, { env: memory ? { memory, abort, sleepWhileEqual } : { abort } });
  return { exports: checkFunctions(instance.exports), layout: readLayout(instance.exports) };
}

function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

/** Thrown inside createThreaded when the environment turns out not to support threads: fall back, saying why. */
class FallbackSignal extends Error {}
