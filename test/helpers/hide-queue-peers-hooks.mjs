// Module resolve hook: bullmq and ioredis are "not installed", with the error Node gives then.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === "bullmq" || specifier === "ioredis" || /^(bullmq|ioredis)\//.test(specifier)) {
    const error = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`);
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return nextResolve(specifier, context);
}
