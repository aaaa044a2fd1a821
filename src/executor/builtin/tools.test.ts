import { asSchema } from "ai";
import { describe, expect, it } from "vitest";
import { loadSkill } from "../../skill/index.js";
import { makeSkillDir, skillMarkdown } from "../../skill/testing.js";
import { TOOL } from "./protocol.js";
import { executorTools } from "./tools.js";

const context = {
  workspace: "/nonexistent",
  sandbox: "bwrap" as const,
  commandTimeoutSec: 5,
  maxOutputChars: 1000,
};

async function skillNamed(name: string, files: Record<string, string> = {}) {
  return loadSkill(
    await makeSkillDir(name, { "SKILL.md": skillMarkdown(name, `The ${name} skill.`), ...files }),
  );
}

async function propertySchema(tools: ReturnType<typeof executorTools>, name: string, property: string) {
  const tool = (tools as Record<string, { inputSchema: unknown }>)[name];
  const schema = (await asSchema(tool?.inputSchema as never).jsonSchema) as {
    properties: Record<string, { enum?: string[]; type?: string }>;
  };
  return schema.properties[property];
}

describe("the built-in agent's skill tools", () => {
  it("name only installed skills and their files, so a grammar-constrained model cannot make them up", async () => {
    const main = await skillNamed("csv-analyst", { "references/dates.md": "# Dates\n" });
    const other = await skillNamed("csv-cleaner", { "scripts/clean.py": "print(1)\n" });
    const tools = executorTools({ ...context, skill: main, otherSkills: [other] });
    expect((await propertySchema(tools, TOOL.activateSkill, "name"))?.enum).toEqual([
      "csv-analyst",
      "csv-cleaner",
    ]);
    expect((await propertySchema(tools, TOOL.readSkillFile, "path"))?.enum).toEqual([
      "SKILL.md",
      "references/dates.md",
      "scripts/clean.py",
    ]);
  });

  it("leave the file path free when the skills hold too many files to list", async () => {
    const files = Object.fromEntries(
      Array.from({ length: 120 }, (_, i) => [`references/r${i}.md`, `# ${i}\n`]),
    );
    const tools = executorTools({ ...context, skill: await skillNamed("big", files) });
    const path = await propertySchema(tools, TOOL.readSkillFile, "path");
    expect(path?.enum).toBeUndefined();
    expect(path?.type).toBe("string");
  });
});
