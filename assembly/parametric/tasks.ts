// Tasks of the parametric mode (ids 60–69), run by every thread through assembly/tasks.ts.
import { trainTask } from "./train";
import { transformTask } from "./transform";

export const TASK_PARAMETRIC_TRAIN: i32 = 60;
export const TASK_PARAMETRIC_TRANSFORM: i32 = 61;

export function runParametricTask(task: i32, ctrl: usize, thread: i32): bool {
  if (task == TASK_PARAMETRIC_TRAIN) { trainTask(ctrl, thread); return true; }
  if (task == TASK_PARAMETRIC_TRANSFORM) { transformTask(ctrl, thread); return true; }
  return false;
}
