import { lstat, readFile } from "node:fs/promises";
import { confinedPath, WorkspacePathError } from "./builtin/workspace-files.js";

/**
 * The answer a task asked to be written to a workspace file (task.answerFile), trimmed; undefined
 * when the agent wrote no such file (or a link leading out of the workspace).
 */
export async function readAnswerFile(workspace: string, path: string): Promise<string | undefined> {
  try {
    const full = await confinedPath(workspace, path);
    const info = await lstat(full).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return (await readFile(full, "utf8")).trim();
  } catch (error) {
    if (error instanceof WorkspacePathError) return undefined;
    throw error;
  }
}
