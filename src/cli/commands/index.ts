import type { Command } from "commander";

/**
 * The table of top-level commands, in the order `skillgrad --help` lists them.
 *
 * Start-up speed depends on this file: it is read on every run, so it imports nothing. Each entry
 * gives what `skillgrad --help` shows (name, summary, usage) and how to load the command's module.
 * The CLI loads only the module of the command being run (or asked about with `help CMD` /
 * `CMD --help`); every other command is listed from this table alone.
 *
 * Adding a command:
 *   1. write `src/cli/commands/<name>.ts` exporting `register(program)`, which declares the command
 *      (`program.command(name).description(summary)`, its arguments and options) and its action;
 *   2. keep that module light: import only types and small helpers (commander, ../parse.js) at the
 *      top, and `await import(...)` the heavy modules (models, AI SDK, xlsx, zod, the optimizer…)
 *      inside the action, so that `skillgrad <name> --help` stays fast;
 *      A command that calls models imports "../../sim/index.js" (it registers the `sim` provider),
 *      as eval.ts and optimize/run.ts do; main.ts does not, so that other commands start without it;
 *      a command with many parts keeps them in a folder of its name (optimize/, triggers/), and the
 *      options it shares with other run commands come from ../options/;
 *   3. add an entry here; `summary` and `usage` must match what the module declares
 *      (src/cli/commands/index.test.ts checks it).
 */
export interface CommandEntry {
  name: string;
  /** The command's description, as its module declares it. */
  summary: string;
  /** What follows the name in the command list: "[options]" when it has options, then its arguments. */
  usage: string;
  load: () => Promise<{ register(program: Command): void }>;
}

export const commands: readonly CommandEntry[] = [
  {
    name: "demo",
    summary:
      "optimize the sim world's seed skill offline with the sim model — a SIMULATION: the sim model is not a " +
      "language model; it shows the optimizer's machinery (diagnose, momentum, patch) raising test accuracy",
    usage: "[options]",
    load: () => import("./demo.js"),
  },
  {
    name: "optimize",
    summary:
      "improve a skill on your tasks: run it, grade it, diagnose failures and contrastive successes, keep a " +
      "momentum memory of recurring patterns, patch the skill layer by layer, and keep the best version",
    usage: "[options]",
    load: () => import("./optimize.js"),
  },
  {
    name: "eval",
    summary:
      "run an agent that uses a skill on a set of tasks, grade every outcome, and keep every trajectory",
    usage: "[options]",
    load: () => import("./eval.js"),
  },
  {
    name: "compare",
    summary:
      "blind comparison of two skills, or two versions of a run: a judge model sees both outputs of each task " +
      "in a seeded random order, never which skill made which; B's win rate with a 95% interval and the reasons",
    usage: "[options]",
    load: () => import("./compare.js"),
  },
  {
    name: "triggers",
    summary:
      "when the skill gets used: measure how often an agent activates it for should- and should-not-trigger " +
      "queries among competing skills, and optimize its description for held-out F1",
    usage: "",
    load: () => import("./triggers.js"),
  },
  {
    name: "serve",
    summary:
      "serve a model behind the OpenAI (Chat Completions, Responses) and Anthropic (Messages) APIs, " +
      "so external agents such as Claude Code or Codex can run on it",
    usage: "[options]",
    load: () => import("./serve.js"),
  },
  {
    name: "models",
    summary: "local models: list the ones skillgrad can install, pull one, print where one is",
    usage: "",
    load: () => import("./models.js"),
  },
  {
    name: "worker",
    summary: "take rollout jobs from a Redis queue and run them (for eval and optimize --queue)",
    usage: "[options]",
    load: () => import("./worker.js"),
  },
  {
    name: "workers",
    summary: "list the workers connected to a Redis queue, and how many rollouts wait and run",
    usage: "[options]",
    load: () => import("./workers.js"),
  },
  {
    name: "grade",
    summary: "grade benchmark predictions exactly as the official scripts do",
    usage: "",
    load: () => import("./grade.js"),
  },
  {
    name: "bench",
    summary: "benchmarks: list them, and prepare their data and splits",
    usage: "",
    load: () => import("./bench.js"),
  },
  {
    name: "validate",
    summary: "check skill folders against the Agent Skills specification and structural rules",
    usage: "[options] <dir...>",
    load: () => import("./validate.js"),
  },
  {
    name: "info",
    summary: "show a skill's layers: frontmatter, body sections, files, size and content hash",
    usage: "[options] <dir>",
    load: () => import("./info.js"),
  },
  {
    name: "diff",
    summary: "show what changed between two skill versions (unified diff per file)",
    usage: "[options] <dirA> <dirB>",
    load: () => import("./diff.js"),
  },
  {
    name: "sandbox",
    summary: "run commands the way the agent's commands run: isolated, limited, without your secrets",
    usage: "",
    load: () => import("./sandbox.js"),
  },
  {
    name: "report",
    summary: "write (or refresh) a run's self-contained HTML report, report.html in its run folder",
    usage: "[options] <run>",
    load: () => import("./report.js"),
  },
  {
    name: "runs",
    summary: "list the runs in a runs folder, newest first, with their key figures",
    usage: "[options]",
    load: () => import("./runs.js"),
  },
  {
    name: "show",
    summary: "print a run, or one iteration of an optimize run, as plain text",
    usage: "[options] <run>",
    load: () => import("./show.js"),
  },
];
