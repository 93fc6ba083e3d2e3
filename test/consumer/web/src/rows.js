// The app's one fixed input: 300 rows × 10 columns in three clusters, from mulberry32 (the same in every engine).
import { mulberry32 } from "./fixture.js";

export const ROWS = 300;
export const COLUMNS = 10;

export function rows() {
  const next = mulberry32(25);
  const values = new Float32Array(ROWS * COLUMNS);
  for (let i = 0; i < ROWS; i++) {
    for (let j = 0; j < COLUMNS; j++) values[i * COLUMNS + j] = next() * 2 - 1 + (j % 3 === i % 3 ? 2 : 0);
  }
  return values;
}
