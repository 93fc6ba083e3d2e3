// The last guard against a silent NaN: every layout the library hands back (and every initial layout it
// starts from) is checked in one SIMD pass; a non-finite value becomes an error naming the stage.

import type { Core } from "../core/core.ts";
import { CneNumericError } from "../errors.ts";

/** Throws a CneNumericError when any of the n × dim f32 at `ptr` is NaN or ±Infinity. */
export function checkFiniteLayout(core: Core, ptr: number, n: number, dim: number, stage: string): void {
  const bad = core.kernels.firstNonFinite(ptr, n * dim);
  if (bad < 0) return;
  const value = core.f32(ptr + bad * 4, 1)[0];
  throw new CneNumericError(
    `cne-wasm: the ${stage} stage produced a non-finite layout (${value} at row ${Math.floor(bad / dim)}, ` +
      `column ${bad % dim}); please report it with the data's shape and the options`,
  );
}
