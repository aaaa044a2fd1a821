// Loaded with `node --import`: makes bullmq and ioredis unresolvable, as after a plain
// `npm i skillgrad` (they are optional peer dependencies).
import { register } from "node:module";

register("./hide-queue-peers-hooks.mjs", import.meta.url);
