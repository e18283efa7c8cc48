import { z } from "@hono/zod-openapi";
import type { conversions } from "../../schema";
import { CUSTOMER_ID } from "../../src/customers/customer-id";
import { currency, money, occurredAt } from "../lib/router";
import { externalId, isoTime } from "./shared";

export const conversionSchema = z
  .object({
    id: z.string(),
    type: z.enum(["lead", "sale"]),
    source: z
      .string()
      .openapi({ description: "The checkout key's source; order ids are unique per source." }),
    order_id: z.string().nullable(),
    campaign_id: z.string(),
    influencer_id: z.string(),
    customer_id: z.string().nullable(),
    click_id: z.string().nullable(),
    link_id: z.string().nullable(),
    code: z.string().nullable(),
    amount: z.number().int().nullable(),
    currency: z.string().nullable(),
    attribution: z.enum(["code", "click", "customer"]),
    occurred_at: z.string(),
    created_at: z.string(),
  })
  .openapi("Conversion");

export const conversionBody = z
  .object({
    type: z.enum(["lead", "sale"]),
    customer_id: externalId.openapi({ description: CUSTOMER_ID }),
    click_id: externalId.optional().openapi({
      description:
        "The sl_cid the visitor arrived with, as the redirect issued it (signed; see invalid_click_id).",
    }),
    order_id: externalId.optional(),
    amount: money.optional(),
    currency: currency.optional(),
    occurred_at: occurredAt.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.type !== "sale") return;
    for (const field of ["order_id", "amount", "currency"] as const) {
      if (body[field] === undefined)
        ctx.addIssue({ code: "custom", path: [field], message: "Required for a sale." });
    }
  });

export function serializeConversion(row: typeof conversions.$inferSelect): z.infer<typeof conversionSchema> {
  return {
    id: row.id,
    type: row.type,
    source: row.source,
    order_id: row.orderId,
    campaign_id: row.campaignId,
    influencer_id: row.influencerId,
    customer_id: row.customerId,
    click_id: row.clickId,
    link_id: row.linkId,
    code: row.code,
    amount: row.amount,
    currency: row.currency,
    attribution: row.attribution,
    occurred_at: isoTime(row.occurredAt),
    created_at: isoTime(row.createdAt),
  };
}
