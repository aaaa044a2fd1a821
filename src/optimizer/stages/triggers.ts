import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cp, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { askJson } from "../../compare/ask.js";
import { builtinExecutor } from "../../executor/builtin/index.js";
import { once } from "../../runs/once.js";
import { applyEdit, loadSkill } from "../../skill/index.js";
import { evaluateTriggers } from "../../triggers/evaluate.js";
import type { EvaluationFile } from "../../triggers/optimize/loop.js";
import { diagnosisPrompt, patchPrompt } from "../../triggers/optimize/prompts.js";
import {
  descriptionReply,
  type RejectedDescription,
  type TriggerDiagnosis,
  triggerDiagnosisReply,
} from "../../triggers/optimize/records.js";
import { triggerPrompt } from "../../triggers/prompts.js";
import type { JointTriggers } from "../../triggers/types.js";
import type { OptimizeInput } from "../types.js";
import type { StageContext } from "./context.js";

/**
 * Joint optimization (`optimize --trigger-queries`): mis-triggers join the loss. Each iteration the
 * current version's trigger mistakes on the training queries are diagnosed (the trigger diagnoser),
 * the description editor rewrites the H layer of the new version with `set_description`, and the
 * gate also asks that held-out trigger F1 does not drop. Every record is saved and read back on resume.
 */

export type { JointTriggers };

const PATIENCE = 1;

/** A version's triggering on the training or held-out queries, evaluated once (triggers/<version>/<set>/). */
export function versionTriggers(
  input: OptimizeInput,
  skillDir: string,
  version: string,
  set: "train" | "heldout",
): Promise<EvaluationFile> {
  const triggers = input.triggers as JointTriggers;
  const subdir = join("triggers", version, set);
  return once(join(input.folder.dir, subdir, "evaluation.json"), async () => {
    await rm(join(input.folder.dir, subdir), { recursive: true, force: true });
    const ids = new Set(set === "train" ? triggers.split.train : triggers.split.heldout);
    input.hub.setStage("trigger-probe");
    return evaluateTriggers({
      queries: triggers.queries.filter((q) => ids.has(q.id)),
      skill: await loadSkill(skillDir),
      library: triggers.library,
      executor: input.executor ?? builtinExecutor(input.hub, input.executorModel),
      executorModel: input.executorModel,
      hub: input.hub,
      folder: input.folder,
      subdir,
      repeat: triggers.repeat,
      concurrency: input.settings.concurrency,
      patience: PATIENCE,
      sandbox: input.settings.sandbox,
      maxTurns: input.settings.maxTurns,
      commandTimeoutSec: input.settings.commandTimeoutSec,
      taskTimeoutSec: input.settings.taskTimeoutSec,
    });
  });
}

/** The trigger part of an iteration's loss and its diagnosis (trigger-diagnosis.json). */
export interface TriggerLossRecord {
  version: string;
  /** Training queries that went the wrong way. */
  wrong: string[];
  diagnosis: TriggerDiagnosis | null;
  error: string | null;
}

export async function triggerLossStage(ctx: StageContext, version: string): Promise<TriggerLossRecord> {
  const { input } = ctx;
  const triggers = input.triggers as JointTriggers;
  const train = await versionTriggers(input, ctx.skillDir(version), version, "train");
  return once(join(ctx.dir, "trigger-diagnosis.json"), async (): Promise<TriggerLossRecord> => {
    const wrong = train.summary.queries.filter((q) => q.wrong);
    if (wrong.length === 0) return { version, wrong: [], diagnosis: null, error: null };
    input.hub.setStage("trigger-diagnose");
    const skill = await loadSkill(ctx.skillDir(version));
    const asked = await askJson(
      input.hub.model("diagnoser"),
      triggerPrompt("diagnose"),
      diagnosisPrompt(
        { name: skill.name, description: skill.description },
        triggers.library.map((s) => ({ name: s.name, description: s.description })),
        train.summary.queries,
      ),
      triggerDiagnosisReply,
    );
    return {
      version,
      wrong: wrong.map((q) => q.id),
      diagnosis: asked.ok ? asked.value : null,
      error: asked.ok ? null : asked.error,
    };
  });
}

/** What the description editor did this iteration (trigger-patch.json). */
export interface DescribeRecord {
  /** The version whose description it rewrote (the body patch's, or a copy of the current one). */
  version: string;
  applied: boolean;
  description?: string;
  why?: string;
  reason?: string;
}

/** Descriptions this run tried and its gate turned down, for the editor not to repeat them. */
function rejectedDescriptions(runDir: string): RejectedDescription[] {
  const root = join(runDir, "iterations");
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .flatMap((name) => {
      const gate = join(root, name, "trigger-gate.json");
      if (!existsSync(gate)) return [];
      const record = JSON.parse(readFileSync(gate, "utf8")) as TriggerGateRecord;
      return record.accepted || !record.description
        ? []
        : [
            {
              iteration: Number(name),
              description: record.description,
              heldoutF1: record.heldoutF1,
              reason: record.reason,
            },
          ];
    });
}

/**
 * The H layer's step: the description editor rewrites the description of `target` (a new version
 * made by the body patch, or — when there was none — a copy of the current one) through the confined
 * set_description edit.
 */
export async function describeStage(
  ctx: StageContext,
  args: { from: string; target: string; targetExists: boolean; diagnosis: TriggerDiagnosis },
): Promise<DescribeRecord> {
  const { input } = ctx;
  const triggers = input.triggers as JointTriggers;
  return once(join(ctx.dir, "trigger-patch.json"), async (): Promise<DescribeRecord> => {
    const targetDir = ctx.skillDir(args.target);
    if (!args.targetExists) {
      await rm(join(targetDir, ".."), { recursive: true, force: true });
      await mkdir(join(targetDir, ".."), { recursive: true });
      await cp(ctx.skillDir(args.from), targetDir, { recursive: true });
    }
    const skill = await loadSkill(targetDir);
    input.hub.setStage("trigger-patch");
    const asked = await askJson(
      input.hub.model("patcher"),
      triggerPrompt("patch"),
      patchPrompt(
        { name: skill.name, description: skill.description },
        triggers.library.map((s) => ({ name: s.name, description: s.description })),
        args.diagnosis,
        rejectedDescriptions(input.folder.dir),
      ),
      descriptionReply,
    );
    const refuse = async (reason: string): Promise<DescribeRecord> => {
      if (!args.targetExists) await rm(join(targetDir, ".."), { recursive: true, force: true });
      return { version: args.target, applied: false, reason };
    };
    if (!asked.ok) return refuse(`the editor's reply could not be used: ${asked.error}`);
    const description = asked.value.description.replace(/\s+/g, " ").trim();
    if (description === skill.description.replace(/\s+/g, " ").trim())
      return refuse("the editor proposed the current description again");
    const edit = await applyEdit(targetDir, { op: "set_description", description });
    if (!edit.ok) return refuse(`the edit was refused: ${edit.reason}`);
    return { version: args.target, applied: true, description, why: asked.value.why };
  });
}

/** The trigger side of the gate (trigger-gate.json): held-out trigger F1 may not drop. */
export interface TriggerGateRecord {
  version: string;
  description: string;
  heldoutF1: number | null;
  currentHeldoutF1: number | null;
  accepted: boolean;
  reason: string;
}

export async function triggerGateStage(
  ctx: StageContext,
  args: { version: string; current: string },
): Promise<TriggerGateRecord> {
  const { input } = ctx;
  return once(join(ctx.dir, "trigger-gate.json"), async (): Promise<TriggerGateRecord> => {
    const candidate = await versionTriggers(input, ctx.skillDir(args.version), args.version, "heldout");
    const current = await versionTriggers(input, ctx.skillDir(args.current), args.current, "heldout");
    const score = candidate.summary.metrics.f1;
    const before = current.summary.metrics.f1;
    const accepted = input.settings.gate === "none" || (score ?? 0) >= (before ?? 0);
    return {
      version: args.version,
      description: candidate.summary.skill.description,
      heldoutF1: score,
      currentHeldoutF1: before,
      accepted,
      reason:
        input.settings.gate === "none"
          ? "no gate"
          : `held-out trigger F1 ${score ?? "—"} against ${before ?? "—"} (may not drop)`,
    };
  });
}
