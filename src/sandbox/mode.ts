import { SkillgradError } from "../errors.js";
import { probeBwrap } from "./bwrap.js";
import type { Isolation, SandboxMode } from "./types.js";

/** What to do when bubblewrap cannot be used: said in every refusal. */
export const INSTALL_BWRAP_HINT =
  "install bubblewrap (bash scripts/install-system-deps.sh, or apt-get install bubblewrap), " +
  "or pass --sandbox none to run agent commands without isolation";

/**
 * The isolation a mode gives on this machine. `auto` and `bwrap` are bubblewrap when it is
 * installed and works (probed once per process); otherwise they refuse (the sandbox fails closed).
 * Only an explicit `none` runs commands without bubblewrap.
 */
export function resolveSandboxMode(mode: SandboxMode): Isolation {
  if (mode === "none") return "none";
  const probe = probeBwrap();
  if (probe.usable) return "bwrap";
  throw new SkillgradError(`no sandbox for agent commands: ${probe.reason}; ${INSTALL_BWRAP_HINT}`);
}

let warned = false;

/** Says once per process, on stderr, that commands run without the sandbox (--sandbox none). */
export function warnReducedIsolation(): void {
  if (warned) return;
  warned = true;
  process.stderr.write(
    "skillgrad: warning: --sandbox none: commands run without filesystem, network or process isolation, " +
      "with only a cleared environment and time, output, process, memory and disk limits\n",
  );
}
