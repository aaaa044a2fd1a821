import { readFile } from "node:fs/promises";
import { z } from "zod";
import { errorMessage, SkillgradError } from "../errors.js";
import type { TriggerQuery } from "./types.js";

const queryLine = z
  .object({
    id: z.union([z.string().min(1), z.number()]).transform(String),
    query: z.string().trim().min(1),
    shouldTrigger: z.boolean(),
    note: z.string().optional(),
  })
  .strict();

/**
 * Reads a trigger query set: JSON Lines of `{"id", "query", "shouldTrigger", "note"?}`. Blank lines and
 * lines starting with `//` are skipped. A bad line or a duplicate id is one clear error naming the line.
 */
export async function loadTriggerQueries(file: string): Promise<TriggerQuery[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new SkillgradError(`cannot read the query file ${file} (${errorMessage(error)}); check --queries`);
  }
  const queries: TriggerQuery[] = [];
  const seen = new Map<string, number>();
  for (const [index, raw] of text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("//")) continue;
    const where = `${file}:${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new SkillgradError(`${where}: not valid JSON (${errorMessage(error)}); fix or remove the line`);
    }
    const parsed = queryLine.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.length ? `field "${issue.path.join(".")}"` : "the line";
      throw new SkillgradError(
        `${where}: ${field}: ${issue?.message ?? "invalid"}; a line is {"id", "query", "shouldTrigger": true|false, "note"?}`,
      );
    }
    const earlier = seen.get(parsed.data.id);
    if (earlier !== undefined)
      throw new SkillgradError(`${where}: duplicate query id "${parsed.data.id}" (first on line ${earlier})`);
    seen.set(parsed.data.id, index + 1);
    queries.push(parsed.data);
  }
  if (queries.length === 0) throw new SkillgradError(`${file} holds no queries`);
  if (!queries.some((q) => q.shouldTrigger) || queries.every((q) => q.shouldTrigger))
    throw new SkillgradError(
      `${file} needs both kinds of query: some with "shouldTrigger": true and some with false (near misses)`,
    );
  return queries;
}
