import { z } from "zod";
import type { conversions, refunds } from "../../schema";

// Published on the EVENTS queue when a conversion or refund is first recorded, so consumers (the
// commission ledger; later, outgoing webhooks) can react without polling. They carry the record as
// the API answered it; consumers must stay idempotent on its id (delivery is at least once).
export const conversionRecordedSchema = z.object({
  type: z.literal("conversion"),
  v: z.literal(1),
  record: z.object({ id: z.string(), campaign_id: z.string(), influencer_id: z.string() }).loose(),
});
export const refundRecordedSchema = z.object({
  type: z.literal("refund"),
  v: z.literal(1),
  record: z.object({ id: z.string(), campaign_id: z.string(), influencer_id: z.string() }).loose(),
});

// What services hand their sink: the row just recorded. The edge decides how it travels (the
// queue, in waitUntil) and serializes it as the API answers it.
export type RecordedEvent =
  | { type: "conversion"; record: typeof conversions.$inferSelect }
  | { type: "refund"; record: typeof refunds.$inferSelect };

export type EventSink = (event: RecordedEvent) => void;
export const noEvents: EventSink = () => {};
