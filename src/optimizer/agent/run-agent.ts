import type { LanguageModelV3 } from "@ai-sdk/provider";
import { generateText, jsonSchema, type ModelMessage, type StepResult, type ToolSet, tool } from "ai";
import { z } from "zod";
import { CALL_LABEL_NAMESPACE } from "../../models/index.js";
import { writeJsonAtomic } from "../../util/fs.js";
import { parseReply } from "../../util/json-reply.js";

/**
 * A bounded, tool-using optimizer role (diagnoser, momentum keeper, patcher): the model reads what it
 * needs through its tools and ends by calling its submit tool with a record that must fit the role's
 * zod schema (an unfit record is answered with the validation error, so the model can correct it). A
 * model that answers in text instead has its last text read as the record, with one retry. Every turn
 * and tool call is kept in a transcript; every model call goes through the hub (ledger, cache).
 */

export interface AgentTurn {
  text: string;
  toolCalls: Array<{ name: string; input: unknown }>;
  toolResults: Array<{ name: string; output: string; error?: boolean }>;
}

export interface AgentTranscript {
  role: string;
  name: string;
  maxTurns: number;
  turns: number;
  system: string;
  user: string;
  steps: AgentTurn[];
  /** The accepted record, or null. */
  record: unknown;
  error: string | null;
}

export type AgentOutcome<T> =
  | { ok: true; value: T; transcript: AgentTranscript }
  | { ok: false; error: string; transcript: AgentTranscript };

export interface RoleAgentOptions<T> {
  /** The role (for the transcript) and a name for this session (its ledger label and file name). */
  role: string;
  name: string;
  model: LanguageModelV3;
  system: string;
  user: string;
  tools: ToolSet;
  submit: { name: string; description: string; schema: z.ZodType<T> };
  maxTurns: number;
  /** Where the transcript is written (JSON), if anywhere. */
  transcriptPath?: string;
}

const MAX_RESULT_CHARS = 20_000;
export const UNUSABLE_REPLY = "That reply cannot be used";

function text(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}

function turnsOf(steps: Array<StepResult<ToolSet>>): AgentTurn[] {
  return steps.map((step) => ({
    text: step.text,
    toolCalls: step.toolCalls.map((call) => ({ name: call.toolName, input: call.input })),
    toolResults: step.content.flatMap((part) =>
      part.type === "tool-result"
        ? [{ name: part.toolName, output: text(part.output).slice(0, MAX_RESULT_CHARS) }]
        : part.type === "tool-error"
          ? [{ name: part.toolName, output: text(part.error).slice(0, MAX_RESULT_CHARS), error: true }]
          : [],
    ),
  }));
}

/** The submit tool's input schema: the role's JSON schema for the model, validated by us (not the SDK). */
function submitInput<T>(schema: z.ZodType<T>) {
  let shape: Record<string, unknown>;
  try {
    shape = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  } catch {
    shape = { type: "object" };
  }
  return jsonSchema<unknown>(shape as never, { validate: (value) => ({ success: true, value }) });
}

export async function runRoleAgent<T>(options: RoleAgentOptions<T>): Promise<AgentOutcome<T>> {
  const { submit } = options;
  let accepted: T | undefined;
  const tools: ToolSet = {
    ...options.tools,
    [submit.name]: tool({
      description: submit.description,
      inputSchema: submitInput(submit.schema),
      execute: async (input: unknown) => {
        const parsed = submit.schema.safeParse(input);
        if (parsed.success) {
          accepted = parsed.data;
          return "Record accepted.";
        }
        const issues = parsed.error.issues
          .slice(0, 5)
          .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
        return `That record cannot be used: ${issues.join("; ")}. Call ${submit.name} again with a corrected record.`;
      },
    }),
  };
  const transcript: AgentTranscript = {
    role: options.role,
    name: options.name,
    maxTurns: options.maxTurns,
    turns: 0,
    system: options.system,
    user: options.user,
    steps: [],
    record: null,
    error: null,
  };
  const messages: ModelMessage[] = [{ role: "user", content: options.user }];
  let error = "no record";
  for (let round = 0; round < 2 && accepted === undefined; round++) {
    const left = options.maxTurns - transcript.turns;
    if (left <= 0) {
      error = `no record after ${options.maxTurns} turns (the turn limit)`;
      break;
    }
    const result = await generateText({
      model: options.model,
      system: options.system,
      messages,
      tools,
      stopWhen: ({ steps }) => accepted !== undefined || steps.length >= left,
      maxRetries: 0,
      temperature: 0,
      providerOptions: { [CALL_LABEL_NAMESPACE]: { label: `${options.role}:${options.name}` } },
    });
    transcript.steps.push(...turnsOf(result.steps));
    transcript.turns += result.steps.length;
    messages.push(...result.response.messages);
    if (accepted !== undefined) break;
    const last = result.steps.at(-1);
    if (last && last.toolCalls.length > 0) {
      error = `no record after ${options.maxTurns} turns (the turn limit)`;
      break;
    }
    // a model that answers in text: its last text is the record
    const parsed = parseReply(result.text, submit.schema);
    if (parsed.ok) {
      accepted = parsed.value;
      break;
    }
    error = parsed.error;
    messages.push({
      role: "user",
      content: `${UNUSABLE_REPLY}: ${parsed.error}. Reply again with the corrected JSON object only, or call ${submit.name}.`,
    });
  }
  if (accepted !== undefined) transcript.record = accepted;
  else transcript.error = error;
  if (options.transcriptPath) await writeJsonAtomic(options.transcriptPath, transcript);
  return accepted !== undefined
    ? { ok: true, value: accepted, transcript }
    : { ok: false, error, transcript };
}
