import { SkillgradError } from "../errors.js";
import { findSystemExecutable } from "./executables.js";

/**
 * The process between skillgrad and a command run with `--sandbox none`.
 *
 * - It is started with the command's cleared environment, so the command's parent
 *   (/proc/$PPID/environ) holds no API key.
 * - It becomes a child subreaper (prctl PR_SET_CHILD_SUBREAPER): every process the command leaves
 *   behind, even one that left the process group with setsid or double-forked, is re-parented to
 *   it. When the command ends (or skillgrad sends SIGTERM, or skillgrad dies) it SIGKILLs all of
 *   them and waits for them, so no daemon outlives the command.
 * - When a cgroup is given, it joins it first, so the command and all its processes are in it.
 * - As root it stays root (the command is dropped to nobody after it), so the command cannot kill
 *   it to escape the clean-up.
 * It exits with the command's status, or dies of the command's signal.
 *
 * Written in Python because Node has no prctl; python3 is also what agent code runs.
 */
const REAPER_SOURCE = String.raw`
import ctypes, os, resource, signal, sys
parent, procs_file, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG: skillgrad died -> clean up
if os.getppid() != parent:
    sys.exit(125)
if procs_file:
    with open(procs_file, "w") as f:
        f.write(str(os.getpid()))
if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
    sys.stderr.write("skillgrad: cannot become a subreaper: %s\n" % os.strerror(ctypes.get_errno()))
    sys.exit(125)

class Stop(Exception):
    pass

def stop(signum, frame):
    raise Stop()

signal.signal(signal.SIGTERM, stop)
main = os.fork()
if main == 0:
    for name in ("SIGPIPE", "SIGXFSZ", "SIGTERM"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    try:
        os.execvp(command[0], command)
    except OSError as error:
        sys.stderr.write("skillgrad: cannot run %s: %s\n" % (command[0], error.strerror))
        os._exit(127)

status = None
try:
    while status is None:
        pid, code = os.waitpid(-1, 0)
        if pid == main:
            status = code
except (Stop, ChildProcessError):
    pass
signal.signal(signal.SIGTERM, signal.SIG_IGN)

def children():
    me, found = os.getpid(), []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                stat = f.read()
        except OSError:
            continue
        if int(stat[stat.rfind(b")") + 2:].split()[1]) == me:
            found.append(int(name))
    return found

while True:
    for pid in children():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break

if status is None:  # stopped by skillgrad (timeout, a cap): as if killed
    os._exit(128 + signal.SIGKILL)
if os.WIFSIGNALED(status):
    number = os.WTERMSIG(status)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if number not in (signal.SIGKILL, signal.SIGSTOP):
        signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)
    os._exit(128 + number)
os._exit(os.WEXITSTATUS(status))
`;

/** argv that runs `command` under the reaper; `cgroupProcs` is a cgroup.procs file to join, or "". */
export function reaperArgv(command: string[], cgroupProcs = ""): string[] {
  const python = findSystemExecutable("python3");
  if (!python) {
    throw new SkillgradError(
      "--sandbox none needs python3 (to clean up the processes a command leaves behind): install python3",
    );
  }
  // -I: ignore PYTHON* variables and the user's site folder; -S: no site import (faster start).
  return [python, "-I", "-S", "-c", REAPER_SOURCE, String(process.pid), cgroupProcs, ...command];
}
