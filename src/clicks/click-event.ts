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
// Queues bill three operations per message, so batching at the source divides that cost, and
// locally each message costs the shared thread the broker's and the consumer's work, which fuller
// messages share (docs/performance.md). 200 is one 50 ms window of an isolate answering 4,000
// clicks/s. The
// consumer takes messages up to the same size: on a live deployment a larger size must reach the
// consumer (a deploy) before the redirect sends it, or the old consumer sets such messages aside.
export const MAX_CLICKS_PER_MESSAGE = 200;
// Each message's clicks are validated one by one (checkClick), so one malformed click cannot take
// its neighbours down with it. So the envelope only checks that the lists are arrays: z.array
// would walk every element once more, a cost per click in the consumer.
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

// Queues refuses a message over 128 KB, and a click's size is set by what the visitor sends: a
// user agent is kept up to 512 characters and a referer host up to 255, and V8 writes a string
// outside Latin-1 with two bytes a character. A full window of such clicks would be over the
// limit, and every click in it (other visitors' too) lost. So each message's size is counted from
// above while it is packed (every character two bytes, every value its tag and length), and the
// clicks go on in another message once the next would take it past MAX_MESSAGE_BYTES.
const MAX_MESSAGE_BYTES = 100 * 1024;
const VALUE_BYTES = 10; // a tag and a length, or a number as a double
const textBytes = (text: string | null) => VALUE_BYTES + (text === null ? 0 : 2 * text.length);
const ENVELOPE_BYTES = 64;

type Packing = {
  message: ClicksMessage;
  links: Map<string, number>;
  agents: Map<string, number>;
  bytes: number;
};

function newPacking(): Packing {
  const message: ClicksMessage = { type: "clicks", v: 2, links: [], agents: [], clicks: [] };
  return { message, links: new Map(), agents: new Map(), bytes: ENVELOPE_BYTES };
}

// The most bytes `c` adds to the message: its values, and its link and user agent unless the
// message has them already.
function bytesIn(packing: Packing, c: CapturedClick): number {
  let bytes =
    5 * VALUE_BYTES + // the array, link index, time, agent index, head
    textBytes(c.id) +
    textBytes(c.country) +
    textBytes(c.region) +
    textBytes(c.city) +
    textBytes(c.referer_host) +
    textBytes(c.visitor_hash);
  if (!packing.links.has(c.link_id)) {
    bytes += VALUE_BYTES + textBytes(c.link_id) + textBytes(c.campaign_id) + textBytes(c.influencer_id);
  }
  if (!packing.agents.has(c.user_agent)) bytes += textBytes(c.user_agent);
  return bytes;
}

// The clicks as v2 messages, in order, each under MAX_MESSAGE_BYTES: one message unless the
// clicks are unusually large.
export function packClicks(clicks: CapturedClick[]): ClicksMessage[] {
  if (clicks.length === 0) return [];
  let packing = newPacking();
  const messages = [packing.message];
  for (const c of clicks) {
    let bytes = bytesIn(packing, c);
    if (packing.message.clicks.length > 0 && packing.bytes + bytes > MAX_MESSAGE_BYTES) {
      packing = newPacking();
      messages.push(packing.message);
      bytes = bytesIn(packing, c);
    }
    packing.bytes += bytes;
    const { message, links, agents } = packing;
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
  return messages;
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
