import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import pLimit from "p-limit";
import type { Trajectory } from "../executor/trajectory.js";
import type { Executor } from "../executor/types.js";
import type { ModelHub } from "../models/index.js";
import { type RunFolder, recordEvent } from "../runs/run-folder.js";
import type { SandboxMode } from "../sandbox/index.js";
import { type Skill, skillHash } from "../skill/index.js";
import { appendJsonLine, writeFileAtomic } from "../util/fs.js";
import { activationOf } from "./activation.js";
import { queryOutcomes, triggerMetrics } from "./metrics.js";
import type { Decision, ProbeRecord, TriggerEvalSummary, TriggerQuery } from "./types.js";

export interface TriggerEvalInput {
  queries: TriggerQuery[];
  /** The skill whose triggering is measured. */
  skill: Skill;
  /** The competing skills installed beside it. */
  library: Skill[];
  executor: Executor;
  executorModel: string;
  hub: ModelHub;
  folder: RunFolder;
  /** Where probes.jsonl and trajectories/ go, relative to the run folder ("" = top). */
  subdir: string;
  repeat: number;
  concurrency: number;
  /** Tool calls an agent may make before activating a skill; the first activation or the last of them decides. */
  patience: number;
  sandbox: SandboxMode;
  maxTurns: number;
  commandTimeoutSec: number;
  taskTimeoutSec: number;
}

/**
 * How a probe was decided, read from its trajectory in order: the first call that activates an
 * installed skill decides "activated"; `patience` calls without one decide "none"; a run that ended
 * before either is "none" too.
 */
export function decisionOf(
  trajectory: Pick<Trajectory, "steps">,
  installed: readonly string[],
  patience: number,
): { activated: string | null; by: Decision; calls: number } {
  let calls = 0;
  for (const step of trajectory.steps) {
    for (const call of step.toolCalls) {
      calls++;
      const activated = activationOf(call, installed);
      if (activated) return { activated, by: "activation", calls };
      if (calls >= patience) return { activated: null, by: "other-tools", calls };
    }
  }
  return { activated: null, by: "end", calls };
}

const safeName = (id: string) => id.replace(/[^\w.-]/g, "_");

/**
 * A trigger evaluation: every query run `repeat` times by the executor with the skill installed next
 * to the library; each run stops as soon as activation is decided (the task itself is not carried
 * out). Probes stream to probes.jsonl; trajectories are kept; the summary has each query's trigger
 * rate, precision, recall and F1 with 95% intervals, and the queries that went the wrong way.
 */
export async function evaluateTriggers(
  input: TriggerEvalInput,
): Promise<{ summary: TriggerEvalSummary; probes: ProbeRecord[] }> {
  const started = Date.now();
  const { folder, skill, library } = input;
  const base = input.subdir ? join(folder.dir, input.subdir) : folder.dir;
  const installed = [skill.name, ...library.map((other) => other.name)];
  const totalsBefore = input.hub.totals().total;
  const limit = pLimit(input.concurrency);
  const probes: ProbeRecord[] = [];
  await mkdir(join(base, "trajectories"), { recursive: true });
  await recordEvent(folder, {
    type: "triggers-start",
    subdir: input.subdir,
    queries: input.queries.length,
    runs: input.queries.length * input.repeat,
  });
  const one = async (query: TriggerQuery, repeat: number) => {
    let seen = 0;
    const run = await input.executor.run({
      task: { id: query.id, prompt: query.query, files: [] },
      skill,
      otherSkills: library,
      workspaceRoot: join(base, "workspaces"),
      repeat,
      sandbox: input.sandbox,
      maxTurns: input.maxTurns,
      commandTimeoutSec: input.commandTimeoutSec,
      taskTimeoutSec: input.taskTimeoutSec,
      stopAt: (call) => {
        seen++;
        return activationOf(call, installed) !== undefined || seen >= input.patience;
      },
    });
    const decision = decisionOf(run.trajectory, installed, input.patience);
    const file = join("trajectories", `${safeName(query.id)}.r${repeat}.json`);
    await writeFileAtomic(join(base, file), JSON.stringify(run.trajectory, null, 1));
    await rm(run.workspace, { recursive: true, force: true });
    const probe: ProbeRecord = {
      queryId: query.id,
      repeat,
      shouldTrigger: query.shouldTrigger,
      activated: decision.activated,
      triggered: decision.activated === skill.name,
      decidedBy: decision.by,
      calls: decision.calls,
      outcome: run.outcome,
      ...(run.error && !run.stoppedEarly ? { error: run.error } : {}),
      trajectory: join(input.subdir, file),
      ms: run.trajectory.ms,
    };
    await appendJsonLine(join(base, "probes.jsonl"), probe);
    probes.push(probe);
    await recordEvent(folder, {
      type: "probe-done",
      subdir: input.subdir,
      queryId: query.id,
      repeat,
      triggered: probe.triggered,
      done: probes.length,
      total: input.queries.length * input.repeat,
    });
  };
  await Promise.all(
    input.queries.flatMap((query) =>
      Array.from({ length: input.repeat }, (_, repeat) => limit(() => one(query, repeat))),
    ),
  );
  await rm(join(base, "workspaces"), { recursive: true, force: true });
  probes.sort((a, b) => a.queryId.localeCompare(b.queryId) || a.repeat - b.repeat);
  const outcomes = queryOutcomes(input.queries, probes);
  const now = input.hub.totals().total;
  const summary: TriggerEvalSummary = {
    skill: { name: skill.name, hash: skillHash(skill), description: skill.description },
    library: library.map((other) => other.name),
    executor: input.executor.kind,
    model: input.executorModel,
    repeat: input.repeat,
    patience: input.patience,
    queries: outcomes,
    metrics: triggerMetrics(probes),
    missed: outcomes.filter((q) => q.wrong && q.shouldTrigger).map((q) => q.id),
    falseTriggers: outcomes.filter((q) => q.wrong && !q.shouldTrigger).map((q) => q.id),
    tokens: {
      input: now.inputTokens - totalsBefore.inputTokens,
      cachedInput: now.cachedInputTokens - totalsBefore.cachedInputTokens,
      output: now.outputTokens - totalsBefore.outputTokens,
    },
    costUsd:
      now.costUsd === null || totalsBefore.costUsd === null
        ? null
        : Math.round((now.costUsd - totalsBefore.costUsd) * 1e6) / 1e6,
    calls: now.calls - totalsBefore.calls,
    cachedCalls: now.cachedCalls - totalsBefore.cachedCalls,
    wallMs: Date.now() - started,
  };
  await recordEvent(folder, { type: "triggers-done", subdir: input.subdir, f1: summary.metrics.f1 });
  return { summary, probes };
}
