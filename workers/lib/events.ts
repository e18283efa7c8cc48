import { isRedemption } from "../../src/conversions/redemptions";
import type { BehaviourMessage } from "../../src/events/behaviour-event";
import { EVENT_CONTENT_TYPE } from "../../src/events/events";
import type { EventSink, RecordedEvent } from "../../src/events/recorded-events";
import { errorMessage, log } from "../../src/log";
import { serializeConversion } from "../schemas/conversions";
import { serializeRedemption } from "../schemas/redemptions";
import { serializeRefund } from "../schemas/refunds";

// The message carries the record as the API answered it: a promo code's conversion as a
// redemption, any other as a conversion.
export function eventMessage(event: RecordedEvent) {
  if (event.type === "refund")
    return { type: event.type, v: 1 as const, record: serializeRefund(event.record) };
  const row = event.record;
  const record = isRedemption(row) ? serializeRedemption(row) : serializeConversion(row);
  return { type: event.type, v: 1 as const, record };
}

// Recorded events travel on the EVENTS queue after the response, like clicks. The record is
// already in D1, so a failed send loses only the notification, and it is logged.
export function queueEvents(env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }): EventSink {
  return (event) => {
    ctx.waitUntil(
      env.EVENTS.send(eventMessage(event), { contentType: EVENT_CONTENT_TYPE }).catch((error: unknown) => {
        log.error("event_not_sent", { type: event.type, id: event.record.id, error: errorMessage(error) });
      }),
    );
  };
}

// A visit's page views and engaged time (POST /track/events) exist nowhere else: the request waits
// until the queue has them, so an accepted report (202) is one that was queued.
export async function sendBehaviour(env: Env, message: BehaviourMessage): Promise<void> {
  await env.EVENTS.send(message, { contentType: EVENT_CONTENT_TYPE });
}
