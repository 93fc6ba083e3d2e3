// The workerd (Cloudflare Workers) entry: wasm arrives as an imported module because workerd forbids
// compiling wasm from bytes; no workers exist there, so only the single-thread build is registered.
import simd from "../build/simd.wasm";
import { setCoreSources } from "./core/source.ts";

setCoreSources({ simd });

export * from "./public.ts";
