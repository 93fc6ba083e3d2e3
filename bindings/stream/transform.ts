// Streaming transform: row blocks in, coordinate blocks out, one block at a time, so memory holds one block
// whatever the number of rows. A row's coordinates do not depend on the other rows of its call (the placement
// draws each row's negatives from a stream keyed by the row itself; a t-SNE layout's new rows see only the fitted
// points; the network's forward pass is per row), so
// the concatenated output equals one in-memory transform of all rows, bit for bit, whatever the block sizes.

import { fail, throwIfAborted } from "../errors.ts";
import type { DataInput } from "../input.ts";

/** What streams through: anything with the transform of a fitted or loaded model. */
export interface Transformer {
  readonly dim: number;
  readonly outDim: number;
  transform(data: DataInput, options?: { signal?: AbortSignal }): Promise<Float32Array>;
}

export interface TransformStreamOptions {
  signal?: AbortSignal;
  /** After each block: the rows placed so far. */
  onProgress?: (rowsDone: number) => void;
}

/**
 * Places each block of `blocks` (flat row-major Float32Arrays of whole rows of `model.dim` values, or arrays of
 * rows) with `model.transform` and yields its m × outDim coordinates, in order, one block ahead at most.
 */
export async function* transformStream(
  model: Transformer,
  blocks: AsyncIterable<DataInput> | Iterable<DataInput>,
  options: TransformStreamOptions = {},
): AsyncGenerator<Float32Array, void, undefined> {
  if (!model || typeof model.transform !== "function") fail("transformStream needs a fitted or loaded model (with transform)");
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") fail("onProgress must be a function");
  const { signal } = options;
  let rowsDone = 0;
  for await (const block of blocks as AsyncIterable<DataInput>) {
    throwIfAborted(signal);
    const placed = await model.transform(block, signal ? { signal } : undefined);
    rowsDone += placed.length / model.outDim;
    options.onProgress?.(rowsDone);
    yield placed;
  }
}
