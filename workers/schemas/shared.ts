import { z } from "@hono/zod-openapi";

// Times in responses are ISO-8601 in UTC; the tables hold Dates.
export const isoTime = (date: Date): string => date.toISOString();
export const isoTimeOrNull = (date: Date | null): string | null => (date === null ? null : isoTime(date));

// An id a client's own system gave (an order, a refund, a customer).
export const externalId = z.string().trim().min(1).max(200);

export const archivedDescription =
  "true archives it: it leaves the lists (unless ?include_archived=true) and its figures are still counted; false restores it.";
