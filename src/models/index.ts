export { maskSecrets, maskText, registerSecret, restoreMaskedModels } from "../util/secrets.js";
export { type Budget, BudgetExceededError } from "./budget.js";
export { cacheKey, type ModelIdentity, ResponseCache } from "./cache.js";
export {
  CACHE_SALT_NAMESPACE,
  CALL_LABEL_NAMESPACE,
  type CallListener,
  HUB_DEFAULTS,
  ModelHub,
  type ModelHubOptions,
  type SharedBudget,
  tokenCounts,
} from "./hub.js";
export {
  type LedgerBucket,
  type LedgerEntry,
  type LedgerTotals,
  ledgerEntrySchema,
  readLedger,
  summarizeLedger,
} from "./ledger.js";
export {
  costOf,
  type Price,
  type PriceOverrides,
  priceFor,
  priceOverridesSchema,
  priceSchema,
  type TokenCounts,
} from "./prices.js";
export {
  baseURLFor,
  checkModelCredentials,
  createProviderModel,
  type Env,
  isSimulatedModel,
  keyVariableFor,
  modelFormsHelp,
  type ProviderRecord,
  providerFor,
  providerNamed,
  providerRecords,
  registerProvider,
  SpecProblem,
} from "./providers/index.js";
export {
  MODEL_ROLES,
  type ModelRole,
  type ModelsConfig,
  modelsConfigSchema,
  OPTIMIZER_ROLES,
  type RoleModelOptions,
  resolveRoleModels,
} from "./roles.js";
export { type ModelSpec, modelSpecForms, type ProviderName, parseModelSpec } from "./spec.js";
