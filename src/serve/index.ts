export { type Dialect, errorBody, ServeError } from "./errors.js";
export { FAULT_KINDS, type FaultKind, type FaultSettings, parseFaultKinds } from "./faults.js";
export { readServeLedger, type ServeLedgerLine, serveLedgerLineSchema } from "./request-ledger.js";
export { estimateTokens, type RunningServer, type ServeOptions, startServer } from "./server.js";
