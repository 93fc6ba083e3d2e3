// Loads a saved parametric model for the edge examples: any runtime, no file APIs (the caller has the bytes).
import { loadModel, ParametricEmbedding } from "cne-wasm";

/** The ParametricEmbedding saved in `bytes` (an ArrayBuffer or Uint8Array); other models are refused. */
export async function loadParametric(bytes, options = {}) {
  const model = await loadModel(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), options);
  if (!(model instanceof ParametricEmbedding)) {
    model.destroy();
    throw new Error("the edge examples serve parametric models: fit with `cne fit --parametric --save-model …`");
  }
  return model;
}
