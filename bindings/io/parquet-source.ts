// Where the Parquet wasm comes from, kept apart from parquet.ts so that setting it loads nothing.

/** What parquet-wasm's initialisation takes: the module's bytes, a compiled module or a URL to fetch. */
export type ParquetWasmSource = BufferSource | WebAssembly.Module | URL | string;

let source: (() => ParquetWasmSource | Promise<ParquetWasmSource>) | undefined;

/** Browsers, Deno and Bun fetch the wasm beside parquet-wasm's module by default; Node's fetch cannot read
 * file: URLs, so the CLI passes the bytes. */
export function setParquetWasm(get: () => ParquetWasmSource | Promise<ParquetWasmSource>): void {
  source = get;
}

export async function parquetWasmSource(): Promise<ParquetWasmSource | undefined> {
  return source ? source() : undefined;
}
