// What the running JavaScript environment allows: shared memory, workers, and how many cores.

interface NodeProcessLike {
  versions?: { node?: string; bun?: string };
}

export function isNodeLike(): boolean {
  const p = (globalThis as { process?: NodeProcessLike }).process;
  return typeof p?.versions?.node === "string" && typeof (globalThis as { Deno?: unknown }).Deno === "undefined";
}

/**
 * Why the threads build cannot run here (shared memory cannot be created or posted to workers), or undefined
 * where it can. The sentence names the missing piece and what makes it available.
 */
export function whyNoSharedMemory(): string | undefined {
  if (typeof SharedArrayBuffer === "undefined" || typeof Atomics === "undefined") {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    return isolated === false ? NOT_ISOLATED : "SharedArrayBuffer or Atomics is missing in this runtime";
  }
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (isolated === false) return NOT_ISOLATED; // posting shared memory would throw
  if (!isNodeLike() && typeof (globalThis as { Worker?: unknown }).Worker === "undefined") return "this runtime has no Worker";
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return undefined;
  } catch (e) {
    return `this runtime cannot create shared WebAssembly memory (${String((e as Error).message ?? e)})`;
  }
}

const NOT_ISOLATED =
  "the page is not cross-origin isolated: serve it with the headers Cross-Origin-Opener-Policy: same-origin " +
  "and Cross-Origin-Embedder-Policy: require-corp (or credentialless)";

/** Logical cores as the runtime reports them (1 when it cannot tell). */
export async function availableCores(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  if (isNodeLike()) {
    const os = await importNodeBuiltin<typeof import("node:os")>("os");
    return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  }
  return 1;
}

/**
 * Imports a Node built-in at run time. The specifier is computed so that bundlers targeting the web (esbuild,
 * Vite, wrangler) leave it alone instead of failing to resolve it: these branches only run under Node.
 */
export function importNodeBuiltin<T>(name: string): Promise<T> {
  const specifier = `node:${name}`;
  return import(/* webpackIgnore: true */ specifier) as Promise<T>;
}
