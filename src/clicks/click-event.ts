import { z } from "zod";

// The message the redirect puts on the EVENTS queue for each click. It carries no raw IP: the
// visitor is already reduced to a salted hash before the message leaves the redirect.
export const clickEventSchema = z.object({
  type: z.literal("click"),
  v: z.literal(1),
  id: z.string().min(1).max(64),
  link_id: z.string().min(1).max(64),
  campaign_id: z.string().min(1).max(64),
  influencer_id: z.string().min(1).max(64),
  clicked_at: z.number().int().nonnegative(),
  country: z.string().max(64).nullable(),
  region: z.string().max(128).nullable(),
  city: z.string().max(128).nullable(),
  device: z.string().max(32).nullable(),
  browser: z.string().max(64).nullable(),
  os: z.string().max(64).nullable(),
  referer_host: z.string().max(255).nullable(),
  is_bot: z.boolean(),
  visitor_hash: z.string().regex(/^[0-9a-f]{64}$/),
});

export type ClickEvent = z.infer<typeof clickEventSchema>;
