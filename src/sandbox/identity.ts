import { SkillgradError } from "../errors.js";
import { findSystemExecutable } from "./executables.js";

/**
 * Who the sandboxed command runs as.
 *
 * Root ignores RLIMIT_NPROC and owns most of the host's files, so when skillgrad runs as root the
 * command is dropped to the unprivileged `nobody` user (uid/gid 65534) in both modes. A workspace
 * skillgrad creates is handed to that user once, when it is made (see createWorkspace); a folder
 * skillgrad did not create never changes owner.
 * A normal user keeps their own uid: the process limit already applies to them.
 */
export const SANDBOX_UID = 65534;
export const SANDBOX_GID = 65534;

export interface HostUser {
  uid: number;
  gid: number;
}

export function currentUser(): HostUser {
  // process.getuid is absent only on Windows, which has no bubblewrap either.
  return { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 };
}

/** True when commands must be dropped to SANDBOX_UID (we are root). */
export function mustDropPrivileges(user: HostUser = currentUser()): boolean {
  return user.uid === 0;
}

/** setpriv argv that becomes nobody with no capabilities and no way to gain any, then execs the rest. */
export function dropPrivilegesPrefix(): string[] {
  const setpriv = findSystemExecutable("setpriv");
  if (!setpriv) {
    throw new SkillgradError(
      "setpriv (util-linux) is missing; install util-linux, or do not run skillgrad as root",
    );
  }
  return [
    setpriv,
    `--reuid=${SANDBOX_UID}`,
    `--regid=${SANDBOX_GID}`,
    "--clear-groups",
    "--inh-caps=-all",
    "--bounding-set=-all",
    "--no-new-privs",
    "--",
  ];
}
