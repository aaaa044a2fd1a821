import { findSystemExecutable, SAFE_PATH } from "./executables.js";
import type { SandboxCommand, SandboxLimits } from "./types.js";

/**
 * The command's whole environment, built from scratch (never copied from process.env) so host
 * secrets such as OPENAI_API_KEY can never reach it.
 */
export function sandboxEnv(home: string, tmp = "/tmp"): Record<string, string> {
  return {
    PATH: SAFE_PATH,
    HOME: home,
    TMPDIR: tmp,
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    TERM: "dumb",
    PYTHONDONTWRITEBYTECODE: "1",
  };
}

/** argv of the command itself: a shell script runs under bash (sh when bash is missing). */
export function commandArgv(command: SandboxCommand): string[] {
  if (Array.isArray(command)) return command;
  const shell = findSystemExecutable("bash") ?? "/bin/sh";
  return [shell, "-c", command.shell];
}

const MIB = 1024 * 1024;

/**
 * A prefix that applies the process, memory and file-size limits and then execs the command.
 * Uses util-linux `prlimit`; falls back to the shell's `ulimit` (dash spells the process limit -p).
 */
export function limitPrefix(limits: SandboxLimits): string[] {
  return [...closeInheritedFdsPrefix(), ...rlimitPrefix(limits)];
}

/**
 * Neither Node nor bwrap closes descriptors our own parent leaked to us without close-on-exec;
 * one could lead back to the host, so bash closes every descriptor above stderr before the exec.
 */
function closeInheritedFdsPrefix(): string[] {
  const bash = findSystemExecutable("bash");
  if (!bash) return [];
  const script =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
    'for f in /proc/self/fd/*; do n="${f##*/}"; if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null; fi; done; exec "$@"';
  return [bash, "-c", script, "skillgrad-close-fds"];
}

function rlimitPrefix(limits: SandboxLimits): string[] {
  const prlimit = findSystemExecutable("prlimit");
  if (prlimit) {
    return [
      prlimit,
      `--nproc=${limits.maxProcesses}`,
      `--as=${limits.memoryMb * MIB}`,
      `--fsize=${limits.diskMb * MIB}`,
      "--core=0",
      "--",
    ];
  }
  const script =
    `ulimit -v ${limits.memoryMb * 1024} && ulimit -f ${limits.diskMb * 2048} && ulimit -c 0 && ` +
    `{ ulimit -u ${limits.maxProcesses} 2>/dev/null || ulimit -p ${limits.maxProcesses}; } && exec "$@"`;
  return ["/bin/sh", "-c", script, "skillgrad-limits"];
}
