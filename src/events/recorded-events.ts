import { z } from "zod";

// Published on the EVENTS queue when a conversion or refund is first recorded, so later consumers
// (the rollup's freshness, outgoing webhooks) can react without polling. They carry the record as
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

export type RecordedEvent = {
  type: "conversion" | "refund";
  v: 1;
  record: { id: string; campaign_id: string; influencer_id: string };
};

// Where services hand their events: the edge decides how they travel (the queue, in waitUntil).
export type EventSink = (event: RecordedEvent) => void;
export const noEvents: EventSink = () => {};
