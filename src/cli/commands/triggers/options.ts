import type { Command } from "commander";
import type { TriggerGate } from "../../../triggers/optimize/loop.js";
import { addRunOptions, type BudgetOptions, type RunOptions } from "../../options/index.js";
import { positiveInt } from "../../parse.js";

/** --repeat's default for trigger runs (Anthropic's skill-creator also runs each query 3 times). */
const TRIGGER_REPEAT = 3;

export interface TriggerCliOptions extends RunOptions {
  skill?: string;
  queries?: string;
  library?: string | false;
  patience: number;
}

export interface TriggerOptimizeCliOptions extends TriggerCliOptions, BudgetOptions {
  optimizerModel?: string;
  holdout: number;
  seed: number;
  iterations: number;
  gate: TriggerGate;
  testQueries?: string;
  resume?: string;
}

/** What both `triggers eval` and `triggers optimize` take: the skill, its queries and its competitors. */
export function addTriggerOptions(command: Command): Command {
  return addRunOptions(command, { repeatDefault: TRIGGER_REPEAT, graders: false })
    .option("--skill <dir>", "the skill whose triggering is measured")
    .option("--queries <file>", 'JSONL trigger queries: {"id", "query", "shouldTrigger", "note"?} per line')
    .option(
      "--library <dir>",
      "a folder of competing skills installed beside it (default: the small library in examples/skill-library)",
    )
    .option("--no-library", "install the skill alone, with no competing skills")
    .option(
      "--patience <n>",
      "tool calls an agent may make before activating a skill: the first activation, or the n-th other call, decides",
      positiveInt,
      1,
    );
}
