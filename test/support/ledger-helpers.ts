import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import worker from "../../workers/index";
import { BASE, createKey, unique } from "./helpers";
import { deliver } from "./queue-helpers";

// The checkout's calls with the EVENTS queue held back: the Worker answers as always, and what it
// would have put on the queue is kept here, for the test to deliver to the real consumer when and
// in the order it chooses (twice, a refund before its sale). Only the producer is held; the
// consumer, D1 and the routes are the real ones.
export function heldQueue() {
  const held: unknown[] = [];
  const events = {
    send: async (body: unknown) => {
      held.push(body);
    },
    sendBatch: async (messages: Iterable<{ body: unknown }>) => {
      for (const m of messages) held.push(m.body);
    },
  };
  const heldEnv = { ...env, EVENTS: events } as unknown as Env;
  async function call(method: string, path: string, body: unknown, key: string) {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      }) as Request<unknown, IncomingRequestCfProperties>,
      heldEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response fields and assert on them.
    return { status: res.status, body: (await res.json()) as any };
  }
  // Takes what is held so far, leaving the queue empty.
  const take = () => held.splice(0, held.length);
  return { held, take, call };
}

export type Held = ReturnType<typeof heldQueue>;

let checkoutKey: string | undefined;
export async function checkout() {
  checkoutKey ??= (await createKey("checkout")).key;
  return checkoutKey;
}

// A sale by promo code at `at`, its event held; returns the order id and the conversion's id.
export async function heldSale(queue: Held, code: string, amount: number, at: string) {
  const orderId = unique("ord");
  const res = await queue.call(
    "POST",
    "/redemptions",
    { code, order_id: orderId, amount, currency: "EUR", occurred_at: at },
    await checkout(),
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { orderId, conversionId: res.body.id as string };
}

export async function heldRefund(queue: Held, orderId: string, amount: number, at: string) {
  const res = await queue.call(
    "POST",
    "/refunds",
    { order_id: orderId, refund_id: unique("rf"), amount, occurred_at: at },
    await checkout(),
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

// Each message handed to the real queue handler, one batch per message, in the given order.
export async function deliverEach(bodies: unknown[]) {
  for (const body of bodies) {
    const { result } = await deliver([body]);
    expect(result.explicitAcks, JSON.stringify(result)).toHaveLength(1);
  }
}

export type EntryRow = {
  id: string;
  kind: string;
  conversion_id: string | null;
  refund_id: string | null;
  amount: number;
  payable_at: number;
  payout_id: string | null;
  paid_at: number | null;
};

// The ledger's rows of one influencer, straight from D1.
export async function entriesOf(influencerId: string): Promise<EntryRow[]> {
  const { results } = await env.DB.prepare(
    `SELECT id, kind, conversion_id, refund_id, amount, payable_at, payout_id, paid_at
     FROM commission_entries WHERE influencer_id = ? ORDER BY rowid`,
  )
    .bind(influencerId)
    .all<EntryRow>();
  return results;
}
