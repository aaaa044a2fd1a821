import { importOptional } from "../util/optional-import.js";

type QueueApi = typeof import("./api.js");

/** The majors of the queue's optional peer dependencies skillgrad is built and tested against. */
export const QUEUE_PEERS = { bullmq: "6", ioredis: "5" } as const;

export const QUEUE_PEERS_MISSING =
  `the queue (--queue, skillgrad worker, skillgrad workers) needs bullmq and ioredis, which a plain install of skillgrad leaves out: run \`npm i bullmq@${QUEUE_PEERS.bullmq} ioredis@${QUEUE_PEERS.ioredis}\`` +
  ` where skillgrad is installed (\`npm i -g bullmq@${QUEUE_PEERS.bullmq} ioredis@${QUEUE_PEERS.ioredis}\` for a global skillgrad)`;

/**
 * Loads the queue's code when a command needs it. bullmq and ioredis (and their dozen dependencies)
 * are optional peer dependencies, so a plain install of skillgrad stays small; nothing else
 * imports them, and without --queue they are never loaded. A missing one becomes one line that says
 * what to install. `load` is for tests.
 */
export function loadQueue(load: () => Promise<QueueApi> = () => import("./api.js")): Promise<QueueApi> {
  return importOptional(
    load,
    /['"](bullmq|ioredis)['"]|node_modules\/(bullmq|ioredis)\//,
    QUEUE_PEERS_MISSING,
  );
}
