// The ABI of the core: this file lists every export and nothing else. Both builds (simd and threads) compile
// this one entry, so they export the same list. Addresses are byte offsets into linear memory.

export { allocate, heapMark, heapReset } from "./mem";
export { runTask } from "./parallel/tasks";
export { CTRL_BYTES } from "./parallel/control";
export { firstNonFinite } from "./util/finite";
export { knnExactRows } from "./knn/exact";
export { padRows } from "./util/layout";
