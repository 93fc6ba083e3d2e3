// New rows for a parametric network, after the training data's scaling: the network was fitted on values within
// the safe range (core/magnitude.ts: |x| ≤ 2^40, or scaled into [1, 2)); rows far beyond it overflow the
// network's float32 sums and would come back as NaN. Those are refused, naming the magnitude.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { fail } from "../errors.ts";

/** Largest |x| of scaled new rows the network takes: 2^64 leaves its three layers' sums far inside float32. */
export const MAX_NETWORK_INPUT = 2 ** 64;

/** Fails when any scaled value of `m` exceeds MAX_NETWORK_INPUT in magnitude (one SIMD pass over the rows). */
export function checkNetworkInput(core: Core, m: CoreMatrix, exponent: number): void {
  const largest = core.kernels.maxAbs(m.ptr, m.n * m.stride);
  if (largest <= MAX_NETWORK_INPUT) return;
  if (!Number.isFinite(largest)) {
    fail(`the new rows × 2^${exponent} (the training data's scaling) overflow float32: they lie far outside the training data's magnitude`);
  }
  const given = largest * 2 ** -exponent;
  fail(
    `the new rows reach |x| = ${given.toPrecision(3)}, ${exponent !== 0 ? `× 2^${exponent} (the training data's scaling) = ${largest.toPrecision(3)}, ` : ""}` +
      `beyond the 2^64 the network takes: rows this far outside the training data's magnitude overflow it`,
  );
}
