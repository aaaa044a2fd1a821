import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";

import type { RunEventRecord } from "./events.js";

/** A run event as the loop and evaluate record them (see events.ts). */
export type ProgressEvent = RunEventRecord;

/** What the status line shows; a pure snapshot so rendering can be tested without a terminal. */
export interface ProgressState {
  label: string;
  startedAt: number;
  now: number;
  stage: string | null;
  iteration: number | null;
  /** Planned iterations, when known. */
  iterations: number | null;
  iterationsDone: number;
  iterationStartedAt: number | null;
  /** Wall time of each finished iteration. */
  iterationMs: number[];
  /** The evaluation under way: task runs done of total, and passes among them. */
  done: number;
  total: number;
  passes: number;
  evalStartedAt: number | null;
  costUsd: number | null;
}

export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/**
 * Time left: from the mean iteration time while planned iterations remain, else (eval runs, the
 * final test split) from the pace of the evaluation under way. null when there is nothing to go on.
 */
export function estimateLeft(state: ProgressState): number | null {
  if (state.iterations !== null && state.iterationMs.length > 0 && state.iterationsDone < state.iterations) {
    const mean = state.iterationMs.reduce((a, b) => a + b, 0) / state.iterationMs.length;
    const inCurrent = state.iterationStartedAt === null ? 0 : state.now - state.iterationStartedAt;
    const left = Math.max(0, state.iterations - state.iterationsDone) * mean - inCurrent;
    return Math.max(0, left);
  }
  if (state.evalStartedAt !== null && state.done > 0 && state.total > state.done) {
    return ((state.now - state.evalStartedAt) / state.done) * (state.total - state.done);
  }
  return null;
}

/** The one-line status for a terminal, cut to `width` columns. */
export function renderStatusLine(state: ProgressState, width = 100): string {
  const parts = [state.label];
  if (state.iteration !== null) {
    parts.push(`iteration ${state.iteration}${state.iterations !== null ? `/${state.iterations}` : ""}`);
  }
  if (state.stage) parts.push(state.stage);
  if (state.total > 0) {
    parts.push(`tasks ${state.done}/${state.total}`);
    if (state.done > 0) parts.push(`pass ${Math.round((state.passes / state.done) * 100)}%`);
  }
  if (state.costUsd !== null) parts.push(`$${state.costUsd.toFixed(state.costUsd < 1 ? 4 : 2)}`);
  parts.push(`${clock(state.now - state.startedAt)} elapsed`);
  const left = estimateLeft(state);
  if (left !== null) parts.push(`~${clock(left)} left`);
  const line = parts.join(" · ");
  return line.length <= width ? line : `${line.slice(0, Math.max(0, width - 1))}…`;
}

/** Where progress goes: stderr by default (stdout stays clean for --json). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Default: process.stderr. */
  stream?: ProgressStream;
  /** Print nothing at all (--quiet). */
  quiet?: boolean;
  /** Shown first on the status line, e.g. "optimize" or "eval". */
  label?: string;
  /** Dollars spent so far, e.g. () => hub.totals().total.knownCostUsd. */
  costUsd?: () => number | null;
  /** Planned iterations (optimize), for the time estimate. */
  iterations?: number;
  /** Or the plan to work them out from the training set's size when its train-set event arrives. */
  plan?: { batchSize: number; epochs: number; maxIterations?: number };
  /** For tests. */
  now?: () => number;
}

/**
 * Live progress on stderr. On a terminal it redraws one status line (stage, iteration, tasks done,
 * pass rate, dollars, elapsed and time left); elsewhere (CI, pipes) it prints a few plain lines:
 * one per stage and per quarter of an evaluation. Feed it events (`event`) and task results
 * (`result`), or let it read the run's events.jsonl (`follow`); call `stop` at the end.
 */
export class Progress {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly state: ProgressState;
  private lastDraw = 0;
  private drawn = false;
  private timer: NodeJS.Timeout | null = null;
  private follower: { path: string; offset: number; rest: string; timer: NodeJS.Timeout } | null = null;
  private loggedQuarter = -1;

  constructor(private readonly options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
    this.now = options.now ?? Date.now;
    const now = this.now();
    this.state = {
      label: options.label ?? "skillgrad",
      startedAt: now,
      now,
      stage: null,
      iteration: null,
      iterations: options.iterations ?? null,
      iterationsDone: 0,
      iterationStartedAt: null,
      iterationMs: [],
      done: 0,
      total: 0,
      passes: 0,
      evalStartedAt: null,
      costUsd: null,
    };
    if (this.tty && !options.quiet) {
      // keeps the elapsed time moving while a long task runs
      this.timer = setInterval(() => this.draw(true), 1000);
      this.timer.unref();
    }
  }

  /** A snapshot of the state, for tests and for callers that print their own summary. */
  snapshot(): ProgressState {
    return { ...this.state, iterationMs: [...this.state.iterationMs], now: this.now(), costUsd: this.cost() };
  }

  event(event: ProgressEvent): void {
    const s = this.state;
    const now = this.now();
    const iteration = typeof event.iteration === "number" ? event.iteration : null;
    switch (event.type) {
      case "stage": {
        s.stage = typeof event.stage === "string" ? event.stage : s.stage;
        if (iteration !== null && iteration !== s.iteration) {
          s.iteration = iteration;
          s.iterationStartedAt = now;
        }
        if (iteration === null && s.stage !== "validate") s.iteration = null;
        const where = iteration !== null ? `iteration ${iteration}: ` : "";
        const version = typeof event.version === "string" ? ` ${event.version}` : "";
        // on a terminal the status line shows the stage; plain output logs it
        if (!this.tty) this.log(`${where}${s.stage}${version}`);
        break;
      }
      case "eval-start":
        s.done = 0;
        s.passes = 0;
        s.total =
          typeof event.runs === "number" ? event.runs : typeof event.tasks === "number" ? event.tasks : 0;
        s.evalStartedAt = now;
        this.loggedQuarter = 0;
        if (typeof event.subdir === "string" && event.subdir.startsWith("test")) {
          s.stage = `test ${event.subdir.split(/[\\/]/)[1] ?? ""}`.trim();
          s.iteration = null;
          this.log(s.stage);
        }
        break;
      case "task-done":
        this.taskDone(event.pass === true, Number(event.done), Number(event.total));
        return;
      case "train-set":
        if (this.options.plan && typeof event.size === "number")
          s.iterations = plannedIterations(event.size, this.options.plan);
        this.log(
          `training set: ${String(event.size)} tasks (${String(event.from)}); seed pass rate on the pool ${percent(Number(event.basePassRate))}`,
        );
        break;
      case "iteration-done": {
        if (s.iterationStartedAt !== null) s.iterationMs.push(now - s.iterationStartedAt);
        s.iterationsDone = Math.max(s.iterationsDone, iteration ?? s.iterationsDone + 1);
        s.iterationStartedAt = null;
        this.log(
          `iteration ${String(event.iteration)} done: ${String(event.failures)}/${String(event.batch)} failed; current version ${String(event.version)}`,
        );
        break;
      }
      case "stopped":
      case "eval-stopped":
        this.log(`stopped: ${String(event.reason)}`);
        break;
      default:
        break;
    }
    this.draw();
  }

  /** One graded task run (evaluate's onResult). Repeats of the same count (done) are ignored. */
  result(result: { pass: boolean }, done: number, total: number): void {
    this.taskDone(result.pass, done, total);
  }

  private taskDone(pass: boolean, done: number, total: number): void {
    const s = this.state;
    if (!Number.isFinite(done) || done <= s.done) return;
    if (s.evalStartedAt === null) s.evalStartedAt = this.now();
    s.done = done;
    if (Number.isFinite(total)) s.total = total;
    if (pass) s.passes++;
    if (!this.tty && s.total > 0) {
      const quarter = Math.floor((done / s.total) * 4);
      if (quarter > this.loggedQuarter && (s.total >= 8 || done === s.total)) {
        this.loggedQuarter = quarter;
        this.log(`${done}/${s.total} task runs, pass rate so far ${percent(s.passes / done)}`);
      }
    }
    this.draw();
  }

  /** Reads events as the run appends them to events.jsonl (polling), so no callback wiring is needed. */
  follow(eventsPath: string, intervalMs = 250): void {
    const offset = existsSync(eventsPath) ? statSync(eventsPath).size : 0;
    const timer = setInterval(() => this.readNew(), intervalMs);
    timer.unref();
    this.follower = { path: eventsPath, offset, rest: "", timer };
  }

  private readNew(): void {
    const f = this.follower;
    if (!f || !existsSync(f.path)) return;
    const size = statSync(f.path).size;
    if (size <= f.offset) return;
    const fd = openSync(f.path, "r");
    const buffer = Buffer.alloc(size - f.offset);
    readSync(fd, buffer, 0, buffer.length, f.offset);
    closeSync(fd);
    f.offset = size;
    const lines = (f.rest + buffer.toString("utf8")).split("\n");
    f.rest = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      const parsed = parseEvent(line);
      if (parsed) this.event(parsed);
    }
  }

  /** Ends the progress display: reads the last events, and clears the status line on a terminal. */
  stop(): void {
    if (this.follower) {
      this.readNew();
      clearInterval(this.follower.timer);
      this.follower = null;
    }
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.drawn) this.stream.write("\r\x1b[2K");
    this.drawn = false;
  }

  private cost(): number | null {
    return this.options.costUsd ? this.options.costUsd() : null;
  }

  private log(message: string): void {
    if (this.options.quiet) return;
    if (this.tty) {
      // a finished step stays on screen above the status line
      this.stream.write(`\r\x1b[2K  ${message}\n`);
      this.drawn = false;
      this.draw(true);
    } else this.stream.write(`  ${message}\n`);
  }

  private draw(force = false): void {
    if (!this.tty || this.options.quiet) return;
    const now = this.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.state.now = now;
    this.state.costUsd = this.cost();
    const width = Math.max(20, (this.stream.columns || 100) - 1);
    this.stream.write(`\r\x1b[2K${renderStatusLine(this.state, width)}`);
    this.drawn = true;
  }
}

/** Batches of every epoch over the training set, capped by --iterations (as the loop plans them). */
export function plannedIterations(trainSize: number, plan: NonNullable<ProgressOptions["plan"]>): number {
  const all = Math.ceil(trainSize / plan.batchSize) * plan.epochs;
  return plan.maxIterations === undefined ? all : Math.min(all, plan.maxIterations);
}

function percent(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "—";
}

function parseEvent(line: string): ProgressEvent | null {
  try {
    const value = JSON.parse(line) as unknown;
    return value && typeof value === "object" && typeof (value as ProgressEvent).type === "string"
      ? (value as ProgressEvent)
      : null;
  } catch {
    // a line cut off mid-write is skipped; the rest of the file still counts
    return null;
  }
}
