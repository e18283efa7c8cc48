import { consumeDeadLetters, consumeEvents } from "../src/events/consume-events";
import { systemClock } from "../src/time";

// One Worker consumes both queues; the dead-letter queue is told apart by its name.
export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const deps = { d1: env.DB, clock: systemClock };
  if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, deps);
  else await consumeEvents(batch, deps);
}
