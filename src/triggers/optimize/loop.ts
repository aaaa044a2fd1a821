import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { askJson } from "../../compare/ask.js";
import type { Executor, ExecutorChoice } from "../../executor/types.js";
import { BudgetExceededError, type ModelHub } from "../../models/index.js";
import { once } from "../../runs/once.js";
import { type RunFolder, recordEvent } from "../../runs/run-folder.js";
import type { SandboxMode } from "../../sandbox/index.js";
import { applyEdit, loadSkill, type Skill, saveSkillVersion, skillHash } from "../../skill/index.js";
import { writeJsonAtomic } from "../../util/fs.js";
import { triggerPrompt } from "../prompts.js";
import type { TriggerSplit } from "../split.js";
import type { ProbeRecord, TriggerEvalSummary, TriggerMetrics, TriggerQuery } from "../types.js";
import { diagnosisPrompt, patchPrompt } from "./prompts.js";
import {
  type DescriptionReply,
  descriptionReply,
  type RejectedDescription,
  type TriggerDiagnosis,
  triggerDiagnosisReply,
} from "./records.js";
import { evaluateTriggerVersion, versionSkillDir } from "./versions.js";

export type TriggerGate = "none" | "nonneg" | "strict";

export interface TriggerOptimizeSettings {
  seed: number;
  /** Share of the queries held out (stratified by kind). */
  holdout: number;
  iterations: number;
  repeat: number;
  patience: number;
  concurrency: number;
  /** How a candidate description replaces the current one, by held-out F1. */
  gate: TriggerGate;
  sandbox: SandboxMode;
  maxTurns: number;
  commandTimeoutSec: number;
  taskTimeoutSec: number;
  executor: ExecutorChoice;
}

export interface TriggerOptimizeInput {
  folder: RunFolder;
  hub: ModelHub;
  executor: Executor;
  executorModel: string;
  seedSkillDir: string;
  library: Skill[];
  queries: TriggerQuery[];
  split: TriggerSplit;
  /** A separate query set never used for choosing: seed and best are measured on it at the end. */
  testQueries?: TriggerQuery[];
  settings: TriggerOptimizeSettings;
  afterIteration?: (iteration: number) => Promise<void>;
}

export interface TriggerVersion {
  id: string;
  hash: string;
  description: string;
  iteration: number;
  parent: string | null;
  train: TriggerMetrics;
  heldout: TriggerMetrics;
  accepted: boolean;
}

/** The trigger optimizer's checkpoint (state.json), written after every stage. */
export interface TriggerState {
  format: 1;
  kind: "triggers";
  status: "running" | "done" | "stopped";
  stoppedBy?: "iterations" | "clean" | "no-progress" | "budget";
  stopReason?: string;
  /** The last iteration whose every stage is done. */
  iteration: number;
  current: string;
  best: string;
  /** Every version made, the seed first; rejected candidates too (accepted: false). */
  versions: TriggerVersion[];
  rejected: RejectedDescription[];
}

export interface EvaluationFile {
  summary: TriggerEvalSummary;
  probes: ProbeRecord[];
}

const versionId = (iteration: number) => `v${String(iteration).padStart(3, "0")}`;

const f1 = (metrics: TriggerMetrics | undefined) => metrics?.f1 ?? 0;

export function gateAccepts(gate: TriggerGate, candidate: number, current: number): boolean {
  if (gate === "none") return true;
  return gate === "strict" ? candidate > current : candidate >= current;
}

/**
 * Description optimization: each iteration diagnoses the current version's mistakes on the training
 * queries (the missed ones, the false triggers, the competing descriptions), has the editor propose a
 * new description through the confined `set_description` edit, re-evaluates the candidate on the
 * training and held-out queries, and keeps it when the gate allows; the best version is the one with
 * the highest held-out F1. Every stage is saved, so a stopped run resumes where it was.
 */
export async function runTriggerLoop(input: TriggerOptimizeInput): Promise<TriggerState> {
  const { folder, hub, settings } = input;
  const seedSkill = await loadSkill(input.seedSkillDir);
  const skillDir = (version: string) => versionSkillDir(folder.dir, seedSkill.name, version);
  const byId = new Map(input.queries.map((q) => [q.id, q]));
  const trainQueries = input.split.train.map((id) => byId.get(id) as TriggerQuery);
  const heldoutQueries = input.split.heldout.map((id) => byId.get(id) as TriggerQuery);
  const competitors = input.library.map((s) => ({ name: s.name, description: s.description }));
  const statePath = folder.state;
  const save = (state: TriggerState) => writeJsonAtomic(statePath, state);

  const evaluateVersion = (version: string, set: "train" | "heldout", queries: TriggerQuery[]) =>
    evaluateTriggerVersion(input, skillDir(version), version, set, queries);

  let state: TriggerState;
  if (existsSync(statePath)) {
    state = JSON.parse(readFileSync(statePath, "utf8")) as TriggerState;
    if (state.status === "done") return state;
    state.status = "running";
    delete state.stoppedBy;
    delete state.stopReason;
  } else {
    await rm(join(folder.dir, "skills", "v000"), { recursive: true, force: true });
    await mkdir(join(folder.dir, "skills", "v000"), { recursive: true });
    await saveSkillVersion(seedSkill, skillDir("v000"));
    state = {
      format: 1,
      kind: "triggers",
      status: "running",
      iteration: 0,
      current: "v000",
      best: "v000",
      versions: [],
      rejected: [],
    };
    await save(state);
  }

  try {
    if (state.versions.length === 0) {
      await recordEvent(folder, { type: "trigger-stage", stage: "seed" });
      const train = await evaluateVersion("v000", "train", trainQueries);
      const heldout = await evaluateVersion("v000", "heldout", heldoutQueries);
      state.versions.push({
        id: "v000",
        hash: skillHash(seedSkill),
        description: seedSkill.description,
        iteration: 0,
        parent: null,
        train: train.summary.metrics,
        heldout: heldout.summary.metrics,
        accepted: true,
      });
      await save(state);
    }
    for (let iteration = state.iteration + 1; iteration <= settings.iterations; iteration++) {
      const stop = await runIteration(iteration);
      if (stop) {
        state.stoppedBy = stop.by;
        state.stopReason = stop.reason;
        break;
      }
    }
    state.status = "done";
    state.stoppedBy ??= "iterations";
    await save(state);
  } catch (error) {
    if (!(error instanceof BudgetExceededError)) throw error;
    state.status = "stopped";
    state.stoppedBy = "budget";
    state.stopReason = error.message;
    await save(state);
    await recordEvent(folder, { type: "stopped", reason: error.message });
  }
  return state;

  async function runIteration(
    iteration: number,
  ): Promise<{ by: TriggerState["stoppedBy"]; reason: string } | null> {
    const dir = join(folder.dir, "iterations", String(iteration).padStart(3, "0"));
    await mkdir(dir, { recursive: true });
    const current = state.versions.find((v) => v.id === state.current) as TriggerVersion;
    const trained = await evaluateVersion(current.id, "train", trainQueries);
    const wrong = trained.summary.queries.filter((q) => q.wrong);
    if (wrong.length === 0) return { by: "clean", reason: "no training query goes the wrong way" };

    await recordEvent(folder, { type: "trigger-stage", stage: "diagnose", iteration });
    hub.setStage("diagnose");
    const skill = { name: seedSkill.name, description: current.description };
    const diagnosed = await once(join(dir, "diagnosis.json"), async () => {
      const asked = await askJson(
        hub.model("diagnoser"),
        triggerPrompt("diagnose"),
        diagnosisPrompt(skill, competitors, trained.summary.queries),
        triggerDiagnosisReply,
      );
      return asked.ok
        ? { version: current.id, diagnosis: asked.value as TriggerDiagnosis, error: null }
        : { version: current.id, diagnosis: null, error: asked.error };
    });
    if (!diagnosed.diagnosis) {
      return { by: "no-progress", reason: `the diagnoser's reply could not be used: ${diagnosed.error}` };
    }

    await recordEvent(folder, { type: "trigger-stage", stage: "patch", iteration });
    hub.setStage("patch");
    const id = versionId(iteration);
    const patched = await once(join(dir, "patch.json"), async () => {
      const asked = await askJson(
        hub.model("patcher"),
        triggerPrompt("patch"),
        patchPrompt(skill, competitors, diagnosed.diagnosis as TriggerDiagnosis, state.rejected),
        descriptionReply,
      );
      if (!asked.ok)
        return {
          reply: null,
          applied: false,
          reason: `the editor's reply could not be used: ${asked.error}`,
        };
      const reply: DescriptionReply = asked.value;
      const description = reply.description.replace(/\s+/g, " ").trim();
      if (description === current.description.replace(/\s+/g, " ").trim())
        return { reply, applied: false, reason: "the editor proposed the current description again" };
      await rm(join(folder.dir, "skills", id), { recursive: true, force: true });
      await mkdir(join(folder.dir, "skills", id), { recursive: true });
      await cp(skillDir(current.id), skillDir(id), { recursive: true });
      const edit = await applyEdit(skillDir(id), { op: "set_description", description });
      if (!edit.ok) {
        await rm(join(folder.dir, "skills", id), { recursive: true, force: true });
        return { reply, applied: false, reason: `the edit was refused: ${edit.reason}` };
      }
      return { reply, applied: true, reason: null };
    });
    if (!patched.applied) return { by: "no-progress", reason: patched.reason ?? "no new description" };

    await recordEvent(folder, { type: "trigger-stage", stage: "evaluate", iteration, version: id });
    const candidateTrain = await evaluateVersion(id, "train", trainQueries);
    const candidateHeldout = await evaluateVersion(id, "heldout", heldoutQueries);
    const gate = await once(join(dir, "gate.json"), async () => {
      const score = f1(candidateHeldout.summary.metrics);
      const currentScore = f1(current.heldout);
      return {
        version: id,
        gate: settings.gate,
        heldoutF1: score,
        currentHeldoutF1: currentScore,
        accepted: gateAccepts(settings.gate, score, currentScore),
      };
    });
    const candidate = await loadSkill(
      existsSync(skillDir(id)) ? skillDir(id) : join(dir, "rejected-skill", seedSkill.name),
    );
    const record: TriggerVersion = {
      id,
      hash: skillHash(candidate),
      description: candidate.description,
      iteration,
      parent: current.id,
      train: candidateTrain.summary.metrics,
      heldout: candidateHeldout.summary.metrics,
      accepted: gate.accepted,
    };
    state.versions = [...state.versions.filter((v) => v.id !== id), record];
    if (gate.accepted) {
      state.current = id;
      const best = state.versions.find((v) => v.id === state.best);
      if (f1(record.heldout) >= f1(best?.heldout)) state.best = id;
    } else {
      state.rejected = [
        ...state.rejected.filter((r) => r.iteration !== iteration),
        {
          iteration,
          description: record.description,
          heldoutF1: record.heldout.f1,
          reason: `held-out F1 ${gate.heldoutF1} against ${gate.currentHeldoutF1} (gate ${settings.gate})`,
        },
      ];
      if (existsSync(join(folder.dir, "skills", id))) {
        await rm(join(dir, "rejected-skill"), { recursive: true, force: true });
        await rename(join(folder.dir, "skills", id), join(dir, "rejected-skill"));
      }
    }
    state.iteration = iteration;
    await save(state);
    await recordEvent(folder, {
      type: "trigger-iteration-done",
      iteration,
      version: id,
      accepted: gate.accepted,
      heldoutF1: gate.heldoutF1,
    });
    await input.afterIteration?.(iteration);
    return null;
  }
}
