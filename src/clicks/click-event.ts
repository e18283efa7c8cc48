import { z } from "zod";

// What the redirect captures about one click. It carries no raw IP: the visitor is reduced to a
// salted hash before anything leaves the request. Parsing the user agent is left to the queue
// consumer, off the redirect's isolate, where it runs once per batch.
export type CapturedClick = {
  id: string;
  link_id: string;
  campaign_id: string;
  influencer_id: string;
  clicked_at: number;
  country: string | null;
  region: string | null;
  city: string | null;
  user_agent: string;
  referer_host: string | null;
  // HEAD requests are link checkers and unfurlers, never a person following the link.
  head: boolean;
  visitor_hash: string;
};

// The consumer checks every click it is handed, one by one. The checks are written out rather
// than a zod schema: they run for every click, and zod's object parsing (which workerd cannot
// compile, as eval is off) cost several times the rest of the click's handling in the consumer.
type Check = { test: (value: unknown) => boolean; expected: string };
const text = (min: number, max: number): Check => ({
  test: (v) => typeof v === "string" && v.length >= min && v.length <= max,
  expected: `a string of ${min} to ${max} characters`,
});
const orNull = ({ test, expected }: Check): Check => ({
  test: (v) => v === null || test(v),
  expected: `${expected}, or null`,
});
const VISITOR_HASH = /^[0-9a-f]{64}$/;
const CLICK_CHECKS: [keyof CapturedClick, Check][] = [
  ["id", text(1, 64)],
  ["link_id", text(1, 64)],
  ["campaign_id", text(1, 64)],
  ["influencer_id", text(1, 64)],
  ["clicked_at", { test: (v) => Number.isSafeInteger(v) && (v as number) >= 0, expected: "a time in ms" }],
  ["country", orNull(text(0, 64))],
  ["region", orNull(text(0, 128))],
  ["city", orNull(text(0, 128))],
  ["user_agent", text(0, 512)],
  ["referer_host", orNull(text(0, 255))],
  ["head", { test: (v) => typeof v === "boolean", expected: "true or false" }],
  ["visitor_hash", { test: (v) => typeof v === "string" && VISITOR_HASH.test(v), expected: "64 hex digits" }],
];

// The click, or what is wrong with it (the first field found wrong).
export function checkClick(value: unknown): { click: CapturedClick } | { problem: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { problem: "expected an object" };
  }
  const fields = value as Record<string, unknown>;
  for (const [field, { test, expected }] of CLICK_CHECKS) {
    if (!test(fields[field])) return { problem: `${field} expected ${expected}` };
  }
  return { click: value as CapturedClick };
}

// One queue message carries the clicks an isolate captured in a short window (see ClickBuffer):
// Queues bill three operations per message, so batching at the source divides that cost.
export const MAX_CLICKS_PER_MESSAGE = 100;
// Each message's clicks are validated one by one (checkClick), so one malformed click cannot take
// its neighbours down with it. So the envelope only checks that the lists are arrays: z.array
// would walk every element once more (measured: about 1.5 µs a click in the consumer).
const list = (min: number, max: number) =>
  z.custom<unknown[]>((v) => Array.isArray(v) && v.length >= min && v.length <= max, {
    message: `expected an array of ${min} to ${max} items`,
  });
const clickList = list(1, MAX_CLICKS_PER_MESSAGE);

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
  links: list(0, MAX_CLICKS_PER_MESSAGE),
  agents: list(0, MAX_CLICKS_PER_MESSAGE),
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
