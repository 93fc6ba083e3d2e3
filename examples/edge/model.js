// Loads a saved model for the edge examples: any runtime, no file APIs (the caller has the bytes).
import { Embedding, loadModel, ParametricEmbedding } from "cne-wasm";

/**
 * The model saved in `bytes` (an ArrayBuffer or Uint8Array): a parametric one (a forward pass per row) or a
 * t-SNE layout (loss "tsne": each row placed by t-SNE's gradient against the fixed layout, independently of the
 * other rows). Other layouts are refused.
 */
export async function loadServable(bytes, options = {}) {
  const model = await loadModel(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), options);
  if (model instanceof ParametricEmbedding) return model;
  if (model instanceof Embedding && model.state?.target?.loss === "tsne") return model;
  model.destroy();
  throw new Error("the edge examples serve parametric models and t-SNE layouts: fit with `cne fit --parametric --save-model …` or `cne fit --loss tsne --save-model …`");
}
