import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeBack } from "./write-back.js";

const SKILL = "---\nname: demo\ndescription: A demo skill.\n---\n# Demo\n\nDo it.\n";

async function put(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(join(root, rel, ".."), { recursive: true });
    await writeFile(join(root, rel), text);
  }
}

/** A user's skill folder, the run's seed copy of it, and a best version with some changes. */
async function fixture() {
  const root = await mkdtemp(join(tmpdir(), "sg-writeback-"));
  const user = join(root, "user", "demo");
  const seed = join(root, "run", "skills", "v000", "demo");
  const best = join(root, "run", "best", "demo");
  const common = {
    "SKILL.md": SKILL,
    "scripts/run.sh": "#!/bin/sh\necho hi\n",
    "references/old.md": "old\n",
    "references/keep.md": "keep\n",
  };
  await put(user, { ...common, ".git/HEAD": "ref: refs/heads/main\n", ".git/config": "[core]\n" });
  await chmod(join(user, "scripts/run.sh"), 0o755);
  await symlink("keep.md", join(user, "references/alias.md"));
  await put(seed, { ...common, "references/alias.md": "keep\n" });
  await put(best, {
    "SKILL.md": `${SKILL}\nRead references/new.md when stuck.\n`,
    "scripts/run.sh": "#!/bin/sh\necho hello\n",
    "references/keep.md": "keep\n",
    "references/alias.md": "keep\n",
    "references/new.md": "new\n",
  });
  return { root, user, seed, best, backupRoot: join(root, "run", "write-back-backup") };
}

describe("writeBack", () => {
  it("writes file by file, keeping modes, symlinks and files skillgrad does not manage", async () => {
    const f = await fixture();
    const result = await writeBack({
      skillDir: f.user,
      seedDir: f.seed,
      bestDir: f.best,
      backupRoot: f.backupRoot,
    });
    expect(result.changed.sort()).toEqual(["SKILL.md", "scripts/run.sh"]);
    expect(result.added).toEqual(["references/new.md"]);
    expect(result.removed).toEqual(["references/old.md"]);
    expect(await readFile(join(f.user, "SKILL.md"), "utf8")).toContain("references/new.md");
    expect(await readFile(join(f.user, "scripts/run.sh"), "utf8")).toContain("hello");
    expect((await stat(join(f.user, "scripts/run.sh"))).mode & 0o777).toBe(0o755);
    expect(await readFile(join(f.user, ".git/HEAD"), "utf8")).toBe("ref: refs/heads/main\n");
    expect((await lstat(join(f.user, "references/alias.md"))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(f.user, "references/alias.md"))).toBe("keep.md");
    await expect(stat(join(f.user, "references/old.md"))).rejects.toThrow();
    // the backup is a whole copy of the folder as it was
    expect(result.backup).toBe(join(f.backupRoot, "demo"));
    expect(await readFile(join(String(result.backup), "SKILL.md"), "utf8")).toBe(SKILL);
    expect(await readFile(join(String(result.backup), "references/old.md"), "utf8")).toBe("old\n");
    expect(await readFile(join(String(result.backup), ".git/config"), "utf8")).toBe("[core]\n");
    expect((await stat(join(String(result.backup), "scripts/run.sh"))).mode & 0o777).toBe(0o755);
    expect(await readlink(join(String(result.backup), "references/alias.md"))).toBe("keep.md");
  });

  it("writes into the real folder when the skill path is a symlink, and leaves the link alone", async () => {
    const f = await fixture();
    const link = join(f.root, "linked-skill");
    await symlink(f.user, link);
    const result = await writeBack({
      skillDir: link,
      seedDir: f.seed,
      bestDir: f.best,
      backupRoot: f.backupRoot,
    });
    expect(result.target).toBe(f.user);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(join(f.user, "references/new.md"), "utf8")).toBe("new\n");
    expect((await lstat(String(result.backup))).isDirectory()).toBe(true);
    expect(await readFile(join(String(result.backup), "SKILL.md"), "utf8")).toBe(SKILL);
  });

  it("a symlinked file whose content changed becomes a regular file, its target untouched", async () => {
    const f = await fixture();
    await writeFile(join(f.best, "references/alias.md"), "changed\n");
    const result = await writeBack({
      skillDir: f.user,
      seedDir: f.seed,
      bestDir: f.best,
      backupRoot: f.backupRoot,
    });
    expect(result.unlinked).toEqual(["references/alias.md"]);
    expect((await lstat(join(f.user, "references/alias.md"))).isFile()).toBe(true);
    expect(await readFile(join(f.user, "references/alias.md"), "utf8")).toBe("changed\n");
    expect(await readFile(join(f.user, "references/keep.md"), "utf8")).toBe("keep\n");
  });

  it("refuses, changing nothing, when the user edited a skill file since the run began", async () => {
    const f = await fixture();
    await writeFile(join(f.user, "SKILL.md"), `${SKILL}\nMy own edit.\n`);
    await expect(
      writeBack({ skillDir: f.user, seedDir: f.seed, bestDir: f.best, backupRoot: f.backupRoot }),
    ).rejects.toThrow(/changed since the run began \(SKILL\.md\)/);
    expect(await readFile(join(f.user, "SKILL.md"), "utf8")).toContain("My own edit.");
    expect(await readFile(join(f.user, "references/old.md"), "utf8")).toBe("old\n");
  });

  it("writing back twice changes nothing the second time", async () => {
    const f = await fixture();
    await writeBack({ skillDir: f.user, seedDir: f.seed, bestDir: f.best, backupRoot: f.backupRoot });
    const again = await writeBack({
      skillDir: f.user,
      seedDir: f.seed,
      bestDir: f.best,
      backupRoot: f.backupRoot,
    });
    expect([...again.changed, ...again.added, ...again.removed]).toEqual([]);
    expect(again.backup).toBeNull();
    // the first backup (the original folder) is still there
    expect(await readFile(join(f.backupRoot, "demo", "SKILL.md"), "utf8")).toBe(SKILL);
  });

  it("never replaces an earlier backup", async () => {
    const f = await fixture();
    await put(join(f.backupRoot, "demo"), { "SKILL.md": "an earlier backup\n" });
    const result = await writeBack({
      skillDir: f.user,
      seedDir: f.seed,
      bestDir: f.best,
      backupRoot: f.backupRoot,
    });
    expect(result.backup).toBe(join(`${f.backupRoot}-2`, "demo"));
    expect(await readFile(join(f.backupRoot, "demo", "SKILL.md"), "utf8")).toBe("an earlier backup\n");
  });
});
