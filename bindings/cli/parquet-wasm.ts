// Node's fetch cannot read the file: URL that parquet-wasm loads its wasm from by default: the command line
// gives it the bytes (read only when a Parquet file is first read or written).

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { setParquetWasm } from "../io/index.ts";

setParquetWasm(() => readFile(createRequire(import.meta.url).resolve("parquet-wasm/esm/parquet_wasm_bg.wasm")));
