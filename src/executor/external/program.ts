import { closeSync, openSync, readSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, resolve, sep } from "node:path";
import { SkillgradError } from "../../errors.js";
import { findExecutable, isExecutableFile } from "../../sandbox/executables.js";

/** An external agent's program, and the host folders it needs to run inside the sandbox. */
export interface AgentProgram {
  /** The path as found (a symlink in node_modules/.bin stays a symlink: the program may look at its name). */
  path: string;
  /** Folders bound read-only into the sandbox: the program's own, and its node_modules tree. */
  readOnlyDirs: string[];
}

const SYSTEM_PREFIXES = ["/usr/", "/bin/", "/lib/", "/lib64/", "/sbin/", "/etc/"];

/**
 * Finds the agent's program: `bin` when given (a path, or a name looked up on PATH), else `name` on
 * PATH. Missing is systemic (every task would fail the same way): a SkillgradError saying what to do.
 */
export function findAgentProgram(name: string, label: string, install: string, bin?: string): AgentProgram {
  const wanted = bin ?? name;
  const found = wanted.includes("/")
    ? isExecutableFile(resolve(wanted))
      ? resolve(wanted)
      : undefined
    : findExecutable(wanted);
  if (!found) {
    throw new SkillgradError(
      bin === undefined
        ? `${name} (${label}) is not on PATH: install it (${install}) or pass --executor-bin PATH`
        : `--executor-bin ${bin} is not an executable file: pass the path of the ${label} program`,
    );
  }
  return { path: found, readOnlyDirs: programDirs(found) };
}

/**
 * What the program needs to see: the folder of the real file, the whole node_modules tree it sits in
 * (npm packages start platform binaries from sibling packages), and the interpreter a script names.
 * System folders are visible in the sandbox anyway.
 */
function programDirs(program: string): string[] {
  const dirs = new Set<string>();
  const add = (dir: string) => {
    if (!SYSTEM_PREFIXES.some((prefix) => `${dir}/`.startsWith(prefix))) dirs.add(dir);
  };
  for (const path of [program, realpathSync(program)]) {
    add(dirname(path));
    const parts = path.split(sep);
    const top = parts.indexOf("node_modules");
    if (top > 0) add(parts.slice(0, top + 1).join(sep));
  }
  const interpreter = shebangInterpreter(realpathSync(program));
  if (interpreter && isAbsolute(interpreter)) add(dirname(realpathSync(interpreter)));
  // a folder inside another one in the list needs no bind of its own
  const sorted = [...dirs].sort();
  return sorted.filter((dir) => !sorted.some((other) => other !== dir && dir.startsWith(`${other}/`)));
}

/** `#!/usr/bin/env node` → the node on PATH; `#!/path/to/x` → that path. */
function shebangInterpreter(file: string): string | undefined {
  const buffer = Buffer.alloc(200);
  let head: string;
  try {
    const fd = openSync(file, "r");
    try {
      head = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString("latin1");
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const line = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(head);
  if (!line?.[1]) return undefined;
  if (line[1].endsWith("/env") && line[2]) return findExecutable(line[2]);
  return line[1];
}
