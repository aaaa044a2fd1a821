import { stat } from "node:fs/promises";
import { SkillgradError } from "../../errors.js";
import { catalogModel, catalogModelPath, MODEL_CATALOG } from "./catalog.js";
import { unknownModel } from "./pull.js";

export interface ListedModel {
  name: string;
  installed: boolean;
  path: string;
  sizeBytes: number;
  description: string;
  license: string;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/** The catalog, with whether each model's file is in place (at its full size). */
export async function listModels(
  env: Record<string, string | undefined> = process.env,
): Promise<ListedModel[]> {
  return Promise.all(
    MODEL_CATALOG.map(async (model) => {
      const path = catalogModelPath(model, env);
      return {
        name: model.name,
        installed: (await sizeOf(path)) === model.sizeBytes,
        path,
        sizeBytes: model.sizeBytes,
        description: model.description,
        license: model.license,
      };
    }),
  );
}

/** The file of an installed model; an error saying how to install it otherwise. */
export async function installedPath(
  name: string,
  env: Record<string, string | undefined> = process.env,
): Promise<string> {
  const model = catalogModel(name);
  if (!model) throw unknownModel(name);
  const path = catalogModelPath(model, env);
  if ((await sizeOf(path)) !== model.sizeBytes) {
    throw new SkillgradError(`${name} is not installed: run \`skillgrad models pull ${name}\``);
  }
  return path;
}
