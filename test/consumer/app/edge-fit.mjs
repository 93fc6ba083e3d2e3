// A consumer fits a small parametric model in Node and saves it for the edge example; it also writes the rows
// the edge test sends and Node's transform of them (raw little-endian float32), and checks that the saved
// model, loaded back in Node, gives the same bits as the live one.
// Usage: node edge-fit.mjs <folder> <columns>   writes <folder>/model.cne, rows.f32, expected.f32 and prints
// one JSON line: the shape and the saved model's header (which says whether the network reads PCA scores).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createParametricEmbedding, loadModel } from "cne-wasm";
import { mulberry32 } from "./fixture.js"; // test/runtimes/fixture.js, copied here by the consumer setup

const [folder, columns] = process.argv.slice(2);
const DIM = Number(columns);
const TRAIN = 800;
/** Not a multiple of 4: the core forwards four rows at a time, and the last partial group must agree too. */
const QUERIES = 203;

/** (TRAIN + QUERIES) × DIM values: five clusters of uniform noise, from mulberry32 (the same in every engine). */
function clusteredRows() {
  const next = mulberry32(20231203);
  const values = new Float32Array((TRAIN + QUERIES) * DIM);
  for (let i = 0; i < TRAIN + QUERIES; i++) {
    for (let j = 0; j < DIM; j++) values[i * DIM + j] = next() * 2 - 1 + (j % 5 === i % 5 ? 3 : 0);
  }
  return values;
}

const data = clusteredRows();
const train = data.subarray(0, TRAIN * DIM);
const queries = data.slice(TRAIN * DIM); // rows the model was not trained on
const model = createParametricEmbedding(train, { dim: DIM, nEpochs: 3, seed: 7, threads: 2 });
await model.run();
const bytes = model.save();
const expected = await model.transform(queries);
const loaded = await loadModel(bytes);
const again = await loaded.transform(queries);
const same = (x, y) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
if (!same(expected, again)) throw new Error("the loaded model's transform differs from the live model's");

writeFileSync(join(folder, "model.cne"), bytes);
writeFileSync(join(folder, "rows.f32"), queries);
writeFileSync(join(folder, "expected.f32"), expected);
// the header: JSON from byte 20, its length at byte 16 (docs/model-format.md)
const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(16, true);
const header = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + headerLength)));
console.log(JSON.stringify({ dim: DIM, outDim: model.outDim, rows: QUERIES, network: header.network, pca: header.pca }));
