import { z } from "@hono/zod-openapi";
import type { campaigns } from "../../schema";
import { MAX_ATTRIBUTION_WINDOW_DAYS } from "../../src/campaigns/campaigns";
import { MAX_GOALS } from "../../src/campaigns/goals";
import { canonicalTimeZone } from "../../src/campaigns/time-zones";
import { METRIC_FIELDS } from "../../src/metrics/metric-fields";
import { campaignBound, currency, money } from "../lib/router";
import { archivedDescription, isoTime, isoTimeOrNull } from "./shared";

export const goalSchema = z.object({
  metric: z.enum(METRIC_FIELDS),
  target: z.number().positive().max(Number.MAX_SAFE_INTEGER),
  // Stored as an instant in UTC (an offset sent is not echoed back), a day as its last instant.
  due: campaignBound.nullable().optional().openapi({
    type: "string",
    example: "2026-12-15",
    description:
      "YYYY-MM-DD in the campaign's time zone (due by the end of that day, stored as its last instant), or an ISO instant.",
  }),
});

export const campaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    objective: z.enum(["awareness", "leads", "sales"]),
    currency: z.string(),
    budget: z.number().int().nullable(),
    starts_at: z.string().nullable(),
    ends_at: z.string().nullable(),
    attribution_window_days: z.number().int(),
    emv_cpm: z.number().int().nullable(),
    goals: z.array(z.object({ metric: z.string(), target: z.number(), due: z.string().nullable() })),
    timezone: z.string().openapi({ example: "Europe/Paris" }),
    archived_at: z.string().nullable().openapi({ description: "When it was archived; null when it is not." }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Campaign");

const campaignFields = {
  name: z.string().trim().min(1).max(200),
  objective: z.enum(["awareness", "leads", "sales"]),
  budget: money.nullable().optional().openapi({ description: "Minor units." }),
  starts_at: campaignBound.nullable().optional(),
  ends_at: campaignBound.nullable().optional(),
  attribution_window_days: z
    .number()
    .int()
    .min(1)
    .max(MAX_ATTRIBUTION_WINDOW_DAYS)
    .optional()
    .openapi({ description: "Default 30." }),
  emv_cpm: money
    .nullable()
    .optional()
    .openapi({ description: "Earned media value per 1000 impressions, minor units." }),
  goals: z.array(goalSchema).max(MAX_GOALS).optional(),
  timezone: z
    .string()
    .max(64)
    .transform((name, ctx) => {
      const zone = canonicalTimeZone(name);
      if (zone === undefined) {
        ctx.addIssue({ code: "custom", message: "An IANA time zone name such as Europe/Paris." });
        return z.NEVER;
      }
      return zone;
    })
    .optional()
    .openapi({
      type: "string",
      example: "Europe/Paris",
      description:
        'IANA name, default "UTC": days, periods and "last N days" are its local days. Fixed once the campaign has a click or conversion (422 timezone_locked).',
    }),
};

export const createCampaignBody = z.object({ ...campaignFields, currency }).strict();
// The currency is fixed once money may have been recorded in it.
export const patchCampaignBody = z
  .object({ ...campaignFields, archived: z.boolean().openapi({ description: archivedDescription }) })
  .partial()
  .strict();

function toGoals(goals: z.infer<typeof goalSchema>[] | undefined) {
  return goals?.map((g) => ({ metric: g.metric, target: g.target, due: g.due ?? null }));
}

export function toCampaignInput<T extends Partial<z.infer<typeof createCampaignBody>>>(body: T) {
  return {
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.objective === undefined ? {} : { objective: body.objective }),
    ...(body.budget === undefined ? {} : { budget: body.budget }),
    ...(body.starts_at === undefined ? {} : { startsAt: body.starts_at }),
    ...(body.ends_at === undefined ? {} : { endsAt: body.ends_at }),
    ...(body.attribution_window_days === undefined
      ? {}
      : { attributionWindowDays: body.attribution_window_days }),
    ...(body.emv_cpm === undefined ? {} : { emvCpm: body.emv_cpm }),
    ...(body.goals === undefined ? {} : { goals: toGoals(body.goals) }),
    ...(body.timezone === undefined ? {} : { timezone: body.timezone }),
  };
}

export function serializeCampaign(row: typeof campaigns.$inferSelect): z.infer<typeof campaignSchema> {
  return {
    id: row.id,
    name: row.name,
    objective: row.objective,
    currency: row.currency,
    budget: row.budget,
    starts_at: isoTimeOrNull(row.startsAt),
    ends_at: isoTimeOrNull(row.endsAt),
    attribution_window_days: row.attributionWindowDays,
    emv_cpm: row.emvCpm,
    goals: row.goals,
    timezone: row.timezone,
    archived_at: isoTimeOrNull(row.archivedAt),
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
  };
}
