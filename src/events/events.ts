import { z } from "zod";
import { clicksMessageSchema } from "../clicks/click-event";
import { conversionRecordedSchema, refundRecordedSchema } from "./recorded-events";

// Every message on the EVENTS queue, told apart by `type`. Later kinds (conversions, refunds)
// join this union; the consumer routes on it.
export const eventSchema = z.discriminatedUnion("type", [
  clicksMessageSchema,
  conversionRecordedSchema,
  refundRecordedSchema,
]);
export type SwaylineEvent = z.infer<typeof eventSchema>;
