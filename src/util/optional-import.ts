import { errorMessage, SkillgradError } from "../errors.js";

/**
 * Imports code that needs an optional peer dependency (node-llama-cpp, bullmq, ioredis): a plain
 * install of skillgrad leaves them out to stay small. When `packages` matches the module that could
 * not be found, the error becomes one line, `missing`, saying what to install; any other failure
 * (a broken install, a bug) is thrown as it is.
 */
export async function importOptional<T>(
  load: () => Promise<T>,
  packages: RegExp,
  missing: string,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (
      (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
      packages.test(errorMessage(error))
    ) {
      throw new SkillgradError(missing, { cause: error });
    }
    throw error;
  }
}
