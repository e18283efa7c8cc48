import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { behaviourMessageSchema } from "../../src/events/behaviour-event";
import { TRACK_SESSION_THROTTLE } from "../../src/track/track-throttle";
import worker from "../../workers/index";
import { ADMIN, BASE, createKey, createLink, follow, tamperedClickId } from "../support/helpers";
import { deliver } from "../support/queue-helpers";

const SHOP = "https://shop.example";

// The Worker with its real EVENTS queue, which also notes what was sent to it.
function observedWorker() {
  const sent: unknown[] = [];
  const events: Queue = {
    ...env.EVENTS,
    send: (body, options) => {
      sent.push(body);
      return env.EVENTS.send(body, options);
    },
    sendBatch: (messages, options) => env.EVENTS.sendBatch(messages, options),
    metrics: () => env.EVENTS.metrics(),
  };
  async function beacon(
    body: unknown,
    init: { origin?: string | null; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { "Content-Type": "text/plain;charset=UTF-8", ...init.headers };
    const origin = init.origin === undefined ? SHOP : init.origin;
    if (origin) headers.Origin = origin;
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/api/v1/track/events`, {
        method: "POST",
        headers,
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
      { ...env, EVENTS: events },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
  }
  return { sent, beacon };
}

async function landing() {
  const link = await createLink();
  const location = (await follow(link.slug)).headers.get("Location") as string;
  return { link, clickId: new URL(location).searchParams.get("sl_cid") as string };
}

const sessionId = () => crypto.randomUUID().replaceAll("-", "").slice(0, 24);

const pageView = (path = "/products/shoes") => ({
  type: "page_view",
  view_id: crypto.randomUUID().slice(0, 8),
  path,
  at: new Date().toISOString(),
});

describe("POST /track/events", () => {
  it("queues one behaviour message, the key in a text/plain body (as sendBeacon sends it): 202", async () => {
    const { key } = await createKey("publishable", { allowed_origins: [SHOP] });
    const before = Date.now();
    const { link, clickId } = await landing();
    const landed = Date.now();
    const { sent, beacon } = observedWorker();
    const view = pageView();
    const events = [view, { type: "engagement", view_id: view.view_id, seconds: 12.5 }];
    const session = sessionId();
    const res = await beacon({ key, click_id: clickId, session_id: session, returning: true, events });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 2 });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(SHOP);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual({
      type: "behaviour",
      click_id: clickId,
      link_id: link.id,
      clicked_at: expect.any(Number),
      session_id: session,
      returning: true,
      events,
    });
    expect(behaviourMessageSchema.safeParse(sent[0]).success).toBe(true);
    const message = sent[0] as { clicked_at: number };
    // The click's own time, between the test's clock before and after the landing.
    expect(message.clicked_at).toBeGreaterThanOrEqual(before);
    expect(message.clicked_at).toBeLessThanOrEqual(landed);
  });

  it("takes the key in Authorization too, and an admin key from anywhere", async () => {
    const { key } = await createKey("publishable", { allowed_origins: [SHOP] });
    const { clickId } = await landing();
    const { sent, beacon } = observedWorker();
    const body = { click_id: clickId, session_id: sessionId(), returning: false, events: [pageView()] };
    expect((await beacon(body, { headers: { Authorization: `Bearer ${key}` } })).status).toBe(202);
    expect((await beacon(body, { origin: null, headers: { Authorization: `Bearer ${ADMIN}` } })).status).toBe(
      202,
    );
    expect(sent).toHaveLength(2);
  });

  it("refuses other origins, other scopes, made-up click ids and malformed events, queueing nothing", async () => {
    const { key } = await createKey("publishable", { allowed_origins: [SHOP] });
    const checkout = (await createKey("checkout")).key;
    const { clickId } = await landing();
    const { sent, beacon } = observedWorker();
    const good = { key, click_id: clickId, session_id: sessionId(), returning: false, events: [pageView()] };
    const refusals: [unknown, { origin?: string | null }, number, string][] = [
      [good, { origin: "https://elsewhere.example" }, 403, "forbidden"],
      [good, { origin: null }, 403, "forbidden"],
      [{ ...good, key: checkout }, {}, 403, "forbidden"],
      [{ ...good, key: undefined }, {}, 401, "unauthorized"],
      ["{not json", {}, 400, "invalid_json"],
      [{ ...good, click_id: tamperedClickId(clickId) }, {}, 422, "invalid_click_id"],
      [{ ...good, session_id: "short" }, {}, 422, "validation_failed"],
      [{ ...good, events: [] }, {}, 422, "validation_failed"],
      [{ ...good, events: Array.from({ length: 51 }, () => pageView()) }, {}, 422, "validation_failed"],
      [{ ...good, events: [pageView("/checkout?email=a@b.example")] }, {}, 422, "validation_failed"],
      [{ ...good, events: [pageView("https://shop.example/x")] }, {}, 422, "validation_failed"],
      [{ ...good, events: [pageView(`/${"a".repeat(600)}`)] }, {}, 422, "validation_failed"],
      [
        { ...good, events: [{ type: "engagement", view_id: "abcdefgh", seconds: 86_401 }] },
        {},
        422,
        "validation_failed",
      ],
      [
        { ...good, events: [{ type: "engagement", view_id: "abcdefgh", seconds: -1 }] },
        {},
        422,
        "validation_failed",
      ],
      [
        { ...good, events: [{ type: "sale", view_id: "abcdefgh", amount: 100 }] },
        {},
        422,
        "validation_failed",
      ],
      [{ ...good, amount: 100 }, {}, 422, "validation_failed"],
    ];
    for (const [body, init, status, code] of refusals) {
      const res = await beacon(body, init);
      expect([res.status, res.body.error?.code], JSON.stringify(body).slice(0, 120)).toEqual([status, code]);
    }
    expect(sent).toEqual([]);
  });

  it("limits a session's requests (429 with Retry-After), and never records a conversion", async () => {
    const { key } = await createKey("publishable", { allowed_origins: [SHOP] });
    const { clickId } = await landing();
    const { sent, beacon } = observedWorker();
    const body = { key, click_id: clickId, session_id: sessionId(), returning: false, events: [pageView()] };
    for (let i = 0; i < TRACK_SESSION_THROTTLE.limit; i++) expect((await beacon(body)).status).toBe(202);
    const over = await beacon(body);
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe("rate_limited");
    expect(Number(over.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(sent).toHaveLength(TRACK_SESSION_THROTTLE.limit);
    // Another session of the same visitor is still served.
    expect((await beacon({ ...body, session_id: sessionId() })).status).toBe(202);
    const conversions = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversions WHERE click_id = ?")
      .bind(clickId)
      .first<{ n: number }>();
    expect(conversions?.n).toBe(0);
  });

  it("puts a message the queue's consumer accepts: acknowledged, not set aside as poison", async () => {
    const { key } = await createKey("publishable", { allowed_origins: [SHOP] });
    const { clickId } = await landing();
    const { sent, beacon } = observedWorker();
    const body = { key, click_id: clickId, session_id: sessionId(), returning: false, events: [pageView()] };
    expect((await beacon(body)).status).toBe(202);
    const { batch, result } = await deliver(sent);
    expect(result.explicitAcks).toEqual(batch.messages.map((m) => m.id));
    const poison = await env.DB.prepare("SELECT COUNT(*) AS n FROM dead_letters WHERE message_id = ?")
      .bind(batch.messages[0]?.id)
      .first<{ n: number }>();
    expect(poison?.n).toBe(0);
  });
});
