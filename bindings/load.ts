// loadModel: the bytes of a saved model back into a handle, in any runtime (no file or Node APIs: the caller
// reads the bytes, e.g. fs.readFile, fetch, or a module import). It sits above both handles (it picks one by
// the model's kind); the codec (model/codec.ts) sits below them.

import { Embedding } from "./embedding/embedding.ts";
import { ParametricEmbedding } from "./parametric/parametric.ts";
import { checkThreads } from "./options/common.ts";
import { decodeModel } from "./model/codec.ts";
import { CneInputError, failModel } from "./errors.ts";

/**
 * A handle restored from `save()`'s bytes: an `Embedding` (optimize, transform, partitionFunction…) or a
 * `ParametricEmbedding` (transform), with the same bits as the saved one. A file that is not a model, has a
 * newer format, is truncated or corrupted rejects with a `CneModelError` saying which.
 */
export async function loadModel(bytes: Uint8Array, options: { threads?: number } = {}): Promise<Embedding | ParametricEmbedding> {
  checkThreads(options.threads);
  const model = decodeModel(bytes);
  try {
    return await (model.kind === "parametric"
      ? ParametricEmbedding.fromState(model.state, options)
      : Embedding.fromState(model.state, options));
  } catch (error) {
    // the threads were checked above: whatever else the handle refuses came from the file
    if (error instanceof CneInputError) failModel(`corrupted model: ${error.message.replace(/^cne-wasm: /, "")}`);
    throw error;
  }
}
