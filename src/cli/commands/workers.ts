import type { Command } from "commander";

interface WorkersCliOptions {
  queue: string;
  json: boolean;
}

export function register(program: Command): void {
  program
    .command("workers")
    .description("list the workers connected to a Redis queue, and how many rollouts wait and run")
    .requiredOption(
      "--queue <url>",
      "the Redis the workers use: redis://host[:port][/db] (user:password@host to log in), or rediss:// for TLS",
    )
    .option("--json", "print {workers, queue} as JSON on stdout")
    .action(async (options: WorkersCliOptions) => {
      const { loadQueue } = await import("../../queue/load.js");
      const { connectRedis, listWorkers, parseQueueUrl, queueDepth } = await loadQueue();
      const address = parseQueueUrl(options.queue);
      const redis = await connectRedis(address);
      try {
        const [workers, queue] = await Promise.all([listWorkers(redis), queueDepth(address)]);
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ queue: address.shown, workers, depth: queue }, null, 2)}\n`,
          );
          return;
        }
        const head = ["worker", "host", "pid", "slots", "running", "done", "failed", "version", "up since"];
        const rows = workers.map((w) => [
          w.name,
          w.host,
          String(w.pid),
          String(w.concurrency),
          String(w.running),
          String(w.done),
          String(w.failed),
          w.version,
          w.startedAt.replace("T", " ").replace(/\.\d+Z$/, "Z"),
        ]);
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
        const line = (cells: string[]) =>
          cells
            .map((cell, i) => cell.padEnd(widths[i] ?? 0))
            .join("  ")
            .trimEnd();
        const lines = [`queue ${address.shown}`];
        lines.push(workers.length > 0 ? [line(head), ...rows.map(line)].join("\n") : "no worker connected");
        lines.push(
          `rollouts: ${queue.waiting} waiting, ${queue.active} running, ${queue.delayed} delayed; kept: ${queue.completed} done, ${queue.failed} failed`,
        );
        process.stdout.write(`${lines.join("\n")}\n`);
      } finally {
        redis.disconnect();
      }
    });
}
