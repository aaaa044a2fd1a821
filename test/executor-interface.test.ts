import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LanguageModelV3CallOptions, LanguageModelV3Content } from "@ai-sdk/provider";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { createExecutor } from "../src/executor/index.js";
import { ModelHub } from "../src/models/index.js";
import type { Task } from "../src/tasks/types.js";
import { evalNoSkill, runCli } from "./helpers/cli.js";

const USAGE = {
  inputTokens: { total: 1000, noCache: 1000, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 100, text: 100, reasoning: 0 },
};

/** A model that plays the agent from a script of tool calls (one per turn), then stops. */
function agentModel(script: Array<LanguageModelV3Content | undefined>) {
  let turn = 0;
  return new MockLanguageModelV3({
    doGenerate: async (_options: LanguageModelV3CallOptions) => {
      const next = script[turn++];
      const content: LanguageModelV3Content[] = next ? [next] : [{ type: "text", text: "I am done." }];
      return {
        content,
        finishReason: { unified: next?.type === "tool-call" ? "tool-calls" : "stop", raw: undefined },
        usage: USAGE,
        warnings: [],
      };
    },
  });
}

const call = (name: string, input: unknown, id: string): LanguageModelV3Content => ({
  type: "tool-call",
  toolCallId: id,
  toolName: name,
  input: JSON.stringify(input),
});

async function setup(script: Array<LanguageModelV3Content | undefined>) {
  const dir = await mkdtemp(join(tmpdir(), "skillgrad-exec-"));
  await writeFile(join(dir, "numbers.txt"), "1 2 3\n");
  const task: Task = {
    id: "t1",
    prompt: "Add the numbers in numbers.txt.",
    files: [{ from: join(dir, "numbers.txt"), to: "numbers.txt" }],
    grader: { type: "exact" },
    expected: "6",
  } as Task;
  // gpt-4.1-mini has a list price, so the run's dollars are known
  const hub = new ModelHub({
    roles: { executor: "openai:gpt-4.1-mini" },
    env: { OPENAI_API_KEY: "test-key" },
    ledgerPath: join(dir, "ledger.jsonl"),
    createModel: () => agentModel(script),
  });
  const executor = await createExecutor({ kind: "builtin" }, { hub, executorModel: "openai:gpt-4.1-mini" });
  const request = {
    task,
    workspaceRoot: join(dir, "workspaces"),
    repeat: 0,
    sandbox: "none" as const,
    maxTurns: 5,
    commandTimeoutSec: 10,
    taskTimeoutSec: 30,
  };
  return { dir, hub, executor, request };
}

describe("the executor interface, built-in agent", () => {
  it("returns the trajectory, the answer, the files written, usage with dollars, and an ok outcome", async () => {
    const { dir, hub, executor, request } = await setup([
      call("read_file", { path: "numbers.txt" }, "c1"),
      call("write_file", { path: "out/sum.txt", content: "6" }, "c2"),
      call("finish", { answer: "6" }, "c3"),
    ]);
    const run = await executor.run(request);
    await executor.close();
    expect(run.outcome).toBe("answered");
    expect(run.answer).toBe("6");
    expect(run.files).toEqual(["out/sum.txt"]);
    expect(await readFile(join(run.workspace, "out/sum.txt"), "utf8")).toBe("6");
    const t = run.trajectory;
    expect(t.executor).toBe("builtin");
    expect(t.steps.flatMap((s) => s.toolCalls.map((c) => c.name))).toEqual([
      "read_file",
      "write_file",
      "finish",
    ]);
    expect(t.usage).toEqual({ input: 3000, cachedInput: 0, output: 300 });
    // the run's dollars are the ledger's entries for this run, and nothing else
    const ledger = (await readFile(join(dir, "ledger.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(ledger).toHaveLength(3);
    const ledgerUsd = ledger.reduce((sum, entry) => sum + entry.costUsd, 0);
    expect(t.costUsd).toBeGreaterThan(0);
    expect(t.costUsd).toBeCloseTo(ledgerUsd, 6);
    expect(hub.totals().byRole.executor?.calls).toBe(3);
  });

  it("gives 'gave-up' when the agent stops without an answer before the turn limit, and does not throw", async () => {
    const { executor, request } = await setup([call("list_files", {}, "c1"), undefined]);
    const run = await executor.run(request);
    expect(run.outcome).toBe("gave-up");
    expect(run.error).toContain("without calling finish");
    expect(run.answer).toBe("");
    expect(run.files).toEqual([]);
  });

  it("gives 'max-turns' when the agent hits the turn limit", async () => {
    const loop = Array.from({ length: 10 }, (_, i) => call("list_files", {}, `c${i}`));
    const { executor, request } = await setup(loop);
    const run = await executor.run({ ...request, maxTurns: 3 });
    expect(run.outcome).toBe("max-turns");
    expect(run.trajectory.steps).toHaveLength(3);
  });
});

describe("--executor on the command line and in the config file", () => {
  const tasksFile = async () => {
    const dir = await mkdtemp(join(tmpdir(), "skillgrad-exec-cli-"));
    const tasks = join(dir, "tasks.jsonl");
    await writeFile(tasks, `${JSON.stringify({ id: "a", prompt: "say 4", expected: "4" })}\n`);
    return { dir, tasks };
  };

  it("refuses an unknown executor and --executor-bin without an external agent (usage errors)", async () => {
    const { dir, tasks } = await tasksFile();
    const base = evalNoSkill(tasks, "sim", "--runs-dir", join(dir, "runs"));
    const unknown = await runCli([...base, "--executor", "gemini"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--executor.*expected one of builtin/);
    const bin = await runCli([...base, "--executor-bin", "/bin/true"]);
    expect(bin.code).toBe(2);
    expect(bin.stderr).toContain("--executor-bin names an external agent's program");
    expect(bin.stderr).not.toMatch(/\n\s+at /);
  });

  it("takes the executor from the config file and records it in the run", async () => {
    const { dir, tasks } = await tasksFile();
    const config = join(dir, "config.yaml");
    await writeFile(config, "executor: builtin\n");
    const ok = await runCli(
      evalNoSkill(
        tasks,
        "sim",
        "--sandbox",
        "none",
        "--runs-dir",
        join(dir, "runs"),
        "--config",
        config,
        "--json",
      ),
    );
    expect(ok.code, ok.stderr).toBe(0);
    const summary = JSON.parse(ok.stdout);
    expect(summary.executor).toBe("builtin");
    expect(summary.runs).toBe(1);
    const runConfig = JSON.parse(await readFile(join(summary.runDir, "config.json"), "utf8"));
    expect(runConfig.executor).toEqual({ kind: "builtin" });

    await writeFile(config, "executor: gemini\n");
    const bad = await runCli(evalNoSkill(tasks, "sim", "--config", config));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("executor: expected one of builtin");
  });
});
