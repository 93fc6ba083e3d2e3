// Tasks of the optimiser concern (ids 40–49), run by every thread through assembly/tasks.ts.
import { optimizeTask } from "./sgd";
import { partitionTask } from "./partition";
import { placeTask } from "./place";

export const TASK_OPTIMIZE: i32 = 40;
export const TASK_PARTITION: i32 = 41;
export const TASK_PLACE: i32 = 42;

export function runOptimizeTask(task: i32, ctrl: usize, thread: i32): bool {
  if (task == TASK_OPTIMIZE) { optimizeTask(ctrl, thread); return true; }
  if (task == TASK_PARTITION) { partitionTask(ctrl); return true; }
  if (task == TASK_PLACE) { placeTask(ctrl, thread); return true; }
  return false;
}
