import { describe, expect, it } from "vitest";
import { fileToolsHarness, skillListing } from "./file-tools.js";
import { shellHarness, shellSkillListing } from "./shell.js";

describe("the simulated agent in other harnesses (a simulation)", () => {
  it("recognises a harness by its tools' schemas, not their names", () => {
    const tools = [
      { name: "Lire", properties: ["file_path", "offset"], types: {} },
      { name: "Ecrire", properties: ["file_path", "content"], types: {} },
      { name: "Competence", properties: ["skill", "args"], types: {} },
    ];
    expect(fileToolsHarness(tools)).toEqual({ read: "Lire", write: "Ecrire", skill: "Competence" });
    expect(fileToolsHarness([{ name: "exec_command", properties: ["cmd"], types: {} }])).toBeUndefined();
    expect(shellHarness([{ name: "exec_command", properties: ["cmd", "workdir"], types: {} }])).toEqual({
      tool: "exec_command",
      argument: "cmd",
      argv: false,
    });
    expect(
      shellHarness([{ name: "shell", properties: ["command"], types: { command: "array" } }]),
    ).toMatchObject({
      argv: true,
    });
  });

  it("reads Claude Code's and Codex's skill listings", () => {
    const claude =
      "The following skills are available for use with the Skill tool:\n\n- csv-analyst: Answer questions about CSV files.\n- loop: Run a prompt on an\ninterval.\n\nToday's date";
    expect(skillListing(claude)).toEqual([
      { name: "csv-analyst", description: "Answer questions about CSV files." },
      { name: "loop", description: "Run a prompt on an interval." },
    ]);
    const codex =
      "### Skill roots\n- `r0` = `/home/.codex/skills/.system`\n- `r1` = `/ws/.agents/skills`\n### Available skills\n- skill-creator: Create a skill. (file: r0/skill-creator/SKILL.md)\n- csv-analyst: Answer questions about CSV files. (file: r1/csv-analyst/SKILL.md)\n</skills_instructions>";
    expect(shellSkillListing(codex)).toEqual([
      {
        name: "skill-creator",
        description: "Create a skill.",
        file: "/home/.codex/skills/.system/skill-creator/SKILL.md",
      },
      {
        name: "csv-analyst",
        description: "Answer questions about CSV files.",
        file: "/ws/.agents/skills/csv-analyst/SKILL.md",
      },
    ]);
  });
});
