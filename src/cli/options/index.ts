import type { Command } from "commander";
import { addConfigOption, addRateOptions, type ConfigOptions } from "./config.js";
import {
  addExecutionOptions,
  addExecutorOptions,
  type ExecutionOptionSettings,
  type ExecutionOptions,
} from "./execution.js";
import { addModelOptions, type ModelOptions } from "./models.js";
import { addQueueOptions, type QueueOptions } from "./queue.js";
import { addRunFolderOptions, type RunFolderOptions } from "./run-folder.js";

/**
 * The options every run command (eval, optimize, compare, triggers) takes, each group declared and
 * parsed in its own module here; a command declares only the options that are its own.
 */
export interface RunOptions
  extends ModelOptions,
    ExecutionOptions,
    ConfigOptions,
    RunFolderOptions,
    QueueOptions,
    OutputOptions {}

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
}

export function addRunOptions(command: Command, settings: ExecutionOptionSettings = {}): Command {
  addModelOptions(command);
  addExecutorOptions(command);
  addConfigOption(command);
  addExecutionOptions(command, settings);
  addRunFolderOptions(command);
  addRateOptions(command);
  addQueueOptions(command);
  return command
    .option("--json", "print only the summary object (JSON) on stdout")
    .option("--quiet", "print no progress");
}

export { addBudgetOptions, type BudgetOptions, budgetGiven, budgetOf, resumedBudget } from "./budget.js";
export { configOf } from "./config.js";
export { agentLimits, executionSettings, executorChoice } from "./execution.js";
export { type HubConfig, hubConfig, runHub } from "./hub.js";
export { openQueue, refuseQueue } from "./queue.js";
export { type ResumeOptions, resumeRun } from "./resume.js";
export { cacheDirFor, checkRunsOutsideSkill } from "./run-folder.js";
export {
  addTaskSourceOptions,
  benchmarkGrader,
  loadTaskSource,
  type TaskSource,
  type TaskSourceOptions,
  taskSourceOf,
} from "./task-source.js";
