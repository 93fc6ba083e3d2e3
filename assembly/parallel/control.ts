// Layout of the control block: one 320-byte record in linear memory through which the binding hands a task to
// every thread. The binding reads these offsets from the core's exports (assembly/abi.ts).

import { seedOf } from "../rng";

export const CTRL_GENERATION: usize = 0; // i32, bumped by the binding to start a task; idle workers wait on it
export const CTRL_TASK: usize = 4; // i32, which task (see assembly/tasks.ts)
export const CTRL_NEXT_CHUNK: usize = 8; // i32, work-stealing counter: the next chunk to take
export const CTRL_CHUNKS: usize = 12; // i32, how many chunks the task has
export const CTRL_DONE: usize = 16; // i32, threads that finished the task
export const CTRL_THREADS: usize = 20; // i32, threads taking part (1 in the single-thread build)
export const CTRL_BARRIER_COUNT: usize = 24; // i32, arrivals at the current barrier
export const CTRL_BARRIER_SENSE: usize = 28; // i32, flips each time a barrier opens
export const CTRL_ERROR: usize = 32; // i32, set by the binding when a worker's task trapped
export const CTRL_BARRIER_SPINS: usize = 36; // i32, polls of a barrier before its thread sleeps (set by the binding)
export const CTRL_ARGS: usize = 64; // f64[32]: task arguments (addresses, sizes and scalars all fit in an f64)
export const CTRL_BYTES: usize = 320;
export const CTRL_MAX_ARGS: usize = (CTRL_BYTES - CTRL_ARGS) >> 3; // 32 argument slots

// @ts-ignore: decorator
@inline export function arg(ctrl: usize, i: i32): f64 {
  return load<f64>(ctrl + CTRL_ARGS + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline export function argPtr(ctrl: usize, i: i32): usize {
  return <usize>load<f64>(ctrl + CTRL_ARGS + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline export function argInt(ctrl: usize, i: i32): i32 {
  return <i32>load<f64>(ctrl + CTRL_ARGS + (<usize>i << 3));
}
/**
 * A seed argument. Seeds cross the boundary in one convention, task arguments and kernel parameters alike: an
 * f64 holding an integer in [0, 2^53), exact in a JavaScript number; the core widens it to u64 (rng.ts seedOf).
 */
// @ts-ignore: decorator
@inline export function argSeed(ctrl: usize, i: i32): u64 {
  return seedOf(load<f64>(ctrl + CTRL_ARGS + (<usize>i << 3)));
}
// @ts-ignore: decorator
@inline export function threadCount(ctrl: usize): i32 {
  return load<i32>(ctrl + CTRL_THREADS);
}

/** Takes the next chunk index, or returns -1 when all chunks are taken (work stealing across threads). */
export function nextChunk(ctrl: usize): i32 {
  let c: i32;
  if (ASC_FEATURE_THREADS) {
    c = atomic.add<i32>(ctrl + CTRL_NEXT_CHUNK, 1);
  } else {
    c = load<i32>(ctrl + CTRL_NEXT_CHUNK);
    store<i32>(ctrl + CTRL_NEXT_CHUNK, c + 1);
  }
  return c < load<i32>(ctrl + CTRL_CHUNKS) ? c : -1;
}

/**
 * Sleeps while the i32 at `address` equals `expected`, for at most about a millisecond: the host's
 * Atomics.wait (bindings/threads/worker.ts). The core does not use memory.atomic.wait32 here on purpose: inlined
 * into a task's loop (as the optimiser inlines barrier), it made V8's baseline compiler (Liftoff, Node 20)
 * lose a value the loop kept in a register across the wait: the thread count read before a barrier was 0 after
 * it, and splitting the next batch by it trapped with "divide by zero" (the parametric trainer, 2 threads,
 * whenever a thread slept at a barrier; never with V8's optimising compiler alone, never without the sleep).
 * A call to an import is a boundary every compiler saves the caller's values across.
 */
// @ts-ignore: decorator
@external("env", "sleepWhileEqual")
declare function sleepWhileEqual(address: usize, expected: i32): void;

/**
 * Waits until every thread of the task arrives (a sense-reversing barrier). Polls CTRL_BARRIER_SPINS times,
 * then sleeps on the sense word (only workers run tasks in the threads build, so they may sleep).
 */
export function barrier(ctrl: usize): void {
  if (!ASC_FEATURE_THREADS) return;
  const threads = load<i32>(ctrl + CTRL_THREADS);
  if (threads <= 1) return;
  const sense = atomic.load<i32>(ctrl + CTRL_BARRIER_SENSE);
  if (atomic.add<i32>(ctrl + CTRL_BARRIER_COUNT, 1) == threads - 1) {
    atomic.store<i32>(ctrl + CTRL_BARRIER_COUNT, 0);
    atomic.store<i32>(ctrl + CTRL_BARRIER_SENSE, sense ^ 1);
    atomic.notify(ctrl + CTRL_BARRIER_SENSE);
    return;
  }
  const spins = load<i32>(ctrl + CTRL_BARRIER_SPINS);
  for (let spin = 0; spin < spins; spin++) {
    if (atomic.load<i32>(ctrl + CTRL_BARRIER_SENSE) != sense) return;
  }
  while (atomic.load<i32>(ctrl + CTRL_BARRIER_SENSE) == sense) {
    sleepWhileEqual(ctrl + CTRL_BARRIER_SENSE, sense);
  }
}

/** [begin, end) of a static split of `total` items into `parts` nearly equal ranges. */
// @ts-ignore: decorator
@inline export function splitBegin(total: i32, parts: i32, part: i32): i32 {
  return <i32>((<i64>total * <i64>part) / <i64>parts);
}
