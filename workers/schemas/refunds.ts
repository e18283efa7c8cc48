import { z } from "@hono/zod-openapi";
import type { refunds } from "../../schema";
import { money, occurredAt } from "../lib/router";
import { externalId, isoTime } from "./shared";

export const refundSchema = z
  .object({
    id: z.string(),
    source: z
      .string()
      .openapi({ description: "The checkout key's source; refund ids are unique per source." }),
    refund_id: z.string(),
    order_id: z.string(),
    conversion_id: z.string(),
    campaign_id: z.string(),
    influencer_id: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    occurred_at: z.string(),
    created_at: z.string(),
  })
  .openapi("Refund");

export const refundBody = z
  .object({
    order_id: externalId,
    refund_id: externalId.openapi({
      description: "The shop's id for this refund: replays with it count once.",
    }),
    amount: money.min(1).openapi({ description: "Minor units." }),
    occurred_at: occurredAt.optional(),
  })
  .strict();

export function serializeRefund(row: typeof refunds.$inferSelect): z.infer<typeof refundSchema> {
  return {
    id: row.id,
    source: row.source,
    refund_id: row.refundId,
    order_id: row.orderId,
    conversion_id: row.conversionId,
    campaign_id: row.campaignId,
    influencer_id: row.influencerId,
    amount: row.amount,
    currency: row.currency,
    occurred_at: isoTime(row.occurredAt),
    created_at: isoTime(row.createdAt),
  };
}
