// What the CLI uses of the queue, loaded in one piece through load.ts (only for --queue, worker, workers).
export { FolderInputStore } from "./folder-store.js";
export { connectRedis } from "./redis.js";
export { QueueSession } from "./session.js";
export { parseQueueUrl } from "./url.js";
export { startWorker } from "./worker.js";
export { listWorkers, queueDepth } from "./workers-list.js";
