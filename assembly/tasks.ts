// The one entry every thread calls: read the task id from the control block and run that concern's task.
// Each concern owns a range of ids and a runXTask function (knn/tasks.ts and its siblings). This file sits above
// the folders it dispatches to (they import parallel/control.ts, never this): a new concern's tasks add one
// line here.

import { CTRL_TASK } from "./parallel/control";
import { runKnnTask } from "./knn/tasks";
import { runPcaTask } from "./pca/tasks";
import { runNndescentTask } from "./knn/nndescent_tasks";
import { runOptimizeTask } from "./optimize/tasks";
import { runParametricTask } from "./parametric/tasks";
import { runRepulsionTask } from "./tsne/repulsion_tasks";

/** Runs the task currently posted in the control block at `ctrl` as thread `thread` (0-based). */
export function runTask(ctrl: usize, thread: i32): void {
  const task = load<i32>(ctrl + CTRL_TASK);
  if (runKnnTask(task, ctrl, thread)) return;
  if (runPcaTask(task, ctrl, thread)) return;
  if (runNndescentTask(task, ctrl, thread)) return;
  if (runOptimizeTask(task, ctrl, thread)) return;
  if (runParametricTask(task, ctrl, thread)) return;
  if (runRepulsionTask(task, ctrl, thread)) return;
  unreachable(); // an id no concern knows: the binding and the core disagree
}
