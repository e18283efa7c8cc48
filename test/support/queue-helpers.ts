import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { CapturedClick } from "../../src/clicks/click-event";
import worker from "../../workers/index";

// A batch of messages as the queue would hand it to the consumer.
export function queueBatch(bodies: unknown[], queue = "swayline-events", attempts = 1) {
  return createMessageBatch(
    queue,
    bodies.map((body, i) => ({
      id: `msg-${crypto.randomUUID()}-${i}`,
      timestamp: new Date(),
      attempts,
      body,
    })),
  );
}

// Hands messages straight to the Worker's real queue handler, as the queue would deliver them:
// for events the redirect cannot produce (a click dated days back, a redelivery).
export async function deliver(bodies: unknown[], queue = "swayline-events") {
  const batch = queueBatch(bodies, queue);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return { batch, result: await getQueueResult(batch, ctx) };
}

// A v1 message: the clicks one isolate captured in one window, one object each. The redirect now
// sends them packed (v2, see packClicks); the consumer reads both.
export const clicksMessage = (...clicks: unknown[]) => ({ type: "clicks", v: 1, clicks });

export const PHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
export const CRAWLER = "Googlebot/2.1 (+http://www.google.com/bot.html)";

export function capturedClick(
  fields: Pick<CapturedClick, "id" | "link_id" | "campaign_id" | "influencer_id" | "clicked_at"> &
    Partial<CapturedClick>,
): CapturedClick {
  return {
    country: "DE",
    region: null,
    city: null,
    user_agent: PHONE,
    referer_host: null,
    head: false,
    visitor_hash: "a".repeat(64),
    ...fields,
  };
}
