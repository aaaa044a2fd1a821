import type { ModelHub } from "../../models/index.js";
import type { Executor, TaskRun, TaskRunRequest } from "../types.js";
import { runTask } from "./run-task.js";

let runCounter = 0;

/**
 * The built-in agent: the AI SDK tool loop of run-task.ts on the hub's executor model, its shell
 * commands in the sandbox. The run's dollars are the hub's ledger entries labelled with this run.
 */
export function builtinExecutor(hub: ModelHub, modelName: string): Executor {
  return {
    kind: "builtin",
    async run(request: TaskRunRequest): Promise<TaskRun> {
      runCounter += 1;
      const label = `builtin:${request.task.id}:r${request.repeat}:${runCounter}`;
      const spent = { usd: 0 as number | null };
      const stop = hub.onCall((entry) => {
        if (entry.label !== label) return;
        spent.usd = spent.usd === null || entry.costUsd === null ? null : spent.usd + entry.costUsd;
      });
      try {
        const run = await runTask({
          ...request,
          model: hub.model("executor"),
          modelName,
          callLabel: label,
        });
        run.trajectory.costUsd = spent.usd === null ? null : Math.round(spent.usd * 1e6) / 1e6;
        return run;
      } finally {
        stop();
      }
    },
    close: async () => {},
  };
}
