import { z } from "zod";

// What the redirect captures about one click. It carries no raw IP: the visitor is reduced to a
// salted hash before anything leaves the request. Parsing the user agent is left to the queue
// consumer, off the redirect's isolate, where it runs once per batch.
export const capturedClickSchema = z.object({
  id: z.string().min(1).max(64),
  link_id: z.string().min(1).max(64),
  campaign_id: z.string().min(1).max(64),
  influencer_id: z.string().min(1).max(64),
  clicked_at: z.number().int().nonnegative(),
  country: z.string().max(64).nullable(),
  region: z.string().max(128).nullable(),
  city: z.string().max(128).nullable(),
  user_agent: z.string().max(512),
  referer_host: z.string().max(255).nullable(),
  // HEAD requests are link checkers and unfurlers, never a person following the link.
  head: z.boolean(),
  visitor_hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type CapturedClick = z.infer<typeof capturedClickSchema>;

// One queue message carries the clicks an isolate captured in a short window (see ClickBuffer):
// Queues bill three operations per message, so batching at the source divides that cost.
export const MAX_CLICKS_PER_MESSAGE = 100;
// Each message's clicks are validated one by one, so one malformed click cannot take its
// neighbours down with it.
const clickList = z.array(z.unknown()).min(1).max(MAX_CLICKS_PER_MESSAGE);

// v1: each click as a CapturedClick object. No longer sent; still read, because messages sent
// before a deploy can be delivered (or redelivered) after it.
const clicksMessageV1Schema = z.object({ type: z.literal("clicks"), v: z.literal(1), clicks: clickList });

// v2: the same clicks packed. A window's clicks mostly share a few links and user agents, so each
// link (id, campaign, influencer) and each user agent is written once per message and the clicks
// point at them by index; a click is an array of values, not an object of named fields. That is
// less than half the bytes for the queue to carry and the consumer to parse.
const clicksMessageV2Schema = z.object({
  type: z.literal("clicks"),
  v: z.literal(2),
  links: z.array(z.unknown()),
  agents: z.array(z.unknown()),
  clicks: clickList,
});
export const clicksMessageSchema = z.discriminatedUnion("v", [clicksMessageV1Schema, clicksMessageV2Schema]);

type PackedLink = [id: string, campaignId: string, influencerId: string];
type PackedClick = [
  id: string,
  link: number,
  clickedAt: number,
  country: string | null,
  region: string | null,
  city: string | null,
  agent: number,
  refererHost: string | null,
  head: 0 | 1,
  visitorHash: string,
];
export type ClicksMessage = {
  type: "clicks";
  v: 2;
  links: PackedLink[];
  agents: string[];
  clicks: PackedClick[];
};

// The index of `key` in `list`, appending it the first time it is seen.
function indexIn(indexes: Map<string, number>, list: unknown[], key: string, item: unknown): number {
  let index = indexes.get(key);
  if (index === undefined) {
    index = list.push(item) - 1;
    indexes.set(key, index);
  }
  return index;
}

export function packClicks(clicks: CapturedClick[]): ClicksMessage {
  const message: ClicksMessage = { type: "clicks", v: 2, links: [], agents: [], clicks: [] };
  const links = new Map<string, number>();
  const agents = new Map<string, number>();
  for (const c of clicks) {
    const link: PackedLink = [c.link_id, c.campaign_id, c.influencer_id];
    message.clicks.push([
      c.id,
      indexIn(links, message.links, c.link_id, link),
      c.clicked_at,
      c.country,
      c.region,
      c.city,
      indexIn(agents, message.agents, c.user_agent, c.user_agent),
      c.referer_host,
      c.head ? 1 : 0,
      c.visitor_hash,
    ]);
  }
  return message;
}

// A packed click back as a CapturedClick-shaped object, still to be validated like a v1 click: a
// malformed one (not an array, an index that points nowhere) comes out with missing or wrong
// fields and is set aside as poison.
export function unpackClick(message: { links: unknown[]; agents: unknown[] }, packed: unknown): unknown {
  if (!Array.isArray(packed)) return packed;
  const link = message.links[packed[1]];
  const [linkId, campaignId, influencerId] = Array.isArray(link) ? link : [];
  const head = packed[8];
  return {
    id: packed[0],
    link_id: linkId,
    campaign_id: campaignId,
    influencer_id: influencerId,
    clicked_at: packed[2],
    country: packed[3],
    region: packed[4],
    city: packed[5],
    user_agent: message.agents[packed[6]],
    referer_host: packed[7],
    head: head === 1 ? true : head === 0 ? false : head,
    visitor_hash: packed[9],
  };
}

// A click as stored: the captured fields, enriched by the consumer.
export type ClickRow = Omit<CapturedClick, "user_agent" | "head"> & {
  device: string | null;
  browser: string | null;
  os: string | null;
  is_bot: boolean;
};
