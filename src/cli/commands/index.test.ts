import { Command, Help } from "commander";
import { describe, expect, it } from "vitest";
import { commands } from "./index.js";

describe("the command table", () => {
  it("lists each command once", () => {
    const names = commands.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
  });

  // `skillgrad --help` shows the table without loading the modules, so the two must agree.
  it.each(commands.map((entry) => [entry.name, entry] as const))(
    "%s: the module declares the name, summary and usage of its entry",
    async (_name, entry) => {
      const program = new Command("skillgrad");
      (await entry.load()).register(program);
      expect(program.commands.map((command) => command.name())).toEqual([entry.name]);
      const command = program.commands[0] as Command;
      expect(command.description()).toBe(entry.summary);
      expect(new Help().subcommandTerm(command)).toBe(
        entry.usage === "" ? entry.name : `${entry.name} ${entry.usage}`,
      );
    },
  );
});
