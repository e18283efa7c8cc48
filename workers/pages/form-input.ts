import type { z } from "@hono/zod-openapi";
import { ApiError } from "../../src/errors";
import { decimalToMinor } from "../../src/money";

// The pages' forms feed the API's own request schemas and the same domain functions, so a form
// has no validation rules of its own: this module only turns form text into the JSON the API
// takes (numbers, minor units, ISO dates) and the API's errors into messages per field.
export class FormReader {
  readonly errors: Record<string, string> = {};
  constructor(readonly values: Record<string, string>) {}

  text(name: string): string | undefined {
    const value = this.values[name]?.trim();
    return value ? value : undefined;
  }

  number(name: string): number | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const n = Number(value.replace(",", "."));
    if (!Number.isFinite(n)) this.errors[name] = "Enter a number.";
    return n;
  }

  // "12.50" (or "12,50") in the currency's units -> minor units, exactly.
  money(name: string, currency: string): number | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const minor = decimalToMinor(value.replace(",", "."), currency);
    if (minor === null) this.errors[name] = `Enter an amount in ${currency}, such as 12.50.`;
    return minor ?? undefined;
  }

  // A percentage typed as 10 -> the API's 0.1.
  percent(name: string): number | undefined {
    const n = this.number(name);
    return n === undefined ? undefined : n / 100;
  }

  // <input type="date"> gives YYYY-MM-DD: the start of that UTC day.
  date(name: string): string | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      this.errors[name] = "Enter a date.";
      return undefined;
    }
    return `${value}T00:00:00Z`;
  }

  // Parses with the API's schema. Field errors land on this reader; null when there are any.
  parse<T extends z.ZodType>(schema: T, body: Record<string, unknown>): z.infer<T> | null {
    const defined = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    const result = schema.safeParse(defined);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const field = String(issue.path[0] ?? "form");
        this.errors[field] ??= issue.message;
      }
    }
    return result.success && Object.keys(this.errors).length === 0 ? result.data : null;
  }

  // A domain refusal (taken slug, unknown influencer…) shown on its field, or above the form.
  fromApiError(error: unknown): string | undefined {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
    const details = Array.isArray(error.details)
      ? (error.details as { path?: string; message?: string }[])
      : [];
    const fielded = details.filter((d) => d.path);
    for (const detail of fielded) this.errors[detail.path as string] ??= detail.message ?? error.message;
    return error.message;
  }
}

export function formValues(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(body).flatMap(([name, value]) => (typeof value === "string" ? [[name, value]] : [])),
  );
}
