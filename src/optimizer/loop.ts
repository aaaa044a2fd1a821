import { cp, mkdir, readFile, rename, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import type { TaskResult } from "../eval/evaluate.js";
import type { RolloutRunner } from "../eval/rollout.js";
import type { Trajectory } from "../executor/trajectory.js";
import type { Executor, ExecutorChoice } from "../executor/types.js";
import type { Grader } from "../graders/index.js";
import { BudgetExceededError, type ModelHub } from "../models/index.js";
import { type RunFolder, recordEvent } from "../runs/run-folder.js";
import type { SandboxMode } from "../sandbox/index.js";
import { loadSkill, type Skill, saveSkillVersion, skillHash } from "../skill/index.js";
import type { Task } from "../tasks/types.js";
import { seededRandom, shuffled } from "../util/random.js";
import { type DiagnoseItem, diagnoseAll, isMissing } from "./diagnose.js";
import { type EvalOutput, evaluateVersion } from "./evaluate-version.js";
import { gateAccepts } from "./gate.js";
import { type PatchSummary, recordRemedies, updateMomentum } from "./momentum.js";
import { type PatchOutcome, type PatchSignals, patchSkill } from "./patch.js";
import type { Diagnosis, MissingDiagnosis, Overlay, PatternMemory } from "./records.js";
import { once } from "./stage.js";
import {
  initialState,
  iterationDir,
  type LoopState,
  readState,
  saveState,
  type VersionRecord,
  versionId,
} from "./state.js";

export type Gate = "none" | "nonneg" | "strict";

export interface OptimizeSettings {
  /** "failures": the training set is sampled from the seed skill's failures on the pool (the paper). */
  trainFrom: "failures" | "all";
  trainSize: number;
  batchSize: number;
  epochs: number;
  /** Stop after this many iterations even if batches remain. */
  maxIterations?: number;
  /** Stop after this many consecutive batches with no failure. */
  earlyStop: number;
  gate: Gate;
  maxAnchors: number;
  repairRounds: number;
  repeat: number;
  concurrency: number;
  seed: number;
  momentum: boolean;
  contrastive: boolean;
  sandbox: SandboxMode;
  /** Run the tasks' `command` graders on the host instead of in the sandbox. */
  trustGraders?: boolean;
  maxTurns: number;
  commandTimeoutSec: number;
  taskTimeoutSec: number;
  /** The agent that runs the tasks (absent in runs made before executors were pluggable: builtin). */
  executor?: ExecutorChoice;
}

export interface TaskSplit {
  pool: Task[];
  validation: Task[];
  test: Task[];
}

export interface OptimizeInput {
  settings: OptimizeSettings;
  split: TaskSplit;
  seedSkillDir: string;
  hub: ModelHub;
  executorModel: string;
  /** The agent made from settings.executor (default: the built-in agent on the hub's executor model). */
  executor?: Executor;
  /** Where rollouts run (default: here, with `executor`; a queue sends them to workers). */
  rollouts?: RolloutRunner;
  folder: RunFolder;
  grader?: (task: Task) => Grader;
  /** Awaited after every iteration (e.g. to refresh the report). */
  afterIteration?: (iteration: number) => Promise<void>;
  /**
   * For tests only (no CLI flag): the diagnoser's prompts show "(withheld)" instead of the grader's
   * feedback and the trajectories. A loop that still learns then was not learning from evidence.
   */
  withholdEvidence?: boolean;
}

export interface LoopResult {
  state: LoopState;
  skillDir(version: string): string;
}

/** The batches of every epoch: the training ids reshuffled per epoch with the run's seed. */
export function planBatches(trainIds: string[], settings: OptimizeSettings): string[][] {
  const batches: string[][] = [];
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    const order = shuffled(trainIds, seededRandom(settings.seed * 1000 + epoch + 1));
    for (let i = 0; i < order.length; i += settings.batchSize)
      batches.push(order.slice(i, i + settings.batchSize));
  }
  return settings.maxIterations === undefined ? batches : batches.slice(0, settings.maxIterations);
}

/**
 * The SkillGrad loop. Each iteration: execute the batch → grade → classify failures and contrastive
 * successes → diagnose → momentum → patch → read-back checks → (gate) → new version. Every stage's
 * output is saved, and state.json after every stage, so a killed run resumes where it stopped.
 */
export async function runLoop(input: OptimizeInput): Promise<LoopResult> {
  const { folder, settings, split, hub } = input;
  const skillsRoot = join(folder.dir, "skills");
  const tasksById = new Map(
    [...split.pool, ...split.validation, ...split.test].map((task) => [task.id, task]),
  );
  const seedSkill = await loadSkill(input.seedSkillDir);
  const skillName = seedSkill.name;
  const skillDir = (version: string) => join(skillsRoot, version, skillName);
  const emit = async (event: { type: string; [key: string]: unknown }) => {
    if (event.type === "stage") hub.setStage(String(event.stage));
    await recordEvent(folder, event);
  };

  let state = readState(folder);
  if (!state) {
    await rm(join(skillsRoot, "v000"), { recursive: true, force: true });
    await mkdir(join(skillsRoot, "v000"), { recursive: true });
    await saveSkillVersion(seedSkill, skillDir("v000"));
    state = initialState({
      id: "v000",
      hash: skillHash(seedSkill),
      iteration: 0,
      parent: null,
      validation: null,
    });
    await saveState(folder, state);
  } else if (state.status === "stopped") {
    // resuming a run that hit its budget: it goes on from the last completed stage
    state.status = "running";
    delete state.stoppedBy;
    delete state.stopReason;
  }
  const save = () => saveState(folder, state as LoopState);

  const evaluateInto = (subdir: string, tasks: Task[], version: string) =>
    evaluateVersion(input, subdir, tasks, skillDir(version));

  const validate = async (version: string): Promise<number | null> => {
    if (split.validation.length === 0) return null;
    await emit({ type: "stage", stage: "validate", version });
    return (await evaluateInto(join("validation", version), split.validation, version)).summary.passRate;
  };

  // A finished run (every batch, or an early stop) trains no further: a resume only completes its end.
  if (state.status === "done") return { state, skillDir };

  try {
    // Validation score of the seed, for the gate and for choosing the best version.
    const seedRecord = state.versions[0] as VersionRecord;
    if (seedRecord.validation === null && split.validation.length > 0) {
      seedRecord.validation = await validate("v000");
      await save();
    }

    // Base trajectories of the seed on the pool; the training set comes from them.
    if (!state.trainIds) {
      await emit({ type: "stage", stage: "base" });
      const base = await evaluateInto("base", split.pool, "v000");
      const random = seededRandom(settings.seed + 17);
      const failed = base.results.filter((r) => !r.pass);
      for (const result of failed) {
        state.failedBefore[result.taskId] = {
          trajectory: result.trajectory,
          result: "base/evaluation.json",
          version: "v000",
        };
      }
      const candidates =
        settings.trainFrom === "failures"
          ? [...new Set(failed.map((r) => r.taskId))]
          : split.pool.map((t) => t.id);
      state.trainIds = shuffled(candidates, random).slice(0, settings.trainSize);
      await save();
      await emit({
        type: "train-set",
        size: state.trainIds.length,
        from: settings.trainFrom,
        basePassRate: base.summary.passRate,
      });
    }

    const batches = planBatches(state.trainIds, settings);
    // checked before each batch too, so a run killed right after its early stop does not go on
    const cleanEnough = () => (state as LoopState).cleanStreak >= settings.earlyStop;
    for (let iteration = state.iteration + 1; iteration <= batches.length && !cleanEnough(); iteration++) {
      const batch = (batches[iteration - 1] ?? [])
        .map((id) => tasksById.get(id))
        .filter((t): t is Task => t !== undefined);
      await runIteration(iteration, batch);
    }
    if (cleanEnough()) {
      state.stoppedBy = "early-stop";
      state.stopReason = `${state.cleanStreak} consecutive batches with no failure`;
    }
    state.status = "done";
    state.stoppedBy ??= "iterations";
    await save();
  } catch (error) {
    if (!(error instanceof BudgetExceededError)) throw error;
    state.status = "stopped";
    state.stoppedBy = "budget";
    state.stopReason = error.message;
    await save();
    await emit({ type: "stopped", reason: error.message });
  }
  return { state, skillDir };

  async function runIteration(iteration: number, batch: Task[]): Promise<void> {
    const s = state as LoopState;
    // Mid-iteration checkpoints keep the state as it was when the iteration began, plus how far it
    // got: a resumed iteration replays its stages from their saved outputs, so nothing is applied twice.
    const atStart = structuredClone(s);
    const stageDone = (name: string) => saveState(folder, { ...atStart, stage: { iteration, name } });
    const dir = iterationDir(folder, iteration);
    const sub = relative(folder.dir, dir);
    await mkdir(dir, { recursive: true });
    await once(join(dir, "batch.json"), async () => ({
      iteration,
      tasks: batch.map((t) => t.id),
      version: s.current,
    }));

    // forward pass and loss
    await emit({ type: "stage", stage: "execute", iteration });
    const executed = await evaluateInto(join(sub, "execute"), batch, s.current);
    await stageDone("execute");

    // classify: failures now, and successes that failed under an earlier version
    const items: DiagnoseItem[] = [];
    for (const result of executed.results) {
      const task = tasksById.get(result.taskId) as Task;
      const current = { result, trajectory: await readTrajectory(result.trajectory) };
      if (!result.pass) items.push({ task, signal: "failure", current });
      else if (settings.contrastive && s.failedBefore[result.taskId]) {
        const before = s.failedBefore[result.taskId] as LoopState["failedBefore"][string];
        const earlierResult = await readEarlierResult(before.result, result.taskId);
        if (earlierResult) {
          items.push({
            task,
            signal: "success",
            current,
            earlier: { result: earlierResult, trajectory: await readTrajectory(before.trajectory) },
          });
        }
      }
    }
    const failures = executed.results.filter((r) => !r.pass);

    await emit({ type: "stage", stage: "diagnose", iteration, items: items.length });
    const skill = await loadSkill(skillDir(s.current));
    const diagnosed = await once(join(dir, "diagnoses.json"), async () =>
      diagnoseAll(items, {
        model: hub.model("diagnoser"),
        skill,
        iteration,
        concurrency: settings.concurrency,
        withholdEvidence: input.withholdEvidence,
      }),
    );
    const diagnoses = diagnosed.filter((d): d is Diagnosis => !isMissing(d as Diagnosis | MissingDiagnosis));
    await stageDone("diagnose");

    // momentum: from the second iteration (the memory is bootstrapped after the first patch)
    let overlay: Overlay | undefined;
    if (settings.momentum && iteration >= 2 && diagnoses.length > 0) {
      await emit({ type: "stage", stage: "momentum", iteration });
      const updated = await momentumStage(dir, iteration, diagnoses, skill, s.patches);
      s.memory = updated.memory;
      await stageDone("momentum");
      overlay = updated.overlay ?? undefined;
    }

    // patch: only when something failed
    let patched: { outcome: PatchOutcome | null; version: string | null } = { outcome: null, version: null };
    const failureDiagnoses = diagnoses.filter((d) => d.signal === "failure");
    if (failureDiagnoses.length > 0) {
      await emit({ type: "stage", stage: "patch", iteration });
      const newVersion = versionId(iteration);
      patched = await once(join(dir, "patch.json"), async () => {
        await rm(join(skillsRoot, newVersion), { recursive: true, force: true });
        await mkdir(join(skillsRoot, newVersion), { recursive: true });
        await cp(skillDir(s.current), skillDir(newVersion), { recursive: true });
        const signals: PatchSignals = overlay ? { overlay, memory: s.memory } : { diagnoses };
        const outcome = await patchSkill({
          model: hub.model("patcher"),
          dir: skillDir(newVersion),
          signals,
          rejected: s.rejected,
          maxAnchors: settings.maxAnchors,
          repairRounds: settings.repairRounds,
        });
        const keep = !outcome.rolledBack && outcome.applied.length > 0;
        if (!keep) await discardVersion(newVersion, dir, outcome.rolledBack ? "rolled-back" : "no-edits");
        return { outcome, version: keep ? newVersion : null };
      });
      await stageDone("patch");
    }

    const summary: PatchSummary | null = patched.outcome
      ? {
          iteration,
          notes: patched.outcome.notes,
          edits: patched.outcome.applied.map((e) => ({
            pattern: e.pattern,
            anchor: e.anchor,
            why: e.why,
            op: e.edit.op,
          })),
        }
      : null;

    // bootstrap the memory after the first patch, as published
    if (settings.momentum && iteration === 1 && diagnoses.length > 0) {
      await emit({ type: "stage", stage: "momentum", iteration });
      const boot = await momentumStage(dir, iteration, diagnoses, skill, summary ? [summary] : []);
      s.memory = boot.memory;
      await stageDone("momentum");
    }
    if (summary && patched.version) {
      s.memory = recordRemedies(s.memory, summary, diagnoses);
      s.patches = [...s.patches.filter((p) => p.iteration !== iteration), summary];
    }

    // gate and best-version choice
    if (patched.version) {
      const version = patched.version;
      const newSkill = await loadSkill(skillDir(version));
      const record: VersionRecord = {
        id: version,
        hash: skillHash(newSkill),
        iteration,
        parent: s.current,
        validation: null,
      };
      const gate = await once(join(dir, "gate.json"), async () => {
        const score =
          settings.gate !== "none" || split.validation.length > 0 ? await validate(version) : null;
        const currentScore = s.versions.find((v) => v.id === s.current)?.validation ?? null;
        const accepted = gateAccepts(settings.gate, score, currentScore);
        return { version, score, currentScore, gate: settings.gate, accepted };
      });
      await stageDone("gate");
      record.validation = gate.score;
      if (gate.accepted) {
        s.versions.push(record);
        s.current = version;
        const best = s.versions.find((v) => v.id === s.best);
        if (record.validation !== null && (best?.validation ?? -1) <= record.validation) s.best = version;
        if (split.validation.length === 0) s.best = version;
      } else {
        await discardVersion(version, dir, "rejected");
        s.rejected = s.rejected.filter((r) => r.iteration !== iteration);
        s.rejected.push(
          ...(patched.outcome?.applied ?? []).map((e) => ({
            iteration,
            pattern: e.pattern,
            anchor: e.anchor,
            edit: e.edit,
            reason: `the gate (${settings.gate}) rejected this version: validation ${gate.score} vs ${gate.currentScore}`,
          })),
        );
      }
    }

    for (const result of executed.results) {
      if (!result.pass) {
        s.failedBefore[result.taskId] = {
          trajectory: result.trajectory,
          result: join(sub, "execute", "evaluation.json"),
          version: s.current,
        };
      }
    }
    s.cleanStreak = failures.length === 0 ? s.cleanStreak + 1 : 0;
    s.iteration = iteration;
    delete s.stage;
    await save();
    await emit({
      type: "iteration-done",
      iteration,
      failures: failures.length,
      batch: batch.length,
      version: s.current,
    });
    await input.afterIteration?.(iteration);
  }

  /** One momentum step, saved to momentum.json; an unusable reply keeps the memory as it was. */
  async function momentumStage(
    dir: string,
    iteration: number,
    diagnoses: Diagnosis[],
    skill: Skill,
    patches: PatchSummary[],
  ): Promise<{ memory: PatternMemory; overlay: Overlay | null; error: string | null }> {
    const memory = (state as LoopState).memory;
    return once(join(dir, "momentum.json"), async () => {
      const reply = await updateMomentum(hub.model("momentum"), {
        iteration,
        memory,
        diagnoses,
        skill,
        patches,
      });
      return reply.ok ? { ...reply.value, error: null } : { memory, overlay: null, error: reply.error };
    });
  }

  async function discardVersion(version: string, iterDir: string, why: string): Promise<void> {
    const from = join(skillsRoot, version);
    const to = join(iterDir, `${why}-skill`);
    await rm(to, { recursive: true, force: true });
    await rename(from, to).catch(() => rm(from, { recursive: true, force: true }));
  }

  async function readTrajectory(path: string): Promise<Trajectory> {
    return JSON.parse(await readFile(join(folder.dir, path), "utf8")) as Trajectory;
  }

  async function readEarlierResult(evaluationFile: string, taskId: string): Promise<TaskResult | undefined> {
    const evaluation = JSON.parse(await readFile(join(folder.dir, evaluationFile), "utf8")) as EvalOutput;
    return evaluation.results.find((r) => r.taskId === taskId && !r.pass);
  }
}
