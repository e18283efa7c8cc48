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

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
