// The plain-JavaScript baseline: brute-force exact kNN as one would write it without WASM. Squared distances
// are summed in float64 from the float32 data; each row keeps its k best in a sorted array (ties by index).

/**
 * Exact kNN (self excluded) of query rows [rowBegin, rowEnd) against all n rows of `data` (row-major
 * Float32Array, n × dim). Returns indices and Euclidean distances for those rows only, (rowEnd - rowBegin) × k.
 */
export function plainJsKnn(data, n, dim, k, rowBegin = 0, rowEnd = n) {
  const rows = rowEnd - rowBegin;
  const indices = new Int32Array(rows * k);
  const distances = new Float32Array(rows * k);
  const bestD = new Float64Array(k);
  const bestJ = new Int32Array(k);
  for (let i = rowBegin; i < rowEnd; i++) {
    bestD.fill(Infinity);
    bestJ.fill(-1);
    const qi = i * dim;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const qj = j * dim;
      let s = 0;
      for (let t = 0; t < dim; t++) {
        const diff = data[qi + t] - data[qj + t];
        s += diff * diff;
      }
      // j ascends, so an equal distance never displaces an earlier (smaller) index
      if (s >= bestD[k - 1]) continue;
      let p = k - 1;
      while (p > 0 && bestD[p - 1] > s) {
        bestD[p] = bestD[p - 1];
        bestJ[p] = bestJ[p - 1];
        p--;
      }
      bestD[p] = s;
      bestJ[p] = j;
    }
    const out = (i - rowBegin) * k;
    for (let t = 0; t < k; t++) {
      indices[out + t] = bestJ[t];
      distances[out + t] = Math.sqrt(bestD[t]);
    }
  }
  return { indices, distances };
}
