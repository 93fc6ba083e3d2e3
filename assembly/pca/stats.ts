// Column means and the centered row sample of PCA. Means are summed per fixed chunk of rows (f64 partial
// sums) and the partials are added in chunk order, so the mean is the same for any thread count.

import { draw, streamKey, uniformIndex } from "../rng";

/**
 * partialPtr[chunk][j] = Σ_{i in [rowBegin, rowEnd)} x[i][j] in f64, for one chunk.
 * dataPtr: f32[n × stride]; partialPtr: f64[chunks × stride], the row of this chunk written.
 * Four rows are added in f32x4 lanes and widened to f64 every four rows, which keeps f64 accuracy cheaply.
 */
export function columnSumsRows(dataPtr: usize, stride: i32, rowBegin: i32, rowEnd: i32, partialRowPtr: usize): void {
  const rowBytes = <usize>stride << 2;
  memory.fill(partialRowPtr, 0, <usize>stride << 3);
  let i = rowBegin;
  for (; i + 4 <= rowEnd; i += 4) {
    const r0 = dataPtr + <usize>i * rowBytes;
    for (let o: usize = 0; o < rowBytes; o += 16) {
      const s = f32x4.add(
        f32x4.add(v128.load(r0 + o), v128.load(r0 + rowBytes + o)),
        f32x4.add(v128.load(r0 + 2 * rowBytes + o), v128.load(r0 + 3 * rowBytes + o)),
      );
      const p = partialRowPtr + (o << 1);
      v128.store(p, f64x2.add(v128.load(p), f64x2.promote_low_f32x4(s)));
      v128.store(p + 16, f64x2.add(v128.load(p + 16), f64x2.promote_low_f32x4(i32x4.shuffle(s, s, 2, 3, 0, 1))));
    }
  }
  for (; i < rowEnd; i++) {
    const r0 = dataPtr + <usize>i * rowBytes;
    for (let o: usize = 0; o < rowBytes; o += 16) {
      const s = v128.load(r0 + o);
      const p = partialRowPtr + (o << 1);
      v128.store(p, f64x2.add(v128.load(p), f64x2.promote_low_f32x4(s)));
      v128.store(p + 16, f64x2.add(v128.load(p + 16), f64x2.promote_low_f32x4(i32x4.shuffle(s, s, 2, 3, 0, 1))));
    }
  }
}

/**
 * meanPtr[j] = (Σ_c partialPtr[c][j]) / n, chunks added in order.
 * partialPtr: f64[chunks × stride]; meanPtr: f32[stride] (padding stays 0 because the data's padding is 0).
 */
export function pcaReduceMeans(partialPtr: usize, chunks: i32, stride: i32, n: i32, meanPtr: usize): void {
  const inv = 1.0 / <f64>n;
  for (let j = 0; j < stride; j++) {
    let s: f64 = 0;
    for (let c = 0; c < chunks; c++) s += load<f64>(partialPtr + ((<usize>c * <usize>stride + <usize>j) << 3));
    store<f32>(meanPtr + (<usize>j << 2), <f32>(s * inv));
  }
}

/**
 * The data row that sample row r stands for: one row drawn uniformly from each of `samples` equal strata of
 * [0, n). Stratified, so a sample of data sorted by class still covers every class; sorted, so gathering it
 * reads memory forwards.
 */
// @ts-ignore: decorator
@inline export function sampleRow(n: i32, samples: i32, r: i32, key: u64): i32 {
  if (samples >= n) return r;
  const begin = <i32>((<i64>n * <i64>r) / <i64>samples);
  const end = <i32>((<i64>n * <i64>(r + 1)) / <i64>samples);
  return begin + <i32>uniformIndex(draw(key, <u64>r), <u32>(end - begin));
}

/** Bytes of the panel layout of `samples` rows of `stride` floats (panels of 8 columns, the last zero-padded). */
export function panelBytesTotal(samples: i32, stride: i32): usize {
  return <usize>((stride + 7) >> 3) * <usize>samples * 32;
}

/**
 * Sample row r = x[sampleRow(r)] − mean, for r in [rBegin, rEnd), written in panels of 8 columns: element
 * (r, c) at samplePtr + (c >> 3)·samples·32 + r·32 + (c & 7)·4, so that Gram tiles read contiguous streams.
 * dataPtr: f32[n × stride]; meanPtr: f32[stride]; samplePtr: panelBytesTotal(samples, stride) bytes.
 */
export function gatherCenteredPanels(
  dataPtr: usize, n: i32, stride: i32, meanPtr: usize, samples: i32, seed: u64,
  rBegin: i32, rEnd: i32, samplePtr: usize,
): void {
  const rowBytes = <usize>stride << 2;
  const panelBytes = <usize>samples * 32;
  const key = streamKey(seed, 0x9ca); // the PCA sample's own stream
  for (let r = rBegin; r < rEnd; r++) {
    const src = dataPtr + <usize>sampleRow(n, samples, r, key) * rowBytes;
    const dst = samplePtr + (<usize>r << 5);
    for (let o: usize = 0; o < rowBytes; o += 16) {
      // o / 32 is the panel, o % 32 the half of it
      v128.store(dst + (o >> 5) * panelBytes + (o & 16), f32x4.sub(v128.load(src + o), v128.load(meanPtr + o)));
    }
    if (stride & 4) v128.store(dst + (rowBytes >> 5) * panelBytes + 16, f32x4.splat(0));
  }
}
