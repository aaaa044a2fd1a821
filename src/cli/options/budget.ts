import type { Command } from "commander";
import { positiveInt, positiveNumber } from "../parse.js";

export interface BudgetOptions {
  maxCost?: number;
  maxCalls?: number;
}

/** A run's spending limits, as its config keeps them. */
export interface RunBudget {
  maxCostUsd?: number;
  maxCalls?: number;
}

/** --max-cost and --max-calls; `costNote` says what a stopped run reports, where the command says more. */
export function addBudgetOptions(command: Command, costNote = ""): Command {
  return command
    .option(
      "--max-cost <usd>",
      `stop cleanly before spending more than this many dollars${costNote}`,
      positiveNumber,
    )
    .option("--max-calls <n>", "stop cleanly before making more than n model calls", positiveInt);
}

export function budgetOf(options: BudgetOptions): RunBudget {
  return {
    ...(options.maxCost !== undefined ? { maxCostUsd: options.maxCost } : {}),
    ...(options.maxCalls !== undefined ? { maxCalls: options.maxCalls } : {}),
  };
}

/** A resumed run's budget: a limit given now replaces the saved one; a limit not given stays. */
export function resumedBudget(saved: RunBudget, options: BudgetOptions): RunBudget {
  return { ...saved, ...budgetOf(options) };
}

export function budgetGiven(options: BudgetOptions): boolean {
  return options.maxCost !== undefined || options.maxCalls !== undefined;
}
