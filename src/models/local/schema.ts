import type { JSONSchema7 } from "@ai-sdk/provider";

/**
 * A JSON schema reduced to what node-llama-cpp can turn into a grammar (its GBNF JSON subset):
 * types, properties, required, additionalProperties, items, enum, const, oneOf/anyOf, $defs/$ref,
 * string length and date formats, array length. Other keywords (pattern, minimum, $schema…) are
 * dropped: the grammar then allows a little more than the schema, and the caller's own validation
 * (zod) still decides. Returns undefined for a schema with nothing the grammar can use.
 */
export function grammarSchema(
  schema: unknown,
  options: GrammarOptions = {},
): Record<string, unknown> | undefined {
  if (schema === true || schema === undefined || schema === null) return undefined;
  if (typeof schema !== "object") return undefined;
  return reduce(schema as JSONSchema7, options);
}

export interface GrammarOptions {
  /** A maxLength for strings that have none (a repair: a reply cut off by the token limit must fit). */
  stringCap?: number;
}

const SIMPLE_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);
const FORMATS = new Set(["date-time", "time", "date"]);

function reduce(schema: JSONSchema7, options: GrammarOptions): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (typeof schema.description === "string") out.description = schema.description;
  const defs = (schema.$defs ?? schema.definitions) as Record<string, JSONSchema7> | undefined;
  if (defs) {
    const reducedDefs: Record<string, unknown> = {};
    for (const [name, def] of Object.entries(defs)) reducedDefs[name] = reduce(def, options) ?? anyValue();
    out.$defs = reducedDefs;
  }
  if (typeof schema.$ref === "string") {
    return { ...out, $ref: schema.$ref.replace("#/definitions/", "#/$defs/") };
  }
  if (schema.const !== undefined && isScalar(schema.const)) return { ...out, const: schema.const };
  if (Array.isArray(schema.enum) && schema.enum.every(isScalar)) return { ...out, enum: schema.enum };
  const choices = (schema.oneOf ?? schema.anyOf) as JSONSchema7[] | undefined;
  if (Array.isArray(choices)) {
    return {
      ...out,
      oneOf: choices.map(
        (choice) => (typeof choice === "object" ? reduce(choice, options) : undefined) ?? anyValue(),
      ),
    };
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1 && typeof schema.allOf[0] === "object") {
    return reduce({ ...schema, allOf: undefined, ...(schema.allOf[0] as JSONSchema7) }, options);
  }
  const type = schema.type;
  if (Array.isArray(type)) {
    if (type.every((item) => SIMPLE_TYPES.has(item))) return { ...out, type };
    return { ...out, oneOf: type.map((item) => reduce({ ...schema, type: item }, options) ?? anyValue()) };
  }
  switch (type) {
    case "object": {
      const properties: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(schema.properties ?? {})) {
        properties[key] = (typeof value === "object" ? reduce(value, options) : undefined) ?? anyValue();
      }
      const additional = schema.additionalProperties;
      return {
        ...out,
        type: "object",
        properties,
        ...(Array.isArray(schema.required)
          ? { required: schema.required.filter((key: string) => key in properties) }
          : {}),
        additionalProperties:
          additional === undefined
            ? Object.keys(properties).length === 0
            : typeof additional === "object"
              ? (reduce(additional, options) ?? true)
              : additional,
      };
    }
    case "array":
      return {
        ...out,
        type: "array",
        items:
          (typeof schema.items === "object" && !Array.isArray(schema.items)
            ? reduce(schema.items, options)
            : undefined) ?? anyValue(),
        ...(typeof schema.minItems === "number" ? { minItems: schema.minItems } : {}),
        ...(typeof schema.maxItems === "number" ? { maxItems: schema.maxItems } : {}),
      };
    case "string":
      return {
        ...out,
        type: "string",
        ...(typeof schema.format === "string" && FORMATS.has(schema.format) ? { format: schema.format } : {}),
        ...(typeof schema.minLength === "number" ? { minLength: schema.minLength } : {}),
        ...(typeof schema.maxLength === "number"
          ? { maxLength: schema.maxLength }
          : options.stringCap !== undefined
            ? { maxLength: options.stringCap }
            : {}),
      };
    case "number":
    case "integer":
    case "boolean":
    case "null":
      return { ...out, type };
    default:
      return schema.properties ? reduce({ ...schema, type: "object" }, options) : undefined;
  }
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

/** Any JSON value, for parts of a schema the grammar cannot express. */
function anyValue(): Record<string, unknown> {
  return {
    oneOf: [
      { type: ["string", "number", "boolean", "null"] },
      { type: "object", additionalProperties: true },
      { type: "array", items: { type: ["string", "number", "boolean", "null"] } },
    ],
  };
}
