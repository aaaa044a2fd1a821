import type { z } from "zod";
import { invalidRequest, type ServeError } from "./errors.js";

/** Parses a request body with `schema`, or makes the first problem a 400 naming the field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw firstIssue(parsed.error);
}

function firstIssue(error: z.ZodError): ServeError {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  const missing = issue?.code === "invalid_type" && /received undefined/.test(issue.message);
  if (missing) return invalidRequest(`${path}: Field required`, path);
  return invalidRequest(
    `${path ? `${path}: ` : ""}${issue?.message ?? "invalid request body"}`,
    path || undefined,
  );
}
