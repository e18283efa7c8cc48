import { z } from "@hono/zod-openapi";
import type { links } from "../../schema";
import { MAX_URL_LENGTH } from "../../src/links/urls";
import { isoDateTime } from "../lib/router";
import { archivedDescription, isoTime, isoTimeOrNull } from "./shared";

const utmSchema = z.object({
  source: z.string(),
  medium: z.string(),
  campaign: z.string(),
  content: z.string(),
  term: z.string().optional(),
});

export const linkSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    short_url: z.string(),
    url: z.string(),
    destination_url: z.string(),
    utm: utmSchema,
    campaign_id: z.string(),
    influencer_id: z.string(),
    expires_at: z.string().nullable(),
    expired_url: z.string().nullable(),
    disabled: z.boolean(),
    archived_at: z.string().nullable().openapi({ description: "When it was archived; null when it is not." }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Link");

const utmValue = z.string().trim().min(1).max(200);
// Lengths are checked where the URL and the slug are, so that every refused one gets the
// contract's code (invalid_url, invalid_slug), not validation_failed.
const url = z.string().openapi({ maxLength: MAX_URL_LENGTH, example: "https://shop.example/products/1" });

export const createLinkBody = z
  .object({
    campaign_id: z.string().max(64),
    influencer_id: z.string().max(64),
    url,
    slug: z
      .string()
      .optional()
      .openapi({ maxLength: 64, description: "3-64 of A-Z a-z 0-9 _ -; generated when absent." }),
    utm: z
      .object({
        source: utmValue.optional(),
        medium: utmValue.optional(),
        campaign: utmValue.optional(),
        content: utmValue.optional(),
        term: utmValue.optional(),
      })
      .strict()
      .optional(),
    expires_at: isoDateTime.nullable().optional(),
    expired_url: url.nullable().optional(),
  })
  .strict();

export const patchLinkBody = z
  .object({
    url: url.optional(),
    expires_at: isoDateTime.nullable().optional(),
    expired_url: url.nullable().optional(),
    disabled: z.boolean().optional(),
    archived: z
      .boolean()
      .optional()
      .openapi({ description: `${archivedDescription} It keeps redirecting until disabled.` }),
  })
  .strict();

// The short URL is the link's slug on the short-link base (a custom short domain, or this Worker).
export function serializeLink(
  row: typeof links.$inferSelect,
  shortLinkBase: string,
): z.infer<typeof linkSchema> {
  return {
    id: row.id,
    slug: row.slug,
    short_url: `${shortLinkBase.replace(/\/+$/, "")}/${row.slug}`,
    url: row.url,
    destination_url: row.destinationUrl,
    utm: row.utm,
    campaign_id: row.campaignId,
    influencer_id: row.influencerId,
    expires_at: isoTimeOrNull(row.expiresAt),
    expired_url: row.expiredUrl,
    disabled: row.disabled,
    archived_at: isoTimeOrNull(row.archivedAt),
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
  };
}
