import { setCoreSources, type CoreSources } from "./core/source.ts";

/**
 * Uses your own copies of the core (a WebAssembly.Module or bytes), e.g. .wasm files served by a bundler.
 * Optional: the default entry embeds both builds.
 */
export function init(sources: CoreSources): void {
  setCoreSources(sources);
}
