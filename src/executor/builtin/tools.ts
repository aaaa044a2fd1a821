import { tool, zodSchema } from "ai";
import { z } from "zod";
import { SkillgradError } from "../../errors.js";
import { limitNotes, runSandboxed, type SandboxMode } from "../../sandbox/index.js";
import type { Skill } from "../../skill/index.js";
import { activationText } from "./prompt.js";
import { TOOL } from "./protocol.js";
import {
  listWorkspaceFiles,
  readWorkspaceFile,
  truncate,
  WorkspacePathError,
  writeWorkspaceFile,
} from "./workspace-files.js";

export interface ToolContext {
  skill?: Skill;
  /** Skills installed beside `skill`: the agent may activate any of them. */
  otherSkills?: Skill[];
  workspace: string;
  sandbox: SandboxMode;
  /** Default and ceiling for one shell command, in seconds. */
  commandTimeoutSec: number;
  /** Characters of a file or command output returned to the model. */
  maxOutputChars: number;
  /**
   * Told when a command could not be run for a reason that is not the agent's (e.g. no working
   * sandbox): the run must stop, not carry on as if the agent had failed.
   */
  onSystemError?: (error: SkillgradError) => void;
}

// Built once: the SDK caches each schema's JSON form, so tasks and turns do not convert them again.
const INPUT = {
  runShell: zodSchema(
    z.object({
      command: z.string().min(1).describe("the command line, run with bash -c"),
      timeout_sec: z.number().positive().optional().describe("seconds before the command is stopped"),
    }),
  ),
  path: zodSchema(z.object({ path: z.string().min(1).describe("path relative to the workspace") })),
  writeFile: zodSchema(z.object({ path: z.string().min(1), content: z.string() })),
  listFiles: zodSchema(z.object({ path: z.string().optional() })),
  finish: zodSchema(z.object({ answer: z.string().describe("the final answer only") })),
  skillFile: zodSchema(z.object({ path: z.string().min(1).describe("path inside the skill folder") })),
};

/** Skills with more files than this get a free-text path: a schema listing them all would be long. */
const MAX_FILE_CHOICES = 100;

/**
 * The skill tools' inputs name what exists: the installed skills' names and files as enums. Every
 * model sees the choices in the schema, and one whose tool calls a grammar constrains (a small local
 * model) can only name an installed skill, where it otherwise makes names up.
 */
function skillInputs(installed: Skill[]) {
  const names = installed.map((candidate) => candidate.name);
  const files = [
    ...new Set(installed.flatMap((candidate) => ["SKILL.md", ...candidate.resources.map((r) => r.path)])),
  ];
  return {
    activate: zodSchema(z.object({ name: z.enum(names as [string, ...string[]]) })),
    skillFile:
      files.length <= MAX_FILE_CHOICES
        ? zodSchema(
            z.object({
              path: z.enum(files as [string, ...string[]]).describe("path inside the skill folder"),
            }),
          )
        : INPUT.skillFile,
  };
}

/** Errors the agent caused (a bad path) become the tool's answer, so the agent can correct itself. */
async function answerOrRefusal(work: () => Promise<string>): Promise<string> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof WorkspacePathError) return `error: ${error.message}`;
    throw error;
  }
}

/**
 * Runs workspace tools one at a time. The model may ask for several tool calls at once; a host-side
 * file operation must never overlap a command that could swap a folder for a symlink under it.
 */
function oneAtATime() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const next = last.then(work, work);
    last = next.catch(() => undefined);
    return next;
  };
}

export function executorTools(context: ToolContext) {
  const { skill, workspace } = context;
  const exclusive = oneAtATime();
  const workspaceTools = {
    [TOOL.runShell]: tool({
      description:
        "Run a shell command in the workspace (sandboxed: no network, only the workspace is writable). " +
        "Returns the exit code and output.",
      inputSchema: INPUT.runShell,
      execute: async ({ command, timeout_sec }) => {
        const timeoutSec = Math.min(timeout_sec ?? context.commandTimeoutSec, context.commandTimeoutSec);
        const result = await exclusive(() =>
          runSandboxed(
            { shell: command },
            {
              workspace,
              mode: context.sandbox,
              limits: { timeoutMs: timeoutSec * 1000, maxOutputChars: context.maxOutputChars },
            },
          ),
        ).catch((error: unknown) => {
          if (error instanceof SkillgradError) context.onSystemError?.(error);
          throw error;
        });
        const status = [
          result.timedOut ? `timed out after ${timeoutSec} s` : `exit code ${result.exitCode}`,
          ...limitNotes(result),
        ].join("; ");
        return [
          status,
          result.stdout ? `stdout:\n${result.stdout}` : "",
          result.stderr ? `stderr:\n${result.stderr}` : "",
        ]
          .filter(Boolean)
          .join("\n");
      },
    }),
    [TOOL.readFile]: tool({
      description: "Read a text file in the workspace.",
      inputSchema: INPUT.path,
      execute: ({ path }) =>
        exclusive(() => answerOrRefusal(() => readWorkspaceFile(workspace, path, context.maxOutputChars))),
    }),
    [TOOL.writeFile]: tool({
      description:
        "Write a text file in the workspace (creates folders as needed, replaces an existing file).",
      inputSchema: INPUT.writeFile,
      execute: ({ path, content }) =>
        exclusive(() => answerOrRefusal(() => writeWorkspaceFile(workspace, path, content, 5_000_000))),
    }),
    [TOOL.listFiles]: tool({
      description: "List the files in the workspace (or in one of its folders).",
      inputSchema: INPUT.listFiles,
      execute: ({ path }) =>
        exclusive(() =>
          answerOrRefusal(
            async () => (await listWorkspaceFiles(workspace, path ?? ".")).join("\n") || "(no files)",
          ),
        ),
    }),
    [TOOL.finish]: tool({
      description: "Give your final answer and end the task. Call it exactly once, last.",
      inputSchema: INPUT.finish,
      // no execute: the loop stops at this call and the executor reads the answer from it
    }),
  };
  if (!skill) return workspaceTools;
  const installed = [skill, ...(context.otherSkills ?? [])];
  const skillInput = skillInputs(installed);
  // read_skill_file reads from the skill activated last (before any activation: the main skill)
  let active: Skill = skill;
  return {
    [TOOL.activateSkill]: tool({
      description: "Load a skill's instructions (its SKILL.md body) and the list of its files.",
      inputSchema: skillInput.activate,
      execute: async ({ name }) => {
        const found = installed.find((candidate) => candidate.name === name);
        if (!found) {
          const names = installed.map((candidate) => `"${candidate.name}"`).join(", ");
          return `error: no skill named "${name}"; the skill${installed.length > 1 ? "s are" : " is"} ${names}`;
        }
        active = found;
        return activationText(found);
      },
    }),
    [TOOL.readSkillFile]: tool({
      description: "Read one file of an activated skill, e.g. references/guide.md.",
      inputSchema: skillInput.skillFile,
      execute: async ({ path }) => {
        const skill = active;
        const wanted = path.replace(/^\.\//, "");
        if (wanted === skill.skillFile || wanted === "SKILL.md") return activationText(skill);
        const resource = skill.resources.find((candidate) => candidate.path === wanted);
        if (!resource) return `error: the skill has no file ${path}`;
        if (resource.binary || resource.text === undefined)
          return `${path} is a binary file (${resource.size} bytes)`;
        return truncate(resource.text, context.maxOutputChars);
      },
    }),
    ...workspaceTools,
  };
}
