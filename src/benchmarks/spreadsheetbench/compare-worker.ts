import { parentPort, workerData } from "node:worker_threads";
import { type CompareOptions, compareWorkbooks } from "./compare.js";
import type { CompareJob } from "./compare-many.js";

// A grading worker for compareMany: compares one job per message and posts the result back.
const options = workerData as CompareOptions;
parentPort?.on("message", async (message: { index: number; job: CompareJob }) => {
  const { goldPath, outputPath, answerPosition } = message.job;
  const result = await compareWorkbooks(goldPath, outputPath, answerPosition, options);
  parentPort?.postMessage({ index: message.index, result });
});
