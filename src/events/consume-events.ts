import type { ClickEvent } from "../clicks/click-event";
import { clickInsertStatements } from "../clicks/ingest-clicks";
import { errorMessage, log } from "../log";
import type { Clock } from "../time";
import { eventSchema } from "./events";

export type EventsDeps = { d1: D1Database; clock: Clock };

// Retries back off exponentially (5 s, 10 s, 20 s … at most 5 min) so a D1 hiccup is not hammered;
// after the queue's max_retries the message moves to the dead-letter queue.
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}

function deadLetterStatement(d1: D1Database, queue: string, message: Message, reason: string, at: number) {
  return d1
    .prepare(
      `INSERT INTO dead_letters (message_id, queue, body, reason, attempts, received_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (message_id) DO NOTHING`,
    )
    .bind(message.id, queue, safeJson(message.body), reason.slice(0, 1000), message.attempts, at);
}

function safeJson(body: unknown): string {
  try {
    return (JSON.stringify(body) ?? "null").slice(0, 100_000);
  } catch {
    return '"<unserialisable>"';
  }
}

// The consumer of the EVENTS queue. Valid events of a batch are written in one D1 batch (one
// transaction); every write is idempotent on the event id, so a redelivered batch adds nothing.
// Malformed messages (poison) are set aside in dead_letters and acked at once: retrying cannot fix them.
export async function consumeEvents(batch: MessageBatch<unknown>, deps: EventsDeps): Promise<void> {
  const now = deps.clock();
  const valid: { message: Message; event: ClickEvent }[] = [];
  const poison: D1PreparedStatement[] = [];
  const poisonMessages: Message[] = [];
  for (const message of batch.messages) {
    const parsed = eventSchema.safeParse(message.body);
    if (parsed.success) {
      valid.push({ message, event: parsed.data });
    } else {
      const reason = `invalid event: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`;
      log.warn("event_poison", { queue: batch.queue, message_id: message.id, reason });
      poison.push(deadLetterStatement(deps.d1, batch.queue, message, reason, now));
      poisonMessages.push(message);
    }
  }

  const statements = [
    ...clickInsertStatements(
      deps.d1,
      valid.map((v) => v.event),
      now,
    ),
    ...poison,
  ];
  if (statements.length === 0) return;
  try {
    await deps.d1.batch(statements);
    for (const message of batch.messages) message.ack();
    log.info("events_written", { queue: batch.queue, events: valid.length, poison: poisonMessages.length });
    return;
  } catch (error) {
    log.error("events_batch_failed", {
      queue: batch.queue,
      messages: batch.messages.length,
      error: errorMessage(error),
    });
  }

  // The batch as a whole failed. Write message by message, so one bad message cannot hold back
  // the others: those that land are acked, the rest retried with backoff.
  for (const { message, event } of valid) {
    try {
      await deps.d1.batch(clickInsertStatements(deps.d1, [event], now));
      message.ack();
    } catch (error) {
      log.error("event_write_failed", {
        message_id: message.id,
        attempts: message.attempts,
        error: errorMessage(error),
      });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
  for (const message of poisonMessages) {
    message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  }
}

// The consumer of the dead-letter queue: whatever exhausted its retries is kept in D1 for a person.
export async function consumeDeadLetters(batch: MessageBatch<unknown>, deps: EventsDeps): Promise<void> {
  const now = deps.clock();
  for (const message of batch.messages) {
    log.error("event_dead_lettered", {
      queue: batch.queue,
      message_id: message.id,
      attempts: message.attempts,
    });
  }
  try {
    await deps.d1.batch(
      batch.messages.map((m) => deadLetterStatement(deps.d1, batch.queue, m, "exhausted retries", now)),
    );
    batch.ackAll();
  } catch (error) {
    log.error("dead_letters_write_failed", { queue: batch.queue, error: errorMessage(error) });
    batch.retryAll({ delaySeconds: 60 });
  }
}
