// Row preparations that turn a metric into a simpler one once per fit, before any search (knn/metric.ts):
// cosine and correlation rank by Euclidean distance on unit rows (centred first for correlation), Hamming and
// Jaccard read 0/1 rows bit-packed. Each runs once over the data, O(n · dim).

/**
 * Scales rows [0, n) of f32[n × stride] to unit Euclidean norm over their first `dim` values, subtracting each
 * row's mean first when `centre` (the padding stays zero). Sums in f64. Returns the first row whose norm is 0
 * (after centring: a constant row), left unchanged, or −1 when every row was scaled.
 */
export function normalizeRows(ptr: usize, n: i32, dim: i32, stride: i32, centre: bool): i32 {
  const rowBytes = <usize>stride << 2;
  for (let i = 0; i < n; i++) {
    const row = ptr + <usize>i * rowBytes;
    let mean: f64 = 0;
    if (centre) {
      for (let j = 0; j < dim; j++) mean += <f64>load<f32>(row + (<usize>j << 2));
      mean /= <f64>dim;
    }
    let sq: f64 = 0;
    for (let j = 0; j < dim; j++) {
      const v = <f64>load<f32>(row + (<usize>j << 2)) - mean;
      sq += v * v;
    }
    if (!(sq > 0)) return i;
    const inv = 1 / Math.sqrt(sq);
    for (let j = 0; j < dim; j++) {
      const at = row + (<usize>j << 2);
      store<f32>(at, <f32>((<f64>load<f32>(at) - mean) * inv));
    }
  }
  return -1;
}

/**
 * Packs rows of 0/1 floats (f32[n × stride], `dim` values each) into bits: coordinate j of row i is bit j & 31
 * of u32 word j >> 5 of row i of dst (u32[n × outStride], outStride a multiple of 4, the rest zero). Returns the
 * first row with a value that is neither 0 nor 1, or −1.
 */
export function packBinaryRows(src: usize, n: i32, dim: i32, stride: i32, dst: usize, outStride: i32): i32 {
  const rowBytes = <usize>stride << 2, outBytes = <usize>outStride << 2;
  memory.fill(dst, 0, <usize>n * outBytes);
  for (let i = 0; i < n; i++) {
    const row = src + <usize>i * rowBytes, out = dst + <usize>i * outBytes;
    for (let j = 0; j < dim; j++) {
      const v = load<f32>(row + (<usize>j << 2));
      if (v == 1) {
        const w = out + (<usize>(j >> 5) << 2);
        store<u32>(w, load<u32>(w) | (<u32>1 << (<u32>j & 31)));
      } else if (v != 0) return i;
    }
  }
  return -1;
}
