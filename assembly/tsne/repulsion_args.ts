// Argument slots of t-SNE's repulsion tasks (repulsion_tasks.ts), written by name by the bindings
// (bindings/core/abi.ts: tsneExactArg, tsneFftArg).

// TASK_TSNE_REPULSION_EXACT
export const ARG_TSNE_EXACT_Y: i32 = 0; // f32[n × 2] the layout
export const ARG_TSNE_EXACT_N: i32 = 1;
export const ARG_TSNE_EXACT_DOF: i32 = 2; // α
export const ARG_TSNE_EXACT_FORCE: i32 = 3; // f32[n × 2] out: the unnormalised force
export const ARG_TSNE_EXACT_WORKSPACE: i32 = 4; // Z (f64) at offset 0, then the task's scratch
export const ARG_TSNE_EXACT_ROWS_PER_CHUNK: i32 = 5;

// TASK_TSNE_REPULSION_FFT
export const ARG_TSNE_FFT_Y: i32 = 0;
export const ARG_TSNE_FFT_N: i32 = 1;
export const ARG_TSNE_FFT_DOF: i32 = 2;
export const ARG_TSNE_FFT_FORCE: i32 = 3;
export const ARG_TSNE_FFT_WORKSPACE: i32 = 4;
export const ARG_TSNE_FFT_INTERVALS_PER_UNIT: i32 = 5; // the grid's rule: intervals per unit of extent, clamped
export const ARG_TSNE_FFT_MIN_INTERVALS: i32 = 6;
export const ARG_TSNE_FFT_MAX_INTERVALS: i32 = 7;
export const ARG_TSNE_FFT_NODES: i32 = 8; // Lagrange nodes per interval
