import { lchown, lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { workspaceOwner } from "../../sandbox/workspace.js";
import { type Skill, saveSkillVersion } from "../../skill/index.js";

/**
 * Copies a skill version to `<workspace>/<folder>/<skill name>/`, where the agent discovers it, and
 * returns that folder. What skillgrad made belongs to whoever the agent runs as (the sandbox user
 * when skillgrad runs as root), like the rest of the workspace.
 */
export async function copySkillInto(skill: Skill, workspace: string, folder: string): Promise<string> {
  const dir = join(workspace, folder, skill.name);
  await saveSkillVersion(skill, dir);
  const owner = workspaceOwner();
  const top = folder.split("/")[0];
  if (owner && top) await chownTree(join(workspace, top), owner);
  return dir;
}

async function chownTree(path: string, owner: { uid: number; gid: number }): Promise<void> {
  await lchown(path, owner.uid, owner.gid);
  const info = await lstat(path);
  if (!info.isDirectory()) return;
  for (const name of await readdir(path)) await chownTree(join(path, name), owner);
}
