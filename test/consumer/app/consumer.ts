// A TypeScript consumer: type-checks against the installed package's declarations (tsc --noEmit).
import { CneInputError, coreInfo, createEmbedding, embed, knn, type CoreInfo, type EmbedOptions, type KnnResult } from "cne-wasm";

const n = 100;
const dim = 8;
const data = new Float32Array(n * dim);
const options: EmbedOptions = { n, dim, loss: "neg", s: 0.5, seed: 1, threads: 1, onProgress: (fraction, stage) => void [fraction, stage] };
const layout: Float32Array = await embed(data, options);
const rows: number[][] = [[1, 2], [3, 4], [5, 6]];
const fromRows: Float32Array = await embed(rows, { k: 1 });
const neighbours: KnnResult = await knn(data, { n, dim, k: 5 });
const indices: Int32Array = neighbours.indices;
const handle = createEmbedding(data, { n, dim, signal: new AbortController().signal });
const frame: Float32Array = await handle.optimize({ s: 1, nEpochs: 10 });
// what the fit ran on, and why it fell back to one thread if it did
const ranOn: CoreInfo | undefined = handle.runtime;
const why: string | undefined = ranOn?.fallback ?? (await coreInfo({ threads: 2 })).fallback;
handle.destroy();
const warned: Float32Array = await embed(data, { n, dim, threads: 2, onWarning: (message: string) => void message });
const isInputError = (e: unknown): boolean => e instanceof CneInputError;
export { layout, fromRows, indices, frame, isInputError, why, warned };
