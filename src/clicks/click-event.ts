import { z } from "zod";

// What the redirect captures about one click. It carries no raw IP: the visitor is reduced to a
// salted hash before anything leaves the request. Parsing the user agent is left to the queue
// consumer, off the redirect's isolate, where it runs once per batch.
export const capturedClickSchema = z.object({
  id: z.string().min(1).max(64),
  link_id: z.string().min(1).max(64),
  campaign_id: z.string().min(1).max(64),
  influencer_id: z.string().min(1).max(64),
  clicked_at: z.number().int().nonnegative(),
  country: z.string().max(64).nullable(),
  region: z.string().max(128).nullable(),
  city: z.string().max(128).nullable(),
  user_agent: z.string().max(512),
  referer_host: z.string().max(255).nullable(),
  // HEAD requests are link checkers and unfurlers, never a person following the link.
  head: z.boolean(),
  visitor_hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type CapturedClick = z.infer<typeof capturedClickSchema>;

// One queue message carries the clicks an isolate captured in a short window (see ClickBuffer):
// Queues bill three operations per message, so batching at the source divides that cost.
export const MAX_CLICKS_PER_MESSAGE = 100;
export const clicksMessageSchema = z.object({
  type: z.literal("clicks"),
  v: z.literal(1),
  // Validated one by one, so one malformed click cannot take its neighbours down with it.
  clicks: z.array(z.unknown()).min(1).max(MAX_CLICKS_PER_MESSAGE),
});
export type ClicksMessage = { type: "clicks"; v: 1; clicks: CapturedClick[] };

// A click as stored: the captured fields, enriched by the consumer.
export type ClickRow = Omit<CapturedClick, "user_agent" | "head"> & {
  device: string | null;
  browser: string | null;
  os: string | null;
  is_bot: boolean;
};
