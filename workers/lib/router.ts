import { OpenAPIHono, z } from "@hono/zod-openapi";
import { type ListFilter, MAX_SEARCH_LENGTH } from "../../src/list-filters";
import { MAX_FIGURE } from "../../src/money";
import { isCalendarDay, storableDate } from "../../src/time";
import type { AppEnv } from "./app-env";
import { validationError } from "./errors";

// Every resource router comes from here, so validation failures get one answer everywhere:
// 422 with the contract's error envelope and the failing fields in `details`.
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });
}

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "validation_failed" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

const errorContent = (description: string) => ({
  content: { "application/json": { schema: errorSchema } },
  description,
});

export const errorResponses = {
  401: errorContent("Missing, unknown or revoked API key."),
  403: errorContent("The key's scope may not call this route."),
  422: errorContent("Validation failed."),
  429: errorContent(
    "Too many failed sign-ins or unknown keys from this client (10 within 15 minutes): refused, a correct " +
      "key too, until Retry-After seconds have passed.",
  ),
};

export const notFoundResponse = { 404: errorContent("Not found.") };
export const conflictResponse = { 409: errorContent("Conflict.") };

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

export const pageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(50)
    .openapi({ description: "1 to 100, default 50." }),
  cursor: z.string().max(200).optional().openapi({ description: "next_cursor of the previous page." }),
});

// Lists of things that can be archived and searched: archived ones are left out unless asked for.
const listFilterFields = {
  q: z
    .string()
    .max(MAX_SEARCH_LENGTH)
    .optional()
    .openapi({ description: "Only those whose text contains this (ASCII letters in any case)." }),
  include_archived: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "true: archived ones too (left out by default)." }),
};
export const filteredPageQuerySchema = pageQuerySchema.extend(listFilterFields);

export function listFilterOf(query: {
  q?: string | undefined;
  include_archived?: "true" | "false" | undefined;
}) {
  const filter: ListFilter = { q: query.q, archived: query.include_archived === "true" ? "include" : "hide" };
  return filter;
}

// Lists of things that belong to an influencer in a campaign (links, codes, posts): the page, and
// either owner as a filter.
export const ownedListQuerySchema = pageQuerySchema.extend({
  campaign_id: z.string().max(64).optional(),
  influencer_id: z.string().max(64).optional(),
});

export function ownedListQuery(query: z.infer<typeof ownedListQuerySchema>) {
  const { campaign_id, influencer_id, ...page } = query;
  return { page, filter: { campaignId: campaign_id, influencerId: influencer_id } };
}

export const idParam = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

// ISO-8601 in requests: a date-time with Z or an offset, turned into a Date. An offset can carry a
// four-digit year past 9999 ("9999-12-31T23:59:59-23:59"), which the rollup's days cannot hold:
// refused like any other bad time.
export const isoDateTime = z.iso
  .datetime({ offset: true })
  .refine((value) => storableDate(Date.parse(value)) !== undefined, {
    message: "A time between the years 0000 and 9999 (UTC).",
  })
  .transform((value) => new Date(value))
  .openapi({ type: "string", format: "date-time", example: "2026-12-01T00:00:00Z" });

// When an order or a refund happened: not before 2000 (the domain refuses one far ahead of its
// clock, see occurredAtOrNow).
export const occurredAt = isoDateTime.refine((at) => at.getTime() >= Date.UTC(2000, 0, 1), {
  message: "Not before 2000.",
});

// A day of the campaign's time zone, YYYY-MM-DD, that exists on the calendar.
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(isCalendarDay, { message: "No such day." });

// The figures routes (summaries, breakdowns): a period of whole local days of the campaign, each
// bound a day (YYYY-MM-DD) or an instant standing for the local day it falls on; and when the
// rollup ran.
const periodBound = z.union([localDate, isoDateTime]).optional().openapi({
  type: "string",
  example: "2026-12-01",
  description: "YYYY-MM-DD in the campaign's time zone, or an ISO instant (its local day); `to` included.",
});
export const periodQuerySchema = z.object({ from: periodBound, to: periodBound });

// A campaign's start or end: a day of its time zone (the start of that day, or for an end its
// last instant) or an instant.
export const campaignBound = z.union([localDate, isoDateTime]).openapi({
  type: "string",
  example: "2026-12-01",
  description:
    "YYYY-MM-DD in the campaign's time zone (starts_at: the start of that day; ends_at: its end), or an ISO instant.",
});
export const asOfSchema = z
  .string()
  .nullable()
  .openapi({ description: "When the rollup last ran; null before its first run." });

export const money = z.number().int().min(0).max(MAX_FIGURE);
// Counts users report (views, followers): whole numbers, as large as money may be.
export const count = z.number().int().min(0).max(MAX_FIGURE);
// The currencies Intl knows (ISO 4217): "ABC" has the shape of a code but is none.
const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
export const currency = z
  .string()
  .regex(/^[A-Za-z]{3}$/, "An ISO-4217 code such as EUR.")
  .transform((value) => value.toUpperCase())
  .refine((code) => CURRENCIES.has(code), "Not an ISO-4217 currency code (EUR, USD, GBP…).")
  .openapi({ type: "string", example: "EUR" });

export const bearerSecurity = [{ bearerAuth: [] }];
