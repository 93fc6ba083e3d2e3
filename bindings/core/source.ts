// Where the core's wasm comes from. The default entry registers inline bytes (build/inline.js); the workerd
// entry registers modules imported as wasm; users may call `init` with their own Module or bytes.

export type WasmSource = WebAssembly.Module | BufferSource;

export interface CoreSources {
  /** The single-thread SIMD build. */
  simd: WasmSource | (() => WasmSource);
  /** The threads build (shared memory + atomics); absent where it cannot run (workerd). */
  threads?: WasmSource | (() => WasmSource);
}

let sources: CoreSources | undefined;
const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** Sets where the core comes from (called by the entry points, or by users with their own wasm). */
export function setCoreSources(next: CoreSources): void {
  sources = next;
  compiled.clear();
}

export function hasThreadsBuild(): boolean {
  return sources?.threads !== undefined;
}

/** Compiles a build once per process and hands out the same Module afterwards. */
export function compiledModule(build: "simd" | "threads"): Promise<WebAssembly.Module> {
  let p = compiled.get(build);
  if (!p) {
    const entry = sources?.[build];
    if (entry === undefined) throw new Error(`cne-wasm: no ${build} build of the core is registered`);
    const src = typeof entry === "function" ? entry() : entry;
    p = src instanceof WebAssembly.Module ? Promise.resolve(src) : WebAssembly.compile(src);
    compiled.set(build, p);
  }
  return p;
}

/** Decodes base64 without Buffer (browsers, Deno, Bun and Node alike). */
export function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
