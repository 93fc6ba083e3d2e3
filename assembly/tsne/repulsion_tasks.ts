// Tasks of t-SNE's repulsion (ids 78–79 of the t-SNE range), run by every thread through assembly/tasks.ts.
// Both write, for a 2-D layout y (f32[n × 2]) and dof α, the unnormalised repulsive force
//   F_i = Σ_{j≠i} w_ij^{(α+1)/α} (y_i − y_j)   (α = 1: Σ_j w_ij² (y_i − y_j))
// into force (f32[n × 2]) and Z = Σ_{i≠j} w_ij (f64) at offset 0 of their workspace; the caller divides F by Z.
// The exact one is O(n²) (repulsion_exact.ts); the interpolated one is O(n + M log M) on a grid of M nodes
// (repulsion_fft.ts). bindings/tsne/repulsion.ts allocates the workspace and posts them.
import { repulsionExactTask } from "./repulsion_exact";
import { repulsionFftTask } from "./repulsion_fft";

export * from "./repulsion_args";

export const TASK_TSNE_REPULSION_EXACT: i32 = 78;
export const TASK_TSNE_REPULSION_FFT: i32 = 79;

export function runRepulsionTask(task: i32, ctrl: usize, thread: i32): bool {
  if (task == TASK_TSNE_REPULSION_EXACT) { repulsionExactTask(ctrl, thread); return true; }
  if (task == TASK_TSNE_REPULSION_FFT) { repulsionFftTask(ctrl, thread); return true; }
  return false;
}
