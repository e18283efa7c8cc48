import { EVENT_CONTENT_TYPE } from "../../src/events/events";
import type { EventSink } from "../../src/events/recorded-events";
import { errorMessage, log } from "../../src/log";

// Recorded events travel on the EVENTS queue after the response, like clicks. The record is
// already in D1, so a failed send loses only the notification, and it is logged.
export function queueEvents(env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }): EventSink {
  return (event) => {
    ctx.waitUntil(
      env.EVENTS.send(event, { contentType: EVENT_CONTENT_TYPE }).catch((error: unknown) => {
        log.error("event_not_sent", { type: event.type, id: event.record.id, error: errorMessage(error) });
      }),
    );
  };
}
