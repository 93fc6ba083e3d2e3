// A consumer fits a small parametric model in Node and saves it for the edge example; it also writes the rows
// the edge test sends and Node's transform of them (raw little-endian float32), and checks that the saved
// model, loaded back in Node, gives the same bits as the live one.
// Usage: node edge-fit.mjs <model.cne> <rows.f32> <expected.f32>   (prints one JSON line)
import { writeFileSync } from "node:fs";
import { createParametricEmbedding, loadModel } from "cne-wasm";
import { fixtureData, DIM } from "./fixture.js";

const [modelPath, rowsPath, expectedPath] = process.argv.slice(2);
const TRAIN = 1000;
/** Not a multiple of 4: the core forwards four rows at a time, and the last partial group must agree too. */
const QUERIES = 203;

const data = fixtureData();
const train = data.subarray(0, TRAIN * DIM);
const queries = data.slice(TRAIN * DIM, (TRAIN + QUERIES) * DIM); // rows the model was not trained on
const model = createParametricEmbedding(train, { dim: DIM, nEpochs: 3, seed: 7, threads: 2 });
await model.run();
const bytes = model.save();
const expected = await model.transform(queries);
const loaded = await loadModel(bytes);
const again = await loaded.transform(queries);
const same = (a, b) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
if (!same(expected, again)) throw new Error("the loaded model's transform differs from the live model's");

writeFileSync(modelPath, bytes);
writeFileSync(rowsPath, queries);
writeFileSync(expectedPath, expected);
console.log(JSON.stringify({ dim: DIM, outDim: model.outDim, rows: QUERIES, modelBytes: bytes.length }));
