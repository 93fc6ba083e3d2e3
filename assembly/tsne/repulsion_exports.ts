// The repulsion's functions the bindings call directly: workspace sizes (and the FFT's test hook).
import { exactWorkspaceBytes } from "./repulsion_exact";

/** Bytes of the exact repulsion task's workspace for n points. */
export function tsneRepulsionExactWorkspaceBytes(n: i32): usize {
  return exactWorkspaceBytes(n);
}
