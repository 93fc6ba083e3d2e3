// Tasks of the t-SNE concern (ids 80–89), run by every thread through parallel/tasks.ts.
import { affinityTask } from "./affinities";
import { tsneIterateTask } from "./iterate";
import { placeGridTask, placeTask } from "./place";

export const TASK_TSNE_AFFINITIES: i32 = 80;
export const TASK_TSNE_ITERATE: i32 = 81;
// placing new points in a fixed layout (place.ts)
export const TASK_TSNE_PLACE_GRID: i32 = 88;
export const TASK_TSNE_PLACE: i32 = 89;

export function runTsneTask(task: i32, ctrl: usize, thread: i32): bool {
  if (task == TASK_TSNE_AFFINITIES) { affinityTask(ctrl); return true; }
  if (task == TASK_TSNE_ITERATE) { tsneIterateTask(ctrl, thread); return true; }
  if (task == TASK_TSNE_PLACE_GRID) { placeGridTask(ctrl, thread); return true; }
  if (task == TASK_TSNE_PLACE) { placeTask(ctrl, thread); return true; }
  return false;
}
