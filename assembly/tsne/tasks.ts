// Tasks of the t-SNE concern (ids 80–89), run by every thread through parallel/tasks.ts.
import { affinityTask } from "./affinities";
import { tsneIterateTask } from "./iterate";

export const TASK_TSNE_AFFINITIES: i32 = 80;
export const TASK_TSNE_ITERATE: i32 = 81;

export function runTsneTask(task: i32, ctrl: usize, thread: i32): bool {
  if (task == TASK_TSNE_AFFINITIES) { affinityTask(ctrl); return true; }
  if (task == TASK_TSNE_ITERATE) { tsneIterateTask(ctrl, thread); return true; }
  return false;
}
