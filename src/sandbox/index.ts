/**
 * The sandbox every agent-run command goes through: a fresh workspace per task run, and
 * bubblewrap isolation (no network, no host files, no secrets) with time, output, process and
 * memory limits. See bwrap.ts for the exact layout inside the sandbox.
 */
export { hasBwrap } from "./bwrap.js";
export { resolveSandboxMode } from "./mode.js";
export { limitNotes } from "./notes.js";
export { runSandboxed } from "./run.js";
export {
  DEFAULT_LIMITS,
  FALLBACK_MEMORY_MB,
  type Isolation,
  type RunSandboxedOptions,
  type SandboxCommand,
  type SandboxLimits,
  type SandboxMode,
  type SandboxResult,
} from "./types.js";
export { createWorkspace, type WorkspaceFile, workspaceOwner } from "./workspace.js";
