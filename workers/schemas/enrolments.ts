import { z } from "@hono/zod-openapi";
import type { enrolments } from "../../schema";
import { money } from "../lib/router";
import { archivedDescription, isoTime, isoTimeOrNull } from "./shared";

export const enrolmentSchema = z
  .object({
    campaign_id: z.string(),
    influencer_id: z.string(),
    fee: z.number().int(),
    commission_rate: z.number(),
    other_costs: z.number().int(),
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
      .openapi({ description: "Share of net revenue, 0 to 1." }),
    other_costs: money.optional().openapi({ description: "Minor units." }),
    archived: z.boolean().optional().openapi({ description: archivedDescription }),
  })
  .strict();

export function serializeEnrolment(row: typeof enrolments.$inferSelect): z.infer<typeof enrolmentSchema> {
  return {
    campaign_id: row.campaignId,
    influencer_id: row.influencerId,
    fee: row.fee,
    commission_rate: row.commissionRate,
    other_costs: row.otherCosts,
    archived_at: isoTimeOrNull(row.archivedAt),
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
  };
}
