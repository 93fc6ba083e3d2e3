// Argument slots of t-SNE's repulsion tasks (repulsion_tasks.ts), written by name by the bindings (bindings/core/abi.ts:
// tsneRepExactArg, tsneRepFftArg).
export const ARG_TSNE_REP_Y: i32 = 0; // f32[n × 2] the layout
export const ARG_TSNE_REP_N: i32 = 1;
export const ARG_TSNE_REP_DOF: i32 = 2; // α
export const ARG_TSNE_REP_FORCE: i32 = 3; // f32[n × 2] out: the unnormalised force
export const ARG_TSNE_REP_WORKSPACE: i32 = 4; // Z (f64) at offset 0, then the task's scratch
export const ARG_TSNE_REP_ROWS_PER_CHUNK: i32 = 5; // exact
export const ARG_TSNE_REP_INTERVALS_PER_UNIT: i32 = 5; // interpolated: the grid's rule
export const ARG_TSNE_REP_MIN_INTERVALS: i32 = 6;
export const ARG_TSNE_REP_MAX_INTERVALS: i32 = 7;
export const ARG_TSNE_REP_NODES: i32 = 8;
