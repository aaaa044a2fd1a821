import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { cp, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CLI,
  errorLines,
  evalNoSkill,
  hasStack,
  runCli,
  simOptimize,
  simWorldEval,
  SIM_WORLD_TASKS as worldTasks,
} from "./helpers/cli.js";
import { useFakeOpenAI } from "./helpers/fake-openai.js";
import { filesUnder, tempDir, writeTasks } from "./helpers/files.js";
import { SEED_SKILL as seedSkill } from "./helpers/paths.js";

/** Whether this machine lets a test mount a private tmpfs (a mount namespace; a user namespace too when not root). */
const UNSHARE = process.getuid?.() === 0 ? ["-m"] : ["-rm"];
const canMount = spawnSync("unshare", [...UNSHARE, "sh", "-c", "mount -t tmpfs tmpfs /mnt"]).status === 0;

/** Runs a shell script inside a private mount namespace (mounts vanish when it ends). */
function inMountNamespace(script: string): { code: number; stdout: string; stderr: string } {
  const result = spawnSync("unshare", [...UNSHARE, "sh", "-c", script], {
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

describe("a model service that refuses every request (a local fake server)", () => {
  const fake = useFakeOpenAI();

  it("stops eval on a systemic HTTP 400 with one masked line, keeping the completed runs", async () => {
    const server = await fake.start((_request, index) =>
      index === 0
        ? { toolCall: { name: "finish", arguments: { answer: "4" } } }
        : {
            status: 400,
            body: JSON.stringify({
              error: { message: "Unsupported parameter: 'tool_choice' (key Bearer sk-live-echoedsecret123)" },
            }),
          },
    );
    const dir = await tempDir();
    const tasks = await writeTasks(dir, [
      { id: "first", prompt: "what is 2+2?", expected: "4" },
      { id: "second", prompt: "what is 3+1?", expected: "4" },
      { id: "third", prompt: "what is 1+3?", expected: "4" },
    ]);
    const result = await runCli(
      evalNoSkill(
        tasks,
        `openai-compatible:${server.url}#m`,
        "--runs-dir",
        join(dir, "runs"),
        "--concurrency",
        "1",
      ),
    );
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/refused the request \(HTTP 400: Unsupported parameter: 'tool_choice'/);
    expect(result.stderr).not.toContain("sk-live-echoedsecret123");
    expect(hasStack(result.stderr)).toBe(false);
    expect(result.stdout).toBe("");
    const runDir = join(dir, "runs", readdirSync(join(dir, "runs")).find((n) => n.includes("-eval-")) ?? "");
    const results = (await readFile(join(runDir, "results.jsonl"), "utf8")).trim().split("\n");
    expect(results.map((line) => JSON.parse(line).taskId)).toEqual(["first"]);
    expect(result.stderr).toContain("the completed task runs are kept in");
    expect(server.requests()).toBe(2);
  });

  it("a context-length 400 fails that one task and the evaluation goes on", async () => {
    const server = await fake.start((request) =>
      request.text.includes("HUGE")
        ? {
            status: 400,
            body: JSON.stringify({
              error: { message: "This model's maximum context length is 8192 tokens" },
            }),
          }
        : { toolCall: { name: "finish", arguments: { answer: "4" } } },
    );
    const dir = await tempDir();
    const tasks = await writeTasks(dir, [
      { id: "huge", prompt: "HUGE: what is 2+2?", expected: "4" },
      { id: "fine", prompt: "what is 2+2?", expected: "4" },
    ]);
    const result = await runCli(
      evalNoSkill(tasks, `openai-compatible:${server.url}#m`, "--runs-dir", join(dir, "runs"), "--json"),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      runs: 2,
      passes: 1,
      outcomes: { error: 1, answered: 1 },
    });
  });

  it("stops optimize on a systemic 400 from the optimizer model, saying how to resume", async () => {
    const server = await fake.start(() => ({
      status: 400,
      body: JSON.stringify({ error: { message: "response_format is not supported by this model" } }),
    }));
    const dir = await tempDir();
    const result = await runCli(
      simOptimize(
        "sim",
        "--optimizer-model",
        `openai-compatible:${server.url}#m`,
        "--runs-dir",
        "runs",
        "--quiet",
      ),
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain("HTTP 400: response_format is not supported");
    const run = readdirSync(join(dir, "runs")).find((n) => n.includes("-optimize-")) ?? "";
    expect(result.stderr).toContain(`skillgrad optimize --resume runs/${run}`);
    const state = JSON.parse(await readFile(join(dir, "runs", run, "state.json"), "utf8"));
    expect(state.trainIds.length).toBeGreaterThan(0);
    expect(state.iteration).toBe(0);
  });
});

describe("clear errors instead of crashes", () => {
  it("`--help | true` (a reader that closes the pipe) exits quietly", () => {
    for (const reader of ["true", "head -c 1 >/dev/null"]) {
      const result = spawnSync(
        "bash",
        ["-c", `set -o pipefail; "${process.execPath}" "${CLI}" optimize --help | ${reader}`],
        {
          encoding: "utf8",
        },
      );
      expect(result.stderr, reader).toBe("");
      expect(result.status, reader).toBe(0);
    }
  });

  it("a symlink loop in a skill is one line naming the file in validate, info, eval and optimize", async () => {
    const dir = await tempDir();
    const skill = join(dir, "csv-analyst");
    await cp(seedSkill, skill, { recursive: true });
    await symlink("b.md", join(skill, "references-a.md"));
    await symlink("references-a.md", join(skill, "b.md"));
    const runs = join(dir, "runs");
    for (const args of [
      ["validate", skill],
      ["info", skill],
      ["eval", "--skill", skill, "--tasks", worldTasks, "--model", "sim", "--runs-dir", runs],
      ["optimize", "--skill", skill, "--bench", "sim", "--model", "sim", "--runs-dir", runs],
    ]) {
      const result = await runCli(args);
      expect(result.code, args[0]).toBe(1);
      expect(`${result.stdout}${result.stderr}`, args[0]).toMatch(/\.md: (error: )?is a symlink loop/);
      expect(result.stderr, args[0]).not.toContain("ELOOP");
      expect(hasStack(result.stderr), args[0]).toBe(false);
    }
  });

  it("names a damaged state.json or config.json on resume", async () => {
    const dir = await tempDir();
    const first = await runCli(
      simOptimize("sim", "--iterations", "1", "--runs-dir", dir, "--json", "--quiet"),
    );
    expect(first.code, first.stderr).toBe(0);
    const runDir = JSON.parse(first.stdout).runDir as string;
    const state = await readFile(join(runDir, "state.json"), "utf8");
    await writeFile(join(runDir, "state.json"), state.slice(0, 40));
    const badState = await runCli(["optimize", "--resume", runDir]);
    expect(badState.code).toBe(1);
    expect(errorLines(badState.stderr)).toEqual([
      expect.stringMatching(
        /^skillgrad: the run's checkpoint \S+state\.json is damaged \(it is not valid JSON/,
      ),
    ]);
    await writeFile(join(runDir, "state.json"), state);
    await writeFile(join(runDir, "config.json"), "");
    const badConfig = await runCli(["optimize", "--resume", runDir]);
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toMatch(/the run's config \S+config\.json is damaged \(it is empty\)/);
    expect(hasStack(badConfig.stderr)).toBe(false);
  });

  it("refuses `--skill .` when the runs folder would be inside the skill", async () => {
    const dir = await tempDir();
    const skill = join(dir, "csv-analyst");
    await cp(seedSkill, skill, { recursive: true });
    for (const command of [
      ["optimize", "--bench", "sim"],
      ["eval", "--tasks", worldTasks],
    ]) {
      const result = await runCli([...command, "--skill", ".", "--model", "sim"], { cwd: skill });
      expect(result.code, command[0]).toBe(2);
      expect(errorLines(result.stderr)).toEqual([
        expect.stringMatching(
          /^skillgrad: --runs-dir runs is inside the skill folder \S+: the run's files would become part of the skill; pass --runs-dir outside it, e\.g\. --runs-dir \.\.\/csv-analyst-runs$/,
        ),
      ]);
      expect(existsSync(join(skill, "runs")), command[0]).toBe(false);
    }
    const elsewhere = await runCli(
      ["eval", "--tasks", worldTasks, "--skill", ".", "--model", "sim", "--runs-dir", "../runs", "--quiet"],
      { cwd: skill },
    );
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
  });

  it("warns when the split leaves no validation or test tasks", async () => {
    const result = await runCli(
      simOptimize(
        "sim",
        "--split",
        "ratio:pool=1",
        "--iterations",
        "1",
        "--runs-dir",
        await tempDir(),
        "--json",
      ),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("warning: the split has no validation tasks");
    expect(result.stderr).toContain("warning: the split has no test tasks");
  });

  it("SIGINT says how to resume, keeps the state, and the printed command finishes the run", async () => {
    const dir = await tempDir();
    const child = spawn(
      process.execPath,
      [
        CLI,
        "optimize",
        "--bench",
        "sim",
        "--model",
        "sim:noise=0.1,latency=20",
        "--runs-dir",
        "runs",
        "--quiet",
      ],
      { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    let sent = false;
    for (let waited = 0; waited < 60_000 && !sent; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const runs = join(dir, "runs");
      const run = existsSync(runs) ? readdirSync(runs).find((n) => n.includes("-optimize-")) : undefined;
      const events = run ? await readFile(join(runs, run, "events.jsonl"), "utf8").catch(() => "") : "";
      if (events.includes('"type":"iteration-done"')) {
        child.kill("SIGINT");
        sent = true;
      }
    }
    expect(sent).toBe(true);
    expect(await exited).toBe(130);
    const run = readdirSync(join(dir, "runs")).find((n) => n.includes("-optimize-")) ?? "";
    expect(stderr).toContain(
      `skillgrad: interrupted; the run is saved; continue it with skillgrad optimize --resume runs/${run}`,
    );
    expect((await filesUnder(join(dir, "runs", run))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const command = /skillgrad (optimize --resume \S+)/.exec(stderr)?.[1]?.split(" ") ?? [];
    const resumed = await runCli([...command, "--json", "--quiet"], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).status).toBe("done");
  });

  it.skipIf(!canMount)("a read-only --runs-dir is one line that says to choose a writable one", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "ro"));
    const result = inMountNamespace(
      `mount -t tmpfs -o ro tmpfs "${dir}/ro" && exec "${process.execPath}" "${CLI}" eval --skill "${seedSkill}" --tasks "${worldTasks}" --model sim --runs-dir "${dir}/ro/runs"`,
    );
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([
      `skillgrad: cannot create a run folder in ${dir}/ro/runs: it is on a read-only file system; choose a writable folder with --runs-dir`,
    ]);
  });

  // as root only: a user namespace's root cannot hand task workspaces to the sandbox user (the
  // no-root check of a full disk is the /dev/full ledger test in src/models/hub.test.ts)
  it.skipIf(!canMount || process.getuid?.() !== 0)(
    "a full disk says so, naming the folder, and leaves no temp or empty files",
    async () => {
      const dir = await tempDir();
      await mkdir(join(dir, "small"));
      const result = inMountNamespace(
        [
          `mount -t tmpfs -o size=96k tmpfs "${dir}/small" || exit 99`,
          `"${process.execPath}" "${CLI}" eval --skill "${seedSkill}" --tasks "${worldTasks}" --model sim --runs-dir "${dir}/small/runs" --cache-dir "${dir}/cache" --quiet`,
          "code=$?",
          `echo "tmp=$(find "${dir}/small" -name '*.tmp' | wc -l) empty=$(find "${dir}/small" -type f -size 0 | wc -l)"`,
          "exit $code",
        ].join("\n"),
      );
      expect(result.code).toBe(1);
      expect(errorLines(result.stderr)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^skillgrad: disk full: no space left writing in ${dir}/small/runs/\\S+; free some space; the completed task runs are kept in`,
          ),
        ),
      ]);
      expect(result.stdout.trim()).toBe("tmp=0 empty=0");
    },
  );
});

describe("quotas and budgets on eval", () => {
  const fake = useFakeOpenAI();

  it("eval --max-calls stops cleanly, reporting the runs not made", async () => {
    const dir = await tempDir();
    const result = await runCli(
      simWorldEval("sim", dir, "--no-cache", "--concurrency", "1", "--max-calls", "7", "--json"),
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: "stopped" });
    expect(summary.stopReason).toContain("at most 7");
    expect(summary.calls).toBeLessThanOrEqual(7);
    expect(summary.runs).toBeGreaterThan(0);
    expect(summary.runs + summary.notRun).toBe(60);
    const text = await runCli(simWorldEval("sim", dir, "--no-cache", "--max-calls", "3", "--quiet"));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^stopped {5}budget reached: .* task run\(s\) not made/);
  });

  it("eval --max-cost stops before the call that would go over the dollars", async () => {
    const server = await fake.start(() => ({ toolCall: { name: "finish", arguments: { answer: "4" } } }));
    const dir = await tempDir();
    const model = `openai-compatible:${server.url}#m`;
    // the fake server reports 100 input and 10 output tokens per call: $0.10 a call at these prices
    const config = join(dir, "config.json");
    await writeFile(
      config,
      JSON.stringify({ prices: { [model]: { input: 900, cachedInput: 0, output: 1000 } } }),
    );
    const tasks = await writeTasks(
      dir,
      [1, 2, 3, 4].map((n) => ({ id: `t${n}`, prompt: `what is ${n}+0?`, expected: String(n) })),
    );
    const result = await runCli(
      evalNoSkill(
        tasks,
        model,
        "--config",
        config,
        "--runs-dir",
        join(dir, "runs"),
        "--concurrency",
        "1",
        "--max-cost",
        "0.15",
        "--json",
      ),
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: "stopped", runs: 2, notRun: 2, calls: 2 });
    expect(server.requests()).toBe(2);
  });

  it("--rpm/--tpm and rateLimits in the config reach the run's config (kept for a resume)", async () => {
    const dir = await tempDir();
    const config = join(dir, "config.json");
    await writeFile(config, JSON.stringify({ rateLimits: { openai: { rpm: 500, tpm: 200000 } } }));
    const result = await runCli(
      simOptimize(
        "sim",
        "--iterations",
        "1",
        "--config",
        config,
        "--rpm",
        "100000",
        "--runs-dir",
        join(dir, "runs"),
        "--json",
        "--quiet",
      ),
    );
    expect(result.code, result.stderr).toBe(0);
    const saved = JSON.parse(await readFile(join(JSON.parse(result.stdout).runDir, "config.json"), "utf8"));
    expect(saved.configFile.rateLimits).toEqual({
      openai: { rpm: 100000, tpm: 200000 },
      default: { rpm: 100000 },
    });
    await writeFile(config, JSON.stringify({ rateLimits: { openai: { rpm: 0 } } }));
    const bad = await runCli([
      "eval",
      "--bench",
      "sim",
      "--model",
      "sim",
      "--config",
      config,
      "--runs-dir",
      dir,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("rateLimits.openai.rpm");
  });
});
