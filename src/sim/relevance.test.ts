import { describe, expect, it } from "vitest";
import { chooseSkill, relevanceWords } from "./relevance.js";

/** The sim's relevance rule (a simulation of an agent choosing a skill from its list). */

const settings = { noise: 0, seed: 1, callSeed: 0 };
const chart = {
  name: "chart-maker",
  description: "Draw bar, line and pie charts from tables and save them as images.",
};
const cleaner = {
  name: "csv-cleaner",
  description: "Remove duplicate rows, trim whitespace and rename columns in CSV files.",
};

describe("the sim relevance rule", () => {
  it("folds plurals and drops stop words", () => {
    expect([...relevanceWords("How many rows are in the entries of these boxes?")]).toEqual([
      "many",
      "row",
      "entry",
      "box",
    ]);
  });

  it("activates the best-scoring skill only when it reaches the threshold", () => {
    const analyst = {
      name: "csv-analyst",
      description: "Answer questions about CSV files: totals, averages and counts.",
    };
    expect(chooseSkill("What is the total in sales.csv?", [analyst, chart, cleaner], settings).chosen).toBe(
      "csv-analyst",
    );
    expect(chooseSkill("Make a pie chart of sales.csv", [analyst, chart, cleaner], settings).chosen).toBe(
      "chart-maker",
    );
    expect(
      chooseSkill("What is the capital of Australia?", [analyst, chart, cleaner], settings).chosen,
    ).toBeUndefined();
  });

  it("a vague description is passed over for the requests it is meant for (recall)", () => {
    const vague = { name: "csv-analyst", description: "Helps with data." };
    expect(chooseSkill("What is the total in sales.csv?", [vague, chart, cleaner], settings).chosen).not.toBe(
      "csv-analyst",
    );
  });

  it("an over-broad description that claims its neighbours' words takes their requests (precision)", () => {
    const broad = {
      name: "csv-analyst",
      description:
        "Anything with CSV files: sort, split, upload, remove duplicate rows, draw pie charts, answer questions.",
    };
    expect(chooseSkill("Sort people.csv and upload it", [broad, chart, cleaner], settings).chosen).toBe(
      "csv-analyst",
    );
    const specific = {
      name: "csv-analyst",
      description: "Answer questions about CSV files: totals, averages and counts.",
    };
    expect(
      chooseSkill("Sort people.csv and upload it", [specific, chart, cleaner], settings).chosen,
    ).toBeUndefined();
  });

  it("a description stuffed with words weighs each of them less", () => {
    const stuffed = {
      name: "csv-analyst",
      description: `total ${Array.from({ length: 59 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`).join(" ")}`,
    };
    const [score] = chooseSkill("What is the total?", [stuffed], settings).scores;
    expect(score?.score).toBeCloseTo(0.5, 5);
  });

  it("ties do not depend on the order of the list, and noise is seeded per rollout", () => {
    const a = { name: "alpha", description: "Summarize reports." };
    const b = { name: "beta", description: "Summarize reports." };
    const forward = chooseSkill("summarize the reports", [a, b], settings).chosen;
    expect(chooseSkill("summarize the reports", [b, a], settings).chosen).toBe(forward);
    const noisy = { noise: 0.3, seed: 1, callSeed: 0 };
    expect(chooseSkill("summarize the reports", [a, b], noisy)).toEqual(
      chooseSkill("summarize the reports", [a, b], noisy),
    );
  });
});
