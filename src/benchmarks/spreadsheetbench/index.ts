export {
  type AnswerRange,
  type CellAddress,
  type ParsedAnswerPosition,
  parseAnswerPosition,
} from "./answer-position.js";
export { type CellValue, cellValuesMatch, comparableValue } from "./cell-value.js";
export { type CompareOptions, type ComparisonResult, compareWorkbooks } from "./compare.js";
export { agentTask, SSB_AGENT_CONTRACT, SSB_OUTPUT_FILE, type SsbAgentTask } from "./contract.js";
export {
  findOutputs,
  type GradeOptions,
  gradeTask,
  gradeTasks,
  type OutputsByTestCase,
  outputFileName,
  type TaskGrade,
} from "./grade.js";
export { loadSpreadsheetBench, type SsbTask, type SsbTestCase } from "./loader.js";
export { parsePythonFloat } from "./python-float.js";
export { pythonRound } from "./python-round.js";
export {
  DEFAULT_RECALC_TIMEOUT_MS,
  findLibreOffice,
  hasLibreOffice,
  needsRecalc,
  type RecalcBatch,
  RecalcError,
  recalculate,
  recalculateMany,
  removeRecalculated,
} from "./recalc.js";
export { type QueuedRecalc, RecalcQueue, recalcQueue } from "./recalc-queue.js";
export { DEFAULT_ZIP_LIMITS, type OpenWorkbookResult, openWorkbook, type ZipLimits } from "./workbook.js";
