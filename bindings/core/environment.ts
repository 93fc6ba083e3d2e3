// What the running JavaScript environment allows: shared memory, workers, and how many cores.

interface NodeProcessLike {
  versions?: { node?: string; bun?: string };
}

export function isNodeLike(): boolean {
  const p = (globalThis as { process?: NodeProcessLike }).process;
  return typeof p?.versions?.node === "string" && typeof (globalThis as { Deno?: unknown }).Deno === "undefined";
}

/** True where the threads build can run: shared memory can be created and posted to workers. */
export function sharedMemoryUsable(): boolean {
  if (typeof SharedArrayBuffer === "undefined" || typeof Atomics === "undefined") return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (isolated === false) return false; // a page without COOP/COEP: posting shared memory would throw
  if (!isNodeLike() && typeof (globalThis as { Worker?: unknown }).Worker === "undefined") return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

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
  return import(specifier) as Promise<T>;
}
