// Mirror of assembly/parallel/control.ts: the control block through which the binding posts a task to every
// thread. Offsets in bytes; test/contract.test.ts checks them against the core.

export const CTRL_GENERATION = 0;
export const CTRL_TASK = 4;
export const CTRL_NEXT_CHUNK = 8;
export const CTRL_CHUNKS = 12;
export const CTRL_DONE = 16;
export const CTRL_THREADS = 20;
export const CTRL_BARRIER_COUNT = 24;
export const CTRL_BARRIER_SENSE = 28;
export const CTRL_ERROR = 32; // set by a worker whose task trapped
export const CTRL_ARGS = 64;
export const CTRL_MAX_ARGS = 24;
export const CTRL_BYTES = 256;

/** Task ids: each concern of the core owns a range (assembly/<concern>/tasks.ts). */
export const Task = {
  knnExact: 1,
  pcaColumnSums: 10, pcaGather: 11, pcaGram: 12, pcaMultiply: 13, // assembly/pca/tasks.ts
  nndTrees: 20,
  nndReorder: 21,
  nndInitLeaves: 22,
  nndFill: 23,
  nndCandidates: 24,
  nndJoin: 25,
  nndFinish: 26,
} as const;
export type TaskId = (typeof Task)[keyof typeof Task];
