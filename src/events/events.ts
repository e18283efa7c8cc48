import { z } from "zod";
import { clickEventSchema } from "../clicks/click-event";

// Every message on the EVENTS queue, told apart by `type`. Later kinds (conversions, refunds)
// join this union; the consumer routes on it.
export const eventSchema = z.discriminatedUnion("type", [clickEventSchema]);
export type SwaylineEvent = z.infer<typeof eventSchema>;
