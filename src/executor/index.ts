import { SkillgradError } from "../errors.js";
import type { ModelHub } from "../models/index.js";
import { builtinExecutor } from "./builtin/index.js";
import { claudeCodeAdapter } from "./claude-code/index.js";
import { codexAdapter } from "./codex/index.js";
import { externalExecutor } from "./external/executor.js";
import type { Executor, ExecutorChoice } from "./types.js";

export { builtinExecutor } from "./builtin/index.js";
export { RUN_OUTCOMES, type RunOutcome, type Trajectory, type TrajectoryStep } from "./trajectory.js";
export {
  EXECUTOR_KINDS,
  type Executor,
  type ExecutorChoice,
  type ExecutorKind,
  type TaskRun,
  type TaskRunRequest,
  type ToolCallSeen,
} from "./types.js";

export interface ExecutorDeps {
  hub: ModelHub;
  /** The executor role's model string. */
  executorModel: string;
  /** Where an external agent's model key and base URL are read (default: process.env). */
  env?: Record<string, string | undefined>;
}

/** The executor a run chose; close it when the run is done. */
export async function createExecutor(choice: ExecutorChoice, deps: ExecutorDeps): Promise<Executor> {
  switch (choice.kind) {
    case "builtin":
      return builtinExecutor(deps.hub, deps.executorModel);
    case "claude-code":
      return externalExecutor(claudeCodeAdapter, { ...deps, ...(choice.bin ? { bin: choice.bin } : {}) });
    case "codex":
      return externalExecutor(codexAdapter, { ...deps, ...(choice.bin ? { bin: choice.bin } : {}) });
    default:
      throw new SkillgradError(
        `executor ${choice.kind} is not available in this build; use --executor builtin`,
      );
  }
}
