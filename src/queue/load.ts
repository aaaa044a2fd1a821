import { errorMessage, SkillgradError } from "../errors.js";

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
export async function loadQueue(load: () => Promise<QueueApi> = () => import("./api.js")): Promise<QueueApi> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (
      (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
      /['"](bullmq|ioredis)['"]|node_modules\/(bullmq|ioredis)\//.test(errorMessage(error))
    ) {
      throw new SkillgradError(QUEUE_PEERS_MISSING, { cause: error });
    }
    throw error;
  }
}
