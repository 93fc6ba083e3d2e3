// The options of a further optimisation from the current layout: a point of the spectrum, a loss and a
// schedule, picked from the embedding's options table (documented there).

import type { RunControl } from "./common.ts";
import type { EmbeddingOptions } from "./embedding.ts";

export type OptimizeOptions = Pick<
  EmbeddingOptions,
  "loss" | "s" | "zBar" | "c" | "negativeSamples" | "nEpochs" | "batchSize" | "learningRate" | "seed"
> & RunControl;
