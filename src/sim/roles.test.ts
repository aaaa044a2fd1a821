import { describe, expect, it } from "vitest";
import { ROLE_TOOL } from "../optimizer/agent/skill-tools.js";
import { PROMPTS, renderPrompt } from "../optimizer/prompts.js";
import { diagnosisReply, momentumReply } from "../optimizer/records.js";
import { jsonBlock } from "../optimizer/render.js";
import type { Conversation } from "./conversation.js";
import { promptSections, readPromptSkill, readRenderedTrajectory } from "./prompt-reading.js";
import { type SimStep, simRoleStep } from "./roles.js";

const settings = { noise: 0, seed: 1 };

const SKILL_MD = [
  "---",
  "name: demo",
  "description: Demo skill.",
  "---",
  "",
  "# Demo",
  "",
  "## Workflow",
  "",
  "1. Open the file.",
  "",
  "## Grader feedback",
  "",
  "A section whose heading looks like a prompt section.",
].join("\n");

const TRAJECTORY = [
  'step 1 calls activate_skill {"name":"demo"}\n  → # Skill: demo\n    ## Workflow\n    1. Open the file.',
  'step 2 calls read_skill_file {"path":"references/dates.md"}\n  → # Dates',
  'step 3 calls read_file {"path":"budget.csv"}\n  → item,cost\n    a,4\n    b,6\n    Total,10',
  'final answer: "20" (answered)',
].join("\n");

function failurePromptText(task: string): string {
  return [
    "## Task (id t-1)",
    task,
    "## Grader feedback",
    'expected 10, got "20" (off by 10, tolerance 0.005)',
    "## Trajectory",
    TRAJECTORY,
    "## Skill the agent had",
    `### SKILL.md\n\n${SKILL_MD}\n\n### Other files\n- references/dates.md (9 bytes)`,
  ].join("\n\n");
}

/** A role conversation: the system prompt, the user message, and the tool calls made so far with results. */
function conversation(
  system: string,
  user: string,
  done: Array<[string, Record<string, unknown>, string]>,
): Conversation {
  const calls = done.map(([name, input], i) => ({ id: `c${i}`, name, input }));
  return {
    system,
    userText: user,
    userMessages: [user],
    calls,
    results: new Map(done.map(([, , output], i) => [`c${i}`, output])),
  };
}

/** Plays a role to its submit call, answering its tool calls from `answer`. */
function play(system: string, user: string, answer: (step: SimStep & { tool: string }) => string) {
  const done: Array<[string, Record<string, unknown>, string]> = [];
  for (let turn = 0; turn < 20; turn++) {
    const step = simRoleStep(conversation(system, user, done), settings);
    if (!step || !("tool" in step)) throw new Error("the role did not call a tool");
    if (step.tool.startsWith("submit_")) return { record: step.input, calls: done.map(([name]) => name) };
    done.push([step.tool, step.input, answer(step)]);
  }
  throw new Error("no record after 20 turns");
}

describe("reading the optimizer's prompts (sim model)", () => {
  it("finds sections even when a quoted skill has a heading like a later section", () => {
    const sections = promptSections(failurePromptText("the task"), [
      "Task (id",
      "Grader feedback",
      "Trajectory",
      "Skill the agent had",
    ]);
    expect(sections.get("Task (id")?.heading).toBe("Task (id t-1)");
    expect(sections.get("Grader feedback")?.body).toBe('expected 10, got "20" (off by 10, tolerance 0.005)');
    expect(sections.get("Skill the agent had")?.body).toContain("## Grader feedback");
  });

  it("reads tool calls, their results and the answer off a rendered trajectory", () => {
    const trajectory = readRenderedTrajectory(TRAJECTORY);
    expect(trajectory.calls.map((call) => call.name)).toEqual([
      "activate_skill",
      "read_skill_file",
      "read_file",
    ]);
    expect(trajectory.calls[2]?.output).toBe("item,cost\na,4\nb,6\nTotal,10");
    expect(trajectory.answer).toBe('"20" (answered)');
  });

  it("reads SKILL.md and the file list of a prompt's skill", () => {
    const skill = readPromptSkill(
      `### SKILL.md\n\n${SKILL_MD}\n\n### Other files\n- references/dates.md (9 bytes)`,
    );
    expect(skill.source).toBe(SKILL_MD);
    expect(skill.files).toEqual(["references/dates.md"]);
  });
});

describe("the sim model's roles, through their tools", () => {
  it("the diagnoser reads the evidence with its tools, then submits a record its schema accepts", () => {
    const user = failurePromptText(
      'budget.csv lists costs. What is the total of the "cost" column? Answer with the number only.',
    );
    const { record, calls } = play(renderPrompt(PROMPTS.diagnoseFailure), user, (step) => {
      if (step.tool === ROLE_TOOL.readGraderOutput)
        return 'pass: false\nscore: 0\noutcome: answered\nanswer: "20"\nfeedback: expected 10, got "20" (off by 10, tolerance 0.005)';
      if (step.tool === ROLE_TOOL.readTrajectory) return TRAJECTORY;
      return "# Dates\n\nnothing about totals";
    });
    expect(calls).toEqual([ROLE_TOOL.readGraderOutput, ROLE_TOOL.readTrajectory]);
    const diagnosis = diagnosisReply.parse(record);
    expect(diagnosis.correctApproach).toBe("Rule: skip-rows Total in column item");
    expect(diagnosis.label).toBe("Summary rows counted as data");
    expect(diagnosis.cause).toContain("read references/dates.md");

    const momentumUser = `## Iteration 2\n\n## Pattern memory\n\n${jsonBlock({ patterns: [] })}\n\n## Diagnoses this iteration\n\n${jsonBlock([{ taskId: "t-1", signal: "failure", ...diagnosis }])}\n\n## Skill outline\n\nanchors: section:workflow\n\nfiles:\nSKILL.md (120 bytes)\n\n## Patches so far\n\n(none yet)`;
    const momentum = play(renderPrompt(PROMPTS.momentum), momentumUser, () => SKILL_MD);
    expect(momentum.calls).toEqual([ROLE_TOOL.readSkillFile]);
    const reply = momentumReply.parse(momentum.record);
    expect(reply.memory.patterns[0]?.anchor).toBe("references/summary-rows-counted-as-data.md");
    expect(reply.memory.patterns[0]?.action).toContain("Rule: skip-rows Total in column item");
    expect(reply.overlay.entries[0]?.direction).toBe("add");
  });

  it("the diagnoser cannot name a rule when its tools show the evidence withheld", () => {
    const user = failurePromptText(
      'budget.csv lists costs. What is the total of the "cost" column? Answer with the number only.',
    );
    const { record } = play(renderPrompt(PROMPTS.diagnoseFailure), user, () => "(withheld)");
    expect(diagnosisReply.parse(record).correctApproach).not.toContain("Rule:");
  });

  it("leaves prompts of other roles alone", () => {
    expect(simRoleStep(conversation("You are a poet.", "hello", []), settings)).toBeUndefined();
  });

  it("says plainly when a prompt's JSON no longer fits what it reads", () => {
    const broken = '## Iteration 1\n\n## Pattern memory\n\n```json\n{"patterns": 3}\n```';
    expect(() => simRoleStep(conversation(renderPrompt(PROMPTS.momentum), broken, []), settings)).toThrow(
      /could not read the momentum prompt/,
    );
  });
});
