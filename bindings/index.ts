// The default entry (Node, Deno, Bun, browsers): both builds of the core are embedded as base64, so no file
// access or fetch is needed. hnswlib-wasm (knn "hnsw") is imported on its first use only, by a literal specifier
// that bundlers follow into a chunk of its own.
import { simdBase64, threadsBase64 } from "../build/inline.js";
import { base64Bytes, setCoreSources } from "./core/source.ts";
import { setHnswlibImport } from "./knn/hnsw.ts";

setCoreSources({ simd: () => base64Bytes(simdBase64), threads: () => base64Bytes(threadsBase64) });
// the chunk of hnswlib-wasm 0.8.2 (pinned exactly in package.json) that holds its Emscripten factory, which ships
// without types (hnsw.ts types what it uses, HnswlibChunk)
// @ts-ignore: an untyped module
setHnswlibImport(() => import("hnswlib-wasm/dist/hnswlib-317962d7.js"));

export * from "./public.ts";
