// Every public name of cne-wasm. The entry points (index.ts, workerd.ts) register where the wasm comes from
// and re-export this file.

export { knn } from "./knn/index.ts";
export type { KnnOptions, KnnResult } from "./knn/index.ts";
export type { DataInput } from "./input.ts";
export type { RunControl, Stage } from "./options/common.ts";
export { CneInputError } from "./errors.ts";
export { init } from "./init.ts";
export type { CoreSources, WasmSource } from "./core/source.ts";
