import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { EvaluationFile } from "../../../triggers/optimize/loop.js";
import type { TriggerMetrics } from "../../../triggers/types.js";
import { readJsonOrNull } from "../../list.js";
import { badge, esc, percent, section, table } from "../html.js";
import type { RunData } from "../load.js";

/** Joint optimization (optimize --trigger-queries): task pass rate and trigger F1 of each version, side by side. */

const f1 = (m: TriggerMetrics | undefined) =>
  m?.f1 === null || m?.f1 === undefined
    ? "—"
    : `<b>${m.f1.toFixed(3)}</b> <span class="muted">P ${percent(m.precision)}, R ${percent(m.recall)}</span>`;

export function hasTriggers(data: RunData): boolean {
  return Boolean(data.config && typeof data.config === "object" && "triggers" in data.config);
}

export function triggersSection(data: RunData): string {
  const root = join(data.dir, "triggers");
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^v\d+$/.test(v))
        .sort()
    : [];
  if (versions.length === 0)
    return section("triggers", "Triggering", `<p class="muted">No trigger evaluation yet.</p>`);
  const kept = new Map((data.state?.versions ?? []).map((v) => [v.id, v]));
  const rows = versions.map((version) => {
    const heldout = readJsonOrNull<EvaluationFile>(join(root, version, "heldout", "evaluation.json"));
    const train = readJsonOrNull<EvaluationFile>(join(root, version, "train", "evaluation.json"));
    const record = kept.get(version);
    const status =
      version === data.state?.best
        ? badge("best", "pass")
        : record
          ? badge("kept", "info")
          : badge("rejected", "fail");
    return [
      `<code>${esc(version)}</code> ${status}`,
      record?.validation === null || record?.validation === undefined ? "—" : percent(record.validation),
      f1(heldout?.summary.metrics),
      f1(train?.summary.metrics),
      `<span class="muted">${esc(heldout?.summary.skill.description ?? train?.summary.skill.description ?? "")}</span>`,
    ];
  });
  const diagnosed = readdirSync(join(data.dir, "iterations"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .flatMap((name) => {
      const loss = readJsonOrNull<{
        version: string;
        wrong: string[];
        diagnosis: { summary: string } | null;
      }>(join(data.dir, "iterations", name, "trigger-diagnosis.json"));
      const patch = readJsonOrNull<{ applied: boolean; why?: string; reason?: string }>(
        join(data.dir, "iterations", name, "trigger-patch.json"),
      );
      if (!loss) return [];
      return [
        [
          String(Number(name)),
          `<code>${esc(loss.version)}</code>`,
          String(loss.wrong.length),
          esc(loss.diagnosis?.summary ?? ""),
          patch
            ? patch.applied
              ? esc(patch.why ?? "")
              : `<span class="muted">${esc(patch.reason ?? "")}</span>`
            : "",
        ],
      ];
    });
  return section(
    "triggers",
    "Triggering",
    `<p>Each version's task pass rate (validation) beside its trigger F1 on the held-out and the training trigger queries. Mis-triggered training queries join the loss; their diagnosis goes to the description (the H layer).</p>${table(["version", "validation pass rate", "trigger F1, held-out", "trigger F1, train", "description"], rows)}<h3>Trigger diagnoses per iteration</h3>${diagnosed.length > 0 ? table(["iteration", "of", "mis-triggered", "diagnosis", "description editor"], diagnosed) : `<p class="muted">None yet.</p>`}`,
  );
}
