import { z } from "@hono/zod-openapi";
import { type apiKeys, KEY_SCOPES } from "../../schema";
import { isoTime, isoTimeOrNull } from "./shared";

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    scope: z.enum(KEY_SCOPES),
    influencer_id: z.string().nullable(),
    source: z.string().nullable().openapi({
      description:
        "A checkout key's source: the namespace of its order and refund ids. Null for other scopes.",
    }),
    allowed_origins: z.array(z.string()).nullable().openapi({
      description: "A publishable key's origins: the only pages it works from. Null for other scopes.",
    }),
    prefix: z.string().openapi({ description: "The first characters of the key, to tell keys apart." }),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
  })
  .openapi("ApiKey");

export const createdKeySchema = apiKeySchema
  .extend({ key: z.string().openapi({ description: "The key itself. Shown only in this response." }) })
  .openapi("CreatedApiKey");

export const createKeyBody = z
  .object({
    scope: z.enum(KEY_SCOPES),
    influencer_id: z.string().min(1).max(64).optional(),
    source: z
      .string()
      .optional()
      .openapi({
        description:
          'Checkout keys only (default "default"): lowercase a-z 0-9 _ -, at most 32; stripe and shopify are ' +
          "reserved for the webhooks. Order and refund ids are unique per source; keys of one source share them.",
        example: "eu-shop",
      }),
    allowed_origins: z
      .array(z.string().max(300))
      .max(100)
      .optional()
      .openapi({
        description:
          "Publishable keys only, and required for them: 1 to 20 origins (`https://shop.example`, scheme, host " +
          "and port) whose pages may use the key. Only those origins are answered, CORS included.",
        example: ["https://shop.example"],
      }),
    name: z.string().min(1).max(200).optional(),
  })
  .strict();

// Never the secret's hash: a key's secret is shown once, when it is created.
export function serializeApiKey(row: typeof apiKeys.$inferSelect): z.infer<typeof apiKeySchema> {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    influencer_id: row.influencerId,
    source: row.source,
    allowed_origins: row.allowedOrigins,
    prefix: row.prefix,
    created_at: isoTime(row.createdAt),
    revoked_at: isoTimeOrNull(row.revokedAt),
  };
}
