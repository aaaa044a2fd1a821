import { SkillgradError } from "../../errors.js";
import { anthropicProvider } from "./anthropic.js";
import { localProvider } from "./local.js";
import { ollamaProvider } from "./ollama.js";
import { openaiProvider } from "./openai.js";
import { openaiCompatibleProvider } from "./openai-compatible.js";
import type { ProviderRecord } from "./record.js";

// The providers built into models/, in the order help text lists them. Others register themselves:
// the offline sim (src/sim) when imported, so that models/ depends on the AI SDK alone.
const records = new Map<string, ProviderRecord>(
  [openaiProvider, anthropicProvider, ollamaProvider, openaiCompatibleProvider, localProvider].map(
    (record) => [record.name, record],
  ),
);

/**
 * Adds a provider (or replaces one of the same name). Model strings "<name>:…" reach it from then on;
 * the accepted-forms list and help text include it.
 */
export function registerProvider(record: ProviderRecord): void {
  if (!/^[a-z][a-z0-9-]*$/.test(record.name)) {
    throw new SkillgradError(
      `invalid provider name "${record.name}": use lower-case letters, digits and "-"`,
    );
  }
  records.set(record.name, record);
}

export function providerNamed(name: string): ProviderRecord | undefined {
  return records.get(name);
}

export function providerRecords(): ProviderRecord[] {
  return [...records.values()];
}

/** Every accepted model-string form, from the records ("openai:<model>", …, "sim"). */
export function acceptedModelForms(): string[] {
  return providerRecords().map((record) => record.forms[0] ?? record.name);
}

/** One line per provider for help text: its forms and what it needs. */
export function modelFormsHelp(): string {
  return providerRecords()
    .map((record) => `  ${record.forms.join(" | ")}${record.needs ? `  (${record.needs})` : ""}`)
    .join("\n");
}

/** Whether a model string names a simulation rather than a language model. */
export function isSimulatedModel(spec: string): boolean {
  const name = spec.trim().split(":")[0] ?? "";
  return providerNamed(name)?.simulated === true;
}
