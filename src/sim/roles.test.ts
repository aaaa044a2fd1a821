import { describe, expect, it } from "vitest";
import { PROMPTS, renderPrompt } from "../optimizer/prompts.js";
import { diagnosisReply, momentumReply } from "../optimizer/records.js";
import { jsonBlock } from "../optimizer/render.js";
import { promptSections, readRenderedSkill, readRenderedTrajectory } from "./prompt-reading.js";
import { simRoleReply } from "./roles.js";

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
  "2. Answer.",
  "",
  "## Grader feedback",
  "",
  "A section whose heading looks like a prompt section.",
].join("\n");

function failurePromptText(task: string): string {
  return [
    "## Task (id t-1)",
    task,
    "## Grader feedback",
    'expected 10, got "20" (off by 10, tolerance 0.005)',
    "## Trajectory",
    'step 1 calls activate_skill {"name":"demo"}\n  → # Skill: demo\n    ## Workflow\n    1. Open the file.',
    'step 2 calls read_skill_file {"path":"references/dates.md"}\n  → # Dates',
    'step 3 calls read_file {"path":"budget.csv"}\n  → item,cost\n    a,4\n    b,6\n    Total,10',
    'final answer: "20" (answered)',
    "## Skill the agent had",
    `### SKILL.md\n\n${SKILL_MD}\n\n### Other files\n- references/dates.md (9 bytes)`,
  ].join("\n\n");
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
    const text = promptSections(failurePromptText("x"), ["Trajectory", "Skill the agent had"]).get(
      "Trajectory",
    )?.body;
    const trajectory = readRenderedTrajectory(text ?? "");
    expect(trajectory.calls.map((call) => call.name)).toEqual([
      "activate_skill",
      "read_skill_file",
      "read_file",
    ]);
    expect(trajectory.calls[0]?.output).toBe("# Skill: demo\n## Workflow\n1. Open the file.");
    expect(trajectory.calls[2]?.output).toBe("item,cost\na,4\nb,6\nTotal,10");
    expect(trajectory.answer).toBe('"20" (answered)');
  });

  it("reads the rendered skill: SKILL.md sections and reference files", () => {
    const skill = readRenderedSkill(
      `### SKILL.md\n\n${SKILL_MD}\n\n### references/dates.md\n\n# Dates\n\n### Anchors\nbody sections: section:workflow`,
    );
    expect(skill.sections.map((s) => s.slug)).toEqual(["workflow", "grader-feedback"]);
    expect([...skill.files]).toEqual([["references/dates.md", "# Dates"]]);
  });
});

describe("the sim model's role dispatch", () => {
  it("answers each role, told by its system prompt's first line, with JSON its schema accepts", () => {
    const failure = simRoleReply(
      renderPrompt(PROMPTS.diagnoseFailure),
      [
        failurePromptText(
          'budget.csv lists costs. What is the total of the "cost" column? Answer with the number only.',
        ),
      ],
      settings,
    );
    const diagnosis = diagnosisReply.parse(JSON.parse(failure ?? ""));
    expect(diagnosis.correctApproach).toBe("Rule: skip-rows Total in column item");
    expect(diagnosis.label).toBe("Summary rows counted as data");
    expect(diagnosis.cause).toContain("read references/dates.md");

    const momentum = simRoleReply(
      renderPrompt(PROMPTS.momentum),
      [
        `## Iteration 2\n\n## Pattern memory\n\n${jsonBlock({ patterns: [] })}\n\n## Diagnoses this iteration\n\n${jsonBlock([{ taskId: "t-1", signal: "failure", ...diagnosis }])}\n\n## Skill outline\n\nanchors: section:workflow\n\n## Patches so far\n\n(none yet)`,
      ],
      settings,
    );
    const reply = momentumReply.parse(JSON.parse(momentum ?? ""));
    expect(reply.memory.patterns[0]?.anchor).toBe("references/summary-rows-counted-as-data.md");
    expect(reply.memory.patterns[0]?.appearances).toEqual([
      { iteration: 2, taskId: "t-1", signal: "failure" },
    ]);
  });

  it("leaves prompts of other roles alone", () => {
    expect(simRoleReply("You are a poet.", ["hello"], settings)).toBeUndefined();
  });

  it("says plainly when a prompt's JSON no longer fits what it reads", () => {
    const broken = '## Iteration 1\n\n## Pattern memory\n\n```json\n{"patterns": 3}\n```';
    expect(() => simRoleReply(renderPrompt(PROMPTS.momentum), [broken], settings)).toThrow(
      /could not read the momentum prompt/,
    );
  });
});
