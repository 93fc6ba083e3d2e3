// The only allocator of the core: a bump arena over linear memory.
// The binding allocates every buffer of a fit once, then resets to a mark when the fit is destroyed.
// Kernels never allocate. In the threads build only the main instance calls these (each instance has its own
// globals, so a worker's `top` would be wrong).

const ALIGN: usize = 64; // cache line; also keeps every v128 access aligned

let top: usize = 0;

function base(): usize {
  return (__heap_base + ALIGN - 1) & ~(ALIGN - 1);
}

/** Reserves `bytes` (rounded up to 64) and returns the address, or 0 when memory cannot grow. */
export function allocate(bytes: usize): usize {
  if (top == 0) top = base();
  const ptr = top;
  // addresses are 32-bit: an end past 4 GiB would wrap around to a small address
  if (bytes > <usize>0xffffffff - ptr - ALIGN) return 0;
  const end = (ptr + bytes + ALIGN - 1) & ~(ALIGN - 1);
  const pagesNeeded = i32((end + 0xffff) >>> 16);
  const pagesHave = memory.size();
  if (pagesNeeded > pagesHave) {
    if (memory.grow(pagesNeeded - pagesHave) < 0) return 0;
  }
  top = end;
  return ptr;
}

/** The current top of the arena: pass it to heapReset to free everything allocated after it. */
export function heapMark(): usize {
  if (top == 0) top = base();
  return top;
}

export function heapReset(mark: usize): void {
  top = mark < base() ? base() : mark;
}
