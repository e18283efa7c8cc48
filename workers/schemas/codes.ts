import { z } from "@hono/zod-openapi";
import type { promoCodes } from "../../schema";
import { CODE_PATTERN } from "../../src/codes/promo-codes";
import { campaignBound } from "../lib/router";
import { archivedDescription, isoTime, isoTimeOrNull } from "./shared";

export const promoCodeSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    campaign_id: z.string(),
    influencer_id: z.string(),
    max_redemptions: z.number().int().nullable(),
    redemptions: z.number().int(),
    starts_at: z.string().nullable(),
    ends_at: z.string().nullable(),
    active: z.boolean(),
    archived_at: z.string().nullable().openapi({ description: "When it was archived; null when it is not." }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("PromoCode");

const maxRedemptions = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const createCodeBody = z
  .object({
    code: z
      .string()
      .regex(CODE_PATTERN, "3 to 32 of A-Z 0-9 _ -.")
      .openapi({ description: "Matched case-insensitively, stored upper-case.", example: "ANA10" }),
    campaign_id: z.string().max(64),
    influencer_id: z.string().max(64),
    max_redemptions: maxRedemptions.nullable().optional(),
    starts_at: campaignBound.nullable().optional(),
    ends_at: campaignBound.nullable().optional(),
  })
  .strict();

export const patchCodeBody = z
  .object({
    active: z.boolean().optional(),
    max_redemptions: maxRedemptions.nullable().optional(),
    starts_at: campaignBound.nullable().optional(),
    ends_at: campaignBound.nullable().optional(),
    archived: z
      .boolean()
      .optional()
      .openapi({
        description: `${archivedDescription} It stays redeemable until turned off (active: false).`,
      }),
  })
  .strict();

export function serializePromoCode(row: typeof promoCodes.$inferSelect): z.infer<typeof promoCodeSchema> {
  return {
    id: row.id,
    code: row.code,
    campaign_id: row.campaignId,
    influencer_id: row.influencerId,
    max_redemptions: row.maxRedemptions,
    redemptions: row.redemptions,
    starts_at: isoTimeOrNull(row.startsAt),
    ends_at: isoTimeOrNull(row.endsAt),
    active: row.active,
    archived_at: isoTimeOrNull(row.archivedAt),
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
  };
}
