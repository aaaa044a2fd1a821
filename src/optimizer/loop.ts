import { cp, mkdir, rename, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { BudgetExceededError } from "../models/index.js";
import type { RunEvent } from "../runs/events.js";
import { humanNotesFor } from "../runs/feedback.js";
import { once } from "../runs/once.js";
import { recordEvent } from "../runs/run-folder.js";
import { loadSkill, type Skill, saveSkillVersion, skillHash } from "../skill/index.js";
import type { Task } from "../tasks/types.js";
import { seededRandom, shuffled } from "../util/random.js";
import { evaluateVersion } from "./evaluate-version.js";
import type { Diagnosis, MissingDiagnosis, Overlay, PatternMemory } from "./records.js";
import { agentsDirOf, type StageContext } from "./stages/context.js";
import { diagnoseAll, isMissing } from "./stages/diagnose.js";
import { executeStage } from "./stages/execute.js";
import { type GateRecord, gateStage } from "./stages/gate.js";
import { type PatchSummary, recordRemedies, updateMomentum } from "./stages/momentum.js";
import { type PatchOutcome, type PatchSignals, patchSkill } from "./stages/patch.js";
import { describeStage, triggerGateStage, triggerLossStage, versionTriggers } from "./stages/triggers.js";
import {
  initialState,
  iterationDir,
  type LoopState,
  readState,
  saveState,
  type VersionRecord,
  versionId,
} from "./state.js";
import type { OptimizeInput, OptimizeSettings } from "./types.js";

export type { Gate, OptimizeInput, OptimizeSettings, TaskSplit } from "./types.js";

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

/** A momentum step's saved output (momentum.json); an unusable reply keeps the memory as it was. */
interface MomentumRecord {
  memory: PatternMemory;
  overlay: Overlay | null;
  error: string | null;
  /** The skill version the keeper read (the bootstrap reads the one after the first patch). */
  skillVersion?: string;
}

/**
 * The SkillGrad loop. Each iteration runs its stages in order — execute (forward pass, loss, classify)
 * → diagnose → momentum → patch → gate — each a module under stages/ that takes the context and its
 * input and returns a record. Every record is saved in iterations/NNN/, and state.json after every
 * stage, so a killed run resumes where it stopped.
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
  const emit = async (event: RunEvent) => {
    if (event.type === "stage") hub.setStage(event.stage);
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

  // A finished run (every batch, or an early stop) trains no further: a resume only completes its end.
  if (state.status === "done") return { state, skillDir };

  try {
    // Validation score of the seed, for the gate and for choosing the best version.
    const seedRecord = state.versions[0] as VersionRecord;
    if (seedRecord.validation === null && split.validation.length > 0) {
      await emit({ type: "stage", stage: "validate", version: "v000" });
      const evaluation = await evaluateVersion(
        input,
        join("validation", "v000"),
        split.validation,
        skillDir("v000"),
      );
      seedRecord.validation = evaluation.summary.passRate;
      await save();
    }

    // Base trajectories of the seed on the pool (its own turn limit); the training set comes from them.
    if (!state.trainIds) {
      await emit({ type: "stage", stage: "base" });
      const base = await evaluateVersion(input, "base", split.pool, skillDir("v000"), {
        maxTurns: settings.baseMaxTurns,
      });
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

    // joint optimization: the seed's triggering on both sets of trigger queries
    if (input.triggers) {
      await versionTriggers(input, skillDir("v000"), "v000", "train");
      await versionTriggers(input, skillDir("v000"), "v000", "heldout");
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
    const ctx: StageContext = {
      input,
      iteration,
      dir,
      sub: relative(folder.dir, dir),
      agentsDir: agentsDirOf(dir),
      skillDir,
      emit,
    };
    await mkdir(ctx.agentsDir, { recursive: true });
    await once(join(dir, "batch.json"), async () => ({
      iteration,
      tasks: batch.map((t) => t.id),
      version: s.current,
    }));

    // forward pass, loss, and the classification into failures and contrastive successes
    await emit({ type: "stage", stage: "execute", iteration });
    const { executed, items } = await executeStage(ctx, {
      batch,
      version: s.current,
      failedBefore: s.failedBefore,
      contrastive: settings.contrastive,
    });
    await stageDone("execute");
    const failures = executed.results.filter((r) => !r.pass);
    // joint optimization: the current version's mis-triggers, diagnosed for the H layer
    const triggerLoss = input.triggers ? await triggerLossStage(ctx, s.current) : null;

    // a person's notes on these tasks (--feedback) go to the diagnoser with them, marked human
    for (const item of items) {
      const notes = humanNotesFor(input.feedback, item.task.id);
      if (notes.length > 0) item.human = notes;
    }

    // per-example gradients
    await emit({ type: "stage", stage: "diagnose", iteration, items: items.length });
    const skill = await loadSkill(skillDir(s.current));
    const diagnosed = await once(join(dir, "diagnoses.json"), async () =>
      diagnoseAll(items, {
        model: hub.model("diagnoser"),
        skill,
        iteration,
        concurrency: settings.concurrency,
        maxTurns: settings.diagnoserTurns,
        transcriptDir: ctx.agentsDir,
        withholdEvidence: input.withholdEvidence,
      }),
    );
    const diagnoses = diagnosed.filter((d): d is Diagnosis => !isMissing(d as Diagnosis | MissingDiagnosis));
    await stageDone("diagnose");

    // momentum: from the second iteration (the memory is bootstrapped after the first patch)
    let overlay: Overlay | undefined;
    if (settings.momentum && iteration >= 2 && diagnoses.length > 0) {
      await emit({ type: "stage", stage: "momentum", iteration });
      const updated = await momentumStage(ctx, diagnoses, skill, s.current);
      s.memory = updated.memory;
      await stageDone("momentum");
      overlay = updated.overlay ?? undefined;
    }

    // patch: after failures, and after contrastive successes alone (robust wins are kept or strengthened)
    let patched: { outcome: PatchOutcome | null; version: string | null } = { outcome: null, version: null };
    if (diagnoses.length > 0) {
      await emit({ type: "stage", stage: "patch", iteration });
      const newVersion = versionId(iteration);
      patched = await once(join(dir, "patch.json"), async () => {
        await rm(join(skillsRoot, newVersion), { recursive: true, force: true });
        await mkdir(join(skillsRoot, newVersion), { recursive: true });
        await cp(skillDir(s.current), skillDir(newVersion), { recursive: true });
        // the raw diagnoses always, beside the overlay and memory when momentum gives them
        const signals: PatchSignals = overlay ? { diagnoses, overlay, memory: s.memory } : { diagnoses };
        const outcome = await patchSkill({
          model: hub.model("patcher"),
          dir: skillDir(newVersion),
          signals,
          rejected: s.rejected,
          maxAnchors: settings.maxAnchors,
          repairRounds: settings.repairRounds,
          maxTurns: settings.patcherTurns,
          transcriptDir: ctx.agentsDir,
          name: `patch-${String(iteration).padStart(3, "0")}`,
        });
        const keep = !outcome.rolledBack && outcome.applied.length > 0;
        if (!keep) await discardVersion(newVersion, dir, outcome.rolledBack ? "rolled-back" : "no-edits");
        return { outcome, version: keep ? newVersion : null };
      });
      await stageDone("patch");
    }

    // the H layer: the description editor answers the trigger diagnosis on the new version (or a copy)
    let candidate = patched.version;
    const triggerDiagnosis = triggerLoss?.diagnosis;
    if (triggerDiagnosis && triggerDiagnosis.missed.length + triggerDiagnosis.falseTriggers.length > 0) {
      const target = candidate ?? versionId(iteration);
      const described = await describeStage(ctx, {
        from: s.current,
        target,
        targetExists: candidate !== null,
        diagnosis: triggerDiagnosis,
      });
      if (described.applied) candidate = target;
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

    // bootstrap the memory after the first patch, as published: the keeper reads the patched skill
    if (settings.momentum && iteration === 1 && diagnoses.length > 0) {
      await emit({ type: "stage", stage: "momentum", iteration });
      const version = patched.version ?? s.current;
      const boot = await momentumStage(ctx, diagnoses, await loadSkill(skillDir(version)), version, summary);
      s.memory = boot.memory;
      await stageDone("momentum");
    }

    // gate and best-version choice
    let accepted = false;
    if (candidate) {
      const version = candidate;
      const newSkill = await loadSkill(skillDir(version));
      const record: VersionRecord = {
        id: version,
        hash: skillHash(newSkill),
        iteration,
        parent: s.current,
        validation: null,
      };
      const currentScore = s.versions.find((v) => v.id === s.current)?.validation ?? null;
      await emit({ type: "stage", stage: "gate", iteration, version });
      const gate: GateRecord = await once(join(dir, "gate.json"), () =>
        gateStage(ctx, { version, currentScore }),
      );
      await stageDone("gate");
      record.validation = gate.score;
      accepted = gate.accepted;
      // joint optimization: the held-out trigger F1 may not drop either
      const triggerGate =
        accepted && input.triggers ? await triggerGateStage(ctx, { version, current: s.current }) : undefined;
      if (triggerGate) accepted = triggerGate.accepted;
      if (accepted) {
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
            reason: triggerGate
              ? `the gate rejected this version: ${triggerGate.reason}`
              : `the gate (${settings.gate}) rejected this version: validation ${gate.score} vs ${gate.currentScore}`,
          })),
        );
      }
    }

    // only a patch the gate kept is a remedy, and only for the patterns its edits served
    if (summary && accepted) {
      s.memory = recordRemedies(s.memory, summary, diagnoses);
      s.patches = [...s.patches.filter((p) => p.iteration !== iteration), summary];
    }

    for (const result of executed.results) {
      if (!result.pass) {
        s.failedBefore[result.taskId] = {
          trajectory: result.trajectory,
          result: join(ctx.sub, "execute", "evaluation.json"),
          version: s.current,
        };
      }
    }
    // with trigger queries, a clean batch also leaves no training query triggering the wrong way
    const clean = failures.length === 0 && (triggerLoss?.wrong.length ?? 0) === 0;
    s.cleanStreak = clean ? s.cleanStreak + 1 : 0;
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
    ctx: StageContext,
    diagnoses: Diagnosis[],
    skill: Skill,
    skillVersion: string,
    bootstrapPatch?: PatchSummary | null,
  ): Promise<MomentumRecord> {
    const s = state as LoopState;
    const memory = s.memory;
    const patches = bootstrapPatch === undefined ? s.patches : bootstrapPatch ? [bootstrapPatch] : [];
    return once(join(ctx.dir, "momentum.json"), async (): Promise<MomentumRecord> => {
      const reply = await updateMomentum(
        hub.model("momentum"),
        { iteration: ctx.iteration, memory, diagnoses, skill, patches },
        { maxTurns: settings.momentumTurns, transcriptDir: ctx.agentsDir },
      );
      return reply.ok
        ? { ...reply.value, error: null, skillVersion }
        : { memory, overlay: null, error: reply.error, skillVersion };
    });
  }

  async function discardVersion(version: string, iterDir: string, why: string): Promise<void> {
    const from = join(skillsRoot, version);
    const to = join(iterDir, `${why}-skill`);
    await rm(to, { recursive: true, force: true });
    await rename(from, to).catch(() => rm(from, { recursive: true, force: true }));
  }
}
