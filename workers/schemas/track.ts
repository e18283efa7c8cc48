import { z } from "@hono/zod-openapi";
import type { conversions } from "../../schema";
import { CUSTOMER_ID } from "../../src/customers/customer-id";
import { behaviourEventsSchema, SESSION_ID } from "../../src/events/behaviour-event";
import { externalId, isoTime } from "./shared";

const clickId = z
  .string()
  .min(1)
  .max(64)
  .openapi({ description: "The sl_cid the visitor arrived with, as the redirect issued it (signed)." });

export const trackLeadBody = z
  .object({ click_id: clickId, customer_id: externalId.openapi({ description: CUSTOMER_ID }) })
  .strict();

// What the page learns of the lead it reported: that it is recorded, not whose it is.
export const trackedLeadSchema = z
  .object({
    id: z.string(),
    type: z.literal("lead"),
    click_id: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("TrackedLead");

export function serializeTrackedLead(
  row: typeof conversions.$inferSelect,
): z.infer<typeof trackedLeadSchema> {
  return { id: row.id, type: "lead", click_id: row.clickId, created_at: isoTime(row.createdAt) };
}

export const trackEventsBody = z
  .object({
    key: z
      .string()
      .max(100)
      .optional()
      .openapi({
        description:
          "The publishable key, for senders that cannot set headers (navigator.sendBeacon); the " +
          "Authorization header, when sent, takes precedence.",
      }),
    click_id: clickId,
    session_id: z.string().regex(SESSION_ID).openapi({
      description:
        "16 to 32 of A-Z a-z 0-9 _ -: the visit, made up by the script when it lands from a click.",
    }),
    returning: z
      .boolean()
      .openapi({ description: "The visitor's sl_cid cookie was there before this visit." }),
    events: behaviourEventsSchema.openapi({
      description:
        '1 to 50 of {type: "page_view", view_id, path, at} and {type: "engagement", view_id, seconds}: ' +
        "view_id 8 to 32 of A-Z a-z 0-9 _ -; path without query string or fragment, at most 512 characters; " +
        "seconds the page view's engaged time so far (cumulative, 0 to 86400).",
    }),
  })
  .strict()
  .openapi("TrackEvents");

export const trackedEventsSchema = z
  .object({ accepted: z.number().int().openapi({ description: "How many events were queued." }) })
  .openapi("TrackedEvents");
