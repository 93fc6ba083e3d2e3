// Must NOT type-check: an option that does not exist and a loss that is not one of the table's.
import { embed } from "cne-wasm";

const data = new Float32Array(16);
export const a = await embed(data, { n: 8, dim: 2, minDist: 0.1 });
export const b = await embed(data, { n: 8, dim: 2, loss: "largevis" });
