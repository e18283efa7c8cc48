import { z } from "zod";

// What POST /api/v1/track/events puts on the EVENTS queue for one beacon of the shop's script
// (sl.js): the click the visit came from (its id verified by the route, so its link and time are
// the redirect's), the browser session, and what happened in it. Engaged seconds are cumulative
// for their page view: a later report repeats and extends an earlier one.
const viewId = z.string().min(8).max(32);

export const pageViewEventSchema = z.object({
  type: z.literal("page_view"),
  view_id: viewId,
  path: z.string().startsWith("/").max(2048),
  at: z.iso.datetime({ offset: true }),
});

export const engagementEventSchema = z.object({
  type: z.literal("engagement"),
  view_id: viewId,
  seconds: z.number().min(0).max(86_400),
});

export const behaviourMessageSchema = z.object({
  type: z.literal("behaviour"),
  click_id: z.string().startsWith("clk_").max(64),
  link_id: z.string().startsWith("lnk_").max(64),
  clicked_at: z.number().int().nonnegative(),
  session_id: z.string().regex(/^[A-Za-z0-9_-]{16,32}$/),
  returning: z.boolean(),
  events: z.array(z.discriminatedUnion("type", [pageViewEventSchema, engagementEventSchema])).max(1000),
});

export type BehaviourMessage = z.infer<typeof behaviourMessageSchema>;
