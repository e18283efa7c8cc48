import { z } from "@hono/zod-openapi";
import type { RedemptionRow } from "../../src/conversions/redemptions";
import { CUSTOMER_ID } from "../../src/customers/customer-id";
import { currency, money, occurredAt } from "../lib/router";
import { externalId, isoTime } from "./shared";

export const redemptionSchema = z
  .object({
    id: z.string(),
    source: z
      .string()
      .openapi({ description: "The checkout key's source; order ids are unique per source." }),
    order_id: z.string(),
    code: z.string(),
    campaign_id: z.string(),
    influencer_id: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    customer_id: z.string().nullable(),
    click_id: z.string().nullable(),
    attribution: z.literal("code"),
    occurred_at: z.string(),
    created_at: z.string(),
  })
  .openapi("Redemption");

export const redemptionBody = z
  .object({
    code: z.string().trim().min(1).max(64),
    order_id: externalId,
    amount: money.openapi({ description: "Order amount in minor units." }),
    currency,
    customer_id: externalId.optional().openapi({ description: CUSTOMER_ID }),
    click_id: externalId.optional().openapi({
      description:
        "The sl_cid the visitor arrived with, kept with the order; one the redirect did not issue is 422.",
    }),
    occurred_at: occurredAt.optional(),
    client_ip: z
      .union([z.ipv4(), z.ipv6()])
      .optional()
      .openapi({
        description:
          "The buyer's IP address, as the checkout saw it: hashed at once, never stored. Refused attempts " +
          "are throttled per customer_id and per client_ip (an IPv6 address by its /64).",
      }),
  })
  .strict();

export function serializeRedemption(row: RedemptionRow): z.infer<typeof redemptionSchema> {
  return {
    id: row.id,
    source: row.source,
    order_id: row.orderId,
    code: row.code,
    campaign_id: row.campaignId,
    influencer_id: row.influencerId,
    amount: row.amount,
    currency: row.currency,
    customer_id: row.customerId,
    click_id: row.clickId,
    attribution: row.attribution,
    occurred_at: isoTime(row.occurredAt),
    created_at: isoTime(row.createdAt),
  };
}
