// The interpolated repulsion's sort of points by grid box (repulsion_fft.ts, phase 2).

/**
 * Counting sort of the points by box, stable: order (i32[n]), their coordinates in that order (sorted, f32[n × 2],
 * so that spreading and reading back walk memory in order) and starts (i32[B² + 1], box k's points at
 * [starts[k], starts[k+1])).
 */
export function sortByBox(y: usize, n: i32, boxes: i32, boxOf: usize, order: usize, sorted: usize, starts: usize): void {
  memory.fill(starts, 0, (<usize>boxes + 1) << 2);
  for (let i = 0; i < n; i++) {
    const at = starts + ((<usize>load<i32>(boxOf + (<usize>i << 2)) + 1) << 2);
    store<i32>(at, load<i32>(at) + 1);
  }
  for (let k = 0; k < boxes; k++) {
    const at = starts + (<usize>(k + 1) << 2);
    store<i32>(at, load<i32>(at) + load<i32>(at - 4));
  }
  // scatter with starts[k] as box k's cursor; it ends at the start of box k + 1, so shift back by one
  for (let i = 0; i < n; i++) {
    const at = starts + (<usize>load<i32>(boxOf + (<usize>i << 2)) << 2);
    const slot = load<i32>(at);
    store<i32>(order + (<usize>slot << 2), i);
    store<u64>(sorted + (<usize>slot << 3), load<u64>(y + (<usize>i << 3)));
    store<i32>(at, slot + 1);
  }
  for (let k = boxes; k > 0; k--) store<i32>(starts + (<usize>k << 2), load<i32>(starts + (<usize>(k - 1) << 2)));
  store<i32>(starts, 0);
}
