// Direct access to the raw exports of the test build (the single-thread core plus the hooks of
// assembly/testing.ts), for tests of individual kernels.
import { readFileSync } from "node:fs";

export async function rawCore<T>(): Promise<T & { memory: WebAssembly.Memory; allocate(bytes: number): number }> {
  const bytes = readFileSync(new URL("../build/test.wasm", import.meta.url));
  const { instance } = await WebAssembly.instantiate(bytes, { env: { abort: () => { throw new Error("abort"); } } });
  return instance.exports as never;
}
