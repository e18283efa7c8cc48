import { z } from "zod";

// What the shop's script (sl.js) reports of a visit that landed from a click: page views and
// engaged time. POST /api/v1/track/events checks the body against these schemas, verifies the
// click id, and puts it on the EVENTS queue as one behaviour message; its consumer must stay
// idempotent on (session_id, view_id), since a beacon can be sent twice and a message delivered
// twice.

// Ids the script makes up (random, URL-safe): a visit's session, and one page view within it.
export const SESSION_ID = /^[A-Za-z0-9_-]{16,32}$/;
export const VIEW_ID = /^[A-Za-z0-9_-]{8,32}$/;
// The longest engaged time one page view may report: a day.
export const MAX_ENGAGED_SECONDS = 86_400;
export const MAX_EVENTS_PER_MESSAGE = 50;
const MAX_PATH_LENGTH = 512;

// A path only: no query string or fragment, which may carry personal data (emails in sign-up
// links, order numbers, tokens).
const pagePath = z
  .string()
  .max(MAX_PATH_LENGTH)
  .regex(/^\/[^?#\s]*$/, "A path starting with /, without query string or fragment.");

export const pageViewEventSchema = z
  .object({
    type: z.literal("page_view"),
    view_id: z.string().regex(VIEW_ID),
    path: pagePath,
    at: z.iso.datetime({ offset: true }),
  })
  .strict();

// Cumulative: each report of a page view's engaged time replaces the one before, so a lost or
// repeated beacon never adds time twice.
export const engagementEventSchema = z
  .object({
    type: z.literal("engagement"),
    view_id: z.string().regex(VIEW_ID),
    seconds: z.number().min(0).max(MAX_ENGAGED_SECONDS),
  })
  .strict();

export const behaviourEventSchema = z.discriminatedUnion("type", [
  pageViewEventSchema,
  engagementEventSchema,
]);
export type BehaviourEvent = z.infer<typeof behaviourEventSchema>;

export const behaviourEventsSchema = z.array(behaviourEventSchema).min(1).max(MAX_EVENTS_PER_MESSAGE);

// The queue message: the visit's events with the click they came from, as its verified id says.
export const behaviourMessageSchema = z.object({
  type: z.literal("behaviour"),
  click_id: z.string().min(1).max(64),
  link_id: z.string().min(1).max(64),
  // When the click happened, in ms, from the click id.
  clicked_at: z.number().int().min(0),
  session_id: z.string().regex(SESSION_ID),
  // The visitor's sl_cid cookie was there before this visit landed.
  returning: z.boolean(),
  events: behaviourEventsSchema,
});
export type BehaviourMessage = z.infer<typeof behaviourMessageSchema>;
