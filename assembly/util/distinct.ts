// Counting distinct rows, to tell the user when the data is degenerate (all rows identical, or fewer
// distinct rows than k + 1). It stops as soon as it has seen `limit` + 1 distinct rows, so on ordinary data
// it reads only the first few rows.

// @ts-ignore: decorator
@inline function rowHash(row: usize, dim: i32): u32 {
  let h: u32 = 0x811c9dc5;
  for (let t = 0; t < dim; t++) {
    // + 0 maps -0 to +0, so rows that are equal as numbers hash alike
    const bits = reinterpret<u32>(load<f32>(row + (<usize>t << 2)) + <f32>0);
    h = (h ^ bits) * 0x01000193;
    h ^= h >>> 15;
  }
  return h;
}

function rowsEqual(a: usize, b: usize, dim: i32): bool {
  for (let t = 0; t < dim; t++) if (load<f32>(a + (<usize>t << 2)) != load<f32>(b + (<usize>t << 2))) return false;
  return true;
}

/**
 * Number of distinct rows among n rows of `dim` f32 at `ptr` (rows `stride` f32 apart), or limit + 1 once
 * more than `limit` are found. tablePtr: i32[tableSize] scratch, tableSize a power of two ≥ 2·(limit + 1).
 */
export function countDistinctRows(ptr: usize, n: i32, dim: i32, stride: i32, limit: i32, tablePtr: usize, tableSize: i32): i32 {
  memory.fill(tablePtr, 0, <usize>tableSize << 2);
  const mask = tableSize - 1;
  const rowBytes = <usize>stride << 2;
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    const row = ptr + <usize>i * rowBytes;
    let slot = <i32>(rowHash(row, dim) & <u32>mask);
    for (;;) {
      const entry = load<i32>(tablePtr + (<usize>slot << 2)); // row index + 1; 0 = empty
      if (entry == 0) {
        store<i32>(tablePtr + (<usize>slot << 2), i + 1);
        distinct++;
        if (distinct > limit) return distinct;
        break;
      }
      if (rowsEqual(ptr + <usize>(entry - 1) * rowBytes, row, dim)) break;
      slot = (slot + 1) & mask;
    }
  }
  return distinct;
}
