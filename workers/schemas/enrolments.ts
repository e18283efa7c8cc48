import { z } from "@hono/zod-openapi";
import type { enrolments } from "../../schema";
import { DEFAULT_HOLDING_DAYS, type EnrolmentChange, MAX_HOLDING_DAYS } from "../../src/campaigns/enrolments";
import { money } from "../lib/router";
import { archivedDescription, isoTime, isoTimeOrNull } from "./shared";

export const enrolmentSchema = z
  .object({
    campaign_id: z.string(),
    influencer_id: z.string(),
    fee: z.number().int(),
    commission_rate: z.number(),
    other_costs: z.number().int(),
    commission_per_sale: z.number().int(),
    commission_per_lead: z.number().int(),
    holding_days: z.number().int(),
    archived_at: z.string().nullable().openapi({ description: "When it was archived; null when it is not." }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Enrolment");

export const enrolBody = z
  .object({
    fee: money.optional().openapi({ description: "Flat fee, minor units." }),
    commission_rate: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .openapi({ description: "Share of each sale's amount, 0 to 1 (refunds take it back)." }),
    other_costs: money.optional().openapi({ description: "Minor units." }),
    commission_per_sale: money
      .optional()
      .openapi({ description: "A fixed commission per sale, minor units, on top of the rate's share." }),
    commission_per_lead: money
      .optional()
      .openapi({ description: "A fixed commission per lead, minor units." }),
    holding_days: z
      .number()
      .int()
      .min(0)
      .max(MAX_HOLDING_DAYS)
      .optional()
      .openapi({
        description: `Days a sale's or lead's commission stays pending before it is payable (default ${DEFAULT_HOLDING_DAYS}).`,
      }),
    archived: z.boolean().optional().openapi({ description: archivedDescription }),
  })
  .strict();

// The PUT body (or the form that validates with it) as the domain's enrolment change.
export function enrolmentTerms(body: z.infer<typeof enrolBody>): EnrolmentChange {
  return {
    fee: body.fee,
    commissionRate: body.commission_rate,
    otherCosts: body.other_costs,
    commissionPerSale: body.commission_per_sale,
    commissionPerLead: body.commission_per_lead,
    holdingDays: body.holding_days,
    archived: body.archived,
  };
}

export function serializeEnrolment(row: typeof enrolments.$inferSelect): z.infer<typeof enrolmentSchema> {
  return {
    campaign_id: row.campaignId,
    influencer_id: row.influencerId,
    fee: row.fee,
    commission_rate: row.commissionRate,
    other_costs: row.otherCosts,
    commission_per_sale: row.commissionPerSale,
    commission_per_lead: row.commissionPerLead,
    holding_days: row.holdingDays,
    archived_at: isoTimeOrNull(row.archivedAt),
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
  };
}
