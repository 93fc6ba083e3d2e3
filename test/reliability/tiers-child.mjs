// Runs two 2-thread fits per loss in one process and prints a digest of each layout's bits. The test starts it
// under different V8 compiler settings: the core's results must not depend on which tier compiled the code or
// on whether compiled code is swapped in while the compute threads run.
import { createHash } from "node:crypto";
import { embed } from "../../dist/index.js";

const n = 1200, dim = 12;
// a clustered set from a fixed LCG: every child process builds the same bits
let state = 12345;
const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
const data = new Float32Array(n * dim);
for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) data[i * dim + j] = (i % 6) * 3 * (j === i % dim ? 1 : 0) + next();

const digests = {};
for (const loss of ["neg", "nce", "infonce", "umap"]) {
  const runs = [];
  for (let r = 0; r < 2; r++) {
    const y = await embed(data, { n, dim, loss, threads: 2, seed: 3, nEpochs: 40 });
    runs.push(createHash("sha256").update(new Uint8Array(y.buffer, y.byteOffset, y.byteLength)).digest("hex").slice(0, 16));
  }
  digests[loss] = runs;
}
process.stdout.write(JSON.stringify(digests));
