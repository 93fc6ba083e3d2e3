// The repulsion's functions the bindings call directly: workspace sizes, and the FFT as a test hook.
import { exactWorkspaceBytes } from "./repulsion_exact";
import { fftWorkspaceBytes } from "./repulsion_fft";
import { FFT_PLAN_BYTES, fft, fftPlan, fftTwiddles, twiddleBytes } from "./fft";

/** Bytes of the exact repulsion task's workspace for n points. */
export function tsneRepulsionExactWorkspaceBytes(n: i32): usize {
  return exactWorkspaceBytes(n);
}

/**
 * Bytes of the interpolated repulsion task's workspace for n points, grids of up to maxIntervals intervals per
 * axis with `nodes` nodes each, and `threads` threads.
 */
export function tsneRepulsionFftWorkspaceBytes(n: i32, maxIntervals: i32, nodes: i32, threads: i32): usize {
  return fftWorkspaceBytes(n, maxIntervals, nodes, threads);
}

/** Bytes of tsneFftInPlace's scratch for length n. */
export function tsneFftScratchBytes(n: i32): usize {
  return 256 + twiddleBytes(n) + 2 * (<usize>n << 4);
}

/**
 * Test hook: the forward DFT of n v128 elements (two complex f32 each) at dataPtr, in place. Returns the
 * number of stages, 0 when n is not a product of 2, 3 and 5 (nothing is written then).
 */
export function tsneFftInPlace(dataPtr: usize, n: i32, scratchPtr: usize): i32 {
  const plan = scratchPtr, tw = scratchPtr + 256;
  const tmpA = tw + twiddleBytes(n), tmpB = tmpA + (<usize>n << 4);
  const stages = fftPlan(n, plan);
  if (stages == 0) return 0;
  fftTwiddles(n, tw, 0, n);
  if (stages == 1) {
    // one stage cannot run in place: go through a scratch buffer
    memory.copy(tmpB, dataPtr, <usize>n << 4);
    fft(tmpB, dataPtr, tmpA, tmpA, n, plan, tw);
  } else {
    fft(dataPtr, dataPtr, tmpA, tmpB, n, plan, tw);
  }
  return stages;
}
