import { DrizzleQueryError } from "drizzle-orm";

// Structured one-line logs (Workers Logs indexes JSON fields). Never pass keys, secrets or IPs.
type Fields = Record<string, unknown>;

export const log = {
  info: (event: string, fields: Fields = {}) =>
    console.log(JSON.stringify({ level: "info", event, ...fields })),
  warn: (event: string, fields: Fields = {}) =>
    console.warn(JSON.stringify({ level: "warn", event, ...fields })),
  error: (event: string, fields: Fields = {}) =>
    console.error(JSON.stringify({ level: "error", event, ...fields })),
};

// A failed drizzle query reads "Failed query: <sql> params: <values>": the values are request
// data, and for a key its secret's hash. Only the database's own message (the cause) is logged.
export function errorMessage(error: unknown): string {
  if (error instanceof DrizzleQueryError) {
    return error.cause ? `query failed: ${errorMessage(error.cause)}` : "query failed";
  }
  return error instanceof Error ? error.message : String(error);
}
