// The default entry (Node, Deno, Bun, browsers): both builds of the core are embedded as base64, so no file
// access or fetch is needed.
import { simdBase64, threadsBase64 } from "../build/inline.js";
import { base64Bytes, setCoreSources } from "./core/source.ts";

setCoreSources({ simd: () => base64Bytes(simdBase64), threads: () => base64Bytes(threadsBase64) });

export * from "./public.ts";
