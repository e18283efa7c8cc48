import { z } from "zod";
import { clicksMessageSchema } from "../clicks/click-event";
import { behaviourMessageSchema } from "./behaviour-event";
import { conversionRecordedSchema, refundRecordedSchema } from "./recorded-events";

// Every message on the EVENTS queue, told apart by `type`. Later kinds (conversions, refunds)
// join this union; the consumer routes on it.
export const eventSchema = z.discriminatedUnion("type", [
  clicksMessageSchema,
  conversionRecordedSchema,
  refundRecordedSchema,
  behaviourMessageSchema,
]);
export type SwaylineEvent = z.infer<typeof eventSchema>;

// How every message is put on the EVENTS queue: V8's structured-clone serialisation (Queues'
// default) rather than "json". The consumer gets the same object either way; with "json" the
// message is turned into JSON text on send and, locally, parsed and re-serialised by the queue
// broker several times over, on the same workerd thread as the redirect (bench:redirect).
export const EVENT_CONTENT_TYPE = "v8" satisfies QueueContentType;
