/**
 * skillgrad's library API: the same pieces the CLI uses, as plain async functions over plain data.
 * skill (the parameter) → executor (forward pass) → graders (loss) → optimizer (diagnose, momentum,
 * patch, loop) — with every model call going through the ModelHub.
 */

export { benchmarkNames, loadBenchmark } from "./benchmarks/registry.js";
export type { Benchmark, BenchmarkTaskOptions } from "./benchmarks/types.js";
export { SkillgradError, UsageError } from "./errors.js";
export { type EvalSummary, type EvaluateOptions, evaluate, type TaskResult } from "./eval/evaluate.js";
export { type RunTaskOptions, runTask } from "./executor/builtin/run-task.js";
// executors: the built-in agent, Claude Code, Codex behind one interface
export {
  createExecutor,
  EXECUTOR_KINDS,
  type Executor,
  type ExecutorChoice,
  type ExecutorKind,
  type RunOutcome,
  type TaskRun,
  type TaskRunRequest,
  type Trajectory,
  type TrajectoryStep,
} from "./executor/index.js";
// the loss: graders
export { GRADER_TYPES, type Grade, type GradeInput, type Grader, graderFor } from "./graders/index.js";
// models: one hub for every call (cache, retries, ledger, budgets)
export {
  BudgetExceededError,
  checkModelCredentials,
  type LedgerEntry,
  type LedgerTotals,
  MODEL_ROLES,
  ModelHub,
  type ModelHubOptions,
  type ModelRole,
  parseModelSpec,
  readLedger,
  resolveRoleModels,
  summarizeLedger,
} from "./models/index.js";
export type { OptimizeSummary } from "./optimizer/finish.js";
export { DEFAULT_SETTINGS, runOptimize, splitTasks } from "./optimizer/optimize.js";
export type { Diagnosis, Overlay, Pattern, PatternMemory } from "./optimizer/records.js";
// the optimizer
export { type DiagnoseItem, diagnoseAll } from "./optimizer/stages/diagnose.js";
export { updateMomentum } from "./optimizer/stages/momentum.js";
export { type PatchOutcome, patchSkill } from "./optimizer/stages/patch.js";
export type { Gate, OptimizeInput, OptimizeSettings, TaskSplit } from "./optimizer/types.js";
export { type WriteBackResult, writeBack } from "./optimizer/write-back.js";
export { createRunFolder, type RunFolder, runFolderAt } from "./runs/run-folder.js";
// the forward pass: sandbox and executor
export { createWorkspace, runSandboxed, type SandboxMode } from "./sandbox/index.js";
export { createSimModel, type SimModelOptions } from "./sim/index.js";
export type {
  EditResult,
  Skill,
  SkillDiff,
  SkillEdit,
  SkillProblem,
  SkillResource,
  SkillSection,
} from "./skill/index.js";
// the parameter: skill packages
export {
  applyEdit,
  checkStructure,
  diffSkills,
  formatDiff,
  loadSkill,
  loadSkillVersion,
  saveSkillVersion,
  skillHash,
  validateSkill,
} from "./skill/index.js";
// tasks, splits and benchmarks
export { loadTasks } from "./tasks/load.js";
export { loadSplit, makeSplit, parseSplitSpec, type SplitManifest } from "./tasks/split.js";
export type { GraderSpec, Task, TaskFile } from "./tasks/types.js";
export { VERSION } from "./version.js";
