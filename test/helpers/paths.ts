import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** ../shared beside the repository: data and fixtures every engineer and CI has. */
export const SHARED = fileURLToPath(new URL("../../../shared/", import.meta.url));
export const FIXTURE_SKILLS = `${SHARED}fixtures/skills`;
export const SHARED_DATA = `${SHARED}data`;
export const REPO = fileURLToPath(new URL("../../", import.meta.url));
/** The committed sim world (a simulation) and its seed skill. */
export const EXAMPLE_WORLD = join(REPO, "examples", "sim-world");
export const SEED_SKILL = join(EXAMPLE_WORLD, "skills", "csv-analyst");
