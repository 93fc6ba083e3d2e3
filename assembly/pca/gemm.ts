// Dense products for PCA with v128 SIMD. One register tile (4 output rows × 8 or 4 output columns, summed
// over k) serves every product: the projection of (centered) rows onto a basis, C·V in subspace iteration,
// and the Gram matrix AᵀA. The tile reads its four left-hand scalars through two byte steps (next output row,
// next k), so the same code reads A row-major (projection) or column-wise (AᵀA) without a transposed copy.
// Each output element is summed over k in one fixed order by exactly one caller, so results never depend on
// how rows or strips are split among threads.

// @ts-ignore: decorator
@inline function storeRow(c: usize, v: v128, accumulate: bool): void {
  v128.store(c, accumulate ? f32x4.add(v128.load(c), v) : v);
}

/**
 * c[r][0..8) (+)= Σ_k a(r, k) · b[k][0..8) for r < 4, storing only the first `rows` rows.
 * a(r, k) is the f32 at a + r·aRowStep + k·aKStep; b advances bKStep bytes per k; c rows are cRowStep apart.
 */
// @ts-ignore: decorator
@inline function tile4x8(
  a: usize, aRowStep: usize, aKStep: usize, b: usize, bKStep: usize, kCount: i32,
  c: usize, cRowStep: usize, rows: i32, accumulate: bool,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const a1 = aRowStep, a2 = aRowStep << 1, a3 = aRowStep * 3;
  for (let k = 0; k < kCount; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    const x0 = v128.load32_splat(a), x1 = v128.load32_splat(a + a1);
    const x2 = v128.load32_splat(a + a2), x3 = v128.load32_splat(a + a3);
    c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
    c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
    c20 = f32x4.add(c20, f32x4.mul(x2, b0)); c21 = f32x4.add(c21, f32x4.mul(x2, b1));
    c30 = f32x4.add(c30, f32x4.mul(x3, b0)); c31 = f32x4.add(c31, f32x4.mul(x3, b1));
    a += aKStep;
    b += bKStep;
  }
  storeRow(c, c00, accumulate); storeRow(c + 16, c01, accumulate);
  if (rows > 1) { c += cRowStep; storeRow(c, c10, accumulate); storeRow(c + 16, c11, accumulate); }
  if (rows > 2) { c += cRowStep; storeRow(c, c20, accumulate); storeRow(c + 16, c21, accumulate); }
  if (rows > 3) { c += cRowStep; storeRow(c, c30, accumulate); storeRow(c + 16, c31, accumulate); }
}

/** The same tile, 4 output columns wide (the tail when the column count is not a multiple of 8). */
// @ts-ignore: decorator
@inline function tile4x4(
  a: usize, aRowStep: usize, aKStep: usize, b: usize, bKStep: usize, kCount: i32,
  c: usize, cRowStep: usize, rows: i32, accumulate: bool,
): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  const a1 = aRowStep, a2 = aRowStep << 1, a3 = aRowStep * 3;
  for (let k = 0; k < kCount; k++) {
    const b0 = v128.load(b);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a + a1), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a + a2), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a + a3), b0));
    a += aKStep;
    b += bKStep;
  }
  storeRow(c, c0, accumulate);
  if (rows > 1) storeRow(c + cRowStep, c1, accumulate);
  if (rows > 2) storeRow(c + cRowStep * 2, c2, accumulate);
  if (rows > 3) storeRow(c + cRowStep * 3, c3, accumulate);
}

/** Rows of the scratch block the projection fills at a time: small enough to stay in L2 with the basis. */
export const MULTIPLY_BLOCK_ROWS: i32 = 32;
/** Scratch one thread needs for multiplyRows, in bytes, given the left matrix's stride. */
export function multiplyScratchBytes(aStride: i32): usize {
  return <usize>MULTIPLY_BLOCK_ROWS * (<usize>aStride << 2);
}

/**
 * out[i] = (a[i] − mean) · b for rows i in [rowBegin, rowEnd): a row-range twin of one matrix product.
 * aPtr: f32[* × aStride], rows zero-padded; the inner dimension is aStride.
 * meanPtr: f32[aStride] subtracted from every row first (zero padding), or 0 for none.
 * bPtr: f32[aStride × bStride]; only its first `cols` columns are used (cols a multiple of 4); rows past the
 *   data's true width must be zero or finite (they meet zero padding).
 * outPtr: f32[* × outStride], columns [0, cols) written.
 * scratchPtr: f32[MULTIPLY_BLOCK_ROWS × aStride], this thread's own.
 * Blocks of rows are copied (centered) into scratch, then each 8-column panel of b, which fits in L1, is
 * swept over the whole block.
 */
export function multiplyRows(
  aPtr: usize, aStride: i32, rowBegin: i32, rowEnd: i32, meanPtr: usize,
  bPtr: usize, bStride: i32, cols: i32, outPtr: usize, outStride: i32, scratchPtr: usize,
): void {
  const rowBytes = <usize>aStride << 2;
  const bRowBytes = <usize>bStride << 2;
  const outRowBytes = <usize>outStride << 2;
  for (let block = rowBegin; block < rowEnd; block += MULTIPLY_BLOCK_ROWS) {
    const blockRows = min(MULTIPLY_BLOCK_ROWS, rowEnd - block);
    const paddedRows = (blockRows + 3) & ~3;
    for (let r = 0; r < paddedRows; r++) {
      const dst = scratchPtr + <usize>r * rowBytes;
      if (r >= blockRows) { memory.fill(dst, 0, rowBytes); continue; }
      const src = aPtr + <usize>(block + r) * rowBytes;
      if (meanPtr == 0) { memory.copy(dst, src, rowBytes); continue; }
      for (let o: usize = 0; o < rowBytes; o += 16) {
        v128.store(dst + o, f32x4.sub(v128.load(src + o), v128.load(meanPtr + o)));
      }
    }
    let col = 0;
    for (; col + 8 <= cols; col += 8) {
      const b = bPtr + (<usize>col << 2);
      for (let r = 0; r < blockRows; r += 4) {
        const c = outPtr + <usize>(block + r) * outRowBytes + (<usize>col << 2);
        tile4x8(scratchPtr + <usize>r * rowBytes, rowBytes, 4, b, bRowBytes, aStride, c, outRowBytes, blockRows - r, false);
      }
    }
    if (col < cols) {
      const b = bPtr + (<usize>col << 2);
      for (let r = 0; r < blockRows; r += 4) {
        const c = outPtr + <usize>(block + r) * outRowBytes + (<usize>col << 2);
        tile4x4(scratchPtr + <usize>r * rowBytes, rowBytes, 4, b, bRowBytes, aStride, c, outRowBytes, blockRows - r, false);
      }
    }
  }
}

/** Rows of A summed in registers before a tile is added to G: short f32 sums, long ones in memory. */
export const GRAM_BLOCK_ROWS: i32 = 128;
/** Output rows per strip (a unit of work): four 4-row tiles share each block of A while it is in cache. */
export const GRAM_STRIP_ROWS: i32 = 16;

/**
 * The upper triangle (by 4×8 tiles, so a little below the diagonal too) of G = AᵀA for output rows
 * [stripRow, stripRow + GRAM_STRIP_ROWS) ∩ [0, cols), cols a multiple of 4.
 * A (rows × cols, f32) is stored in panels of 8 columns: element (k, c) is at
 * aPtr + (c >> 3)·panelBytes + k·kBytes + (c & 7)·4. Row-major A with a stride is panelBytes = 32,
 * kBytes = stride·4; the panel layout of gatherCenteredPanels is panelBytes = rows·32, kBytes = 32, where
 * every tile reads two contiguous streams.
 * gPtr: f32[cols × cols], overwritten in the rows this strip owns. The sum over A's rows runs block by block
 * in a fixed order, so a strip's result is the same on any thread.
 */
export function gramUpperStrip(
  aPtr: usize, rows: i32, cols: i32, kBytes: usize, panelBytes: usize, stripRow: i32, gPtr: usize,
): void {
  const gRowBytes = <usize>cols << 2;
  const stripEnd = min(stripRow + GRAM_STRIP_ROWS, cols);
  for (let block = 0; block < rows; block += GRAM_BLOCK_ROWS) {
    const kCount = min(GRAM_BLOCK_ROWS, rows - block);
    const blockPtr = aPtr + <usize>block * kBytes;
    const accumulate = block > 0;
    // column panels outermost: each panel of the block is read from L2 once and reused by the strip's tiles
    for (let col = stripRow & ~7; col < cols; col += 8) {
      const b = blockPtr + <usize>(col >> 3) * panelBytes;
      const wide = col + 8 <= cols;
      for (let r = stripRow; r < stripEnd && r < col + 8; r += 4) {
        const a = blockPtr + <usize>(r >> 3) * panelBytes + (<usize>(r & 7) << 2);
        const g = gPtr + <usize>r * gRowBytes + (<usize>col << 2);
        if (wide) tile4x8(a, 4, kBytes, b, kBytes, kCount, g, gRowBytes, 4, accumulate);
        else tile4x4(a, 4, kBytes, b, kBytes, kCount, g, gRowBytes, 4, accumulate);
      }
    }
  }
  if (rows == 0) {
    for (let r = stripRow; r < stripEnd; r++) memory.fill(gPtr + <usize>r * gRowBytes, 0, gRowBytes);
  }
}
