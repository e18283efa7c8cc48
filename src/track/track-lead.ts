import type { Recorder } from "../auth/api-keys";
import { INVALID_CLICK_ID_MESSAGE, verifyClickId } from "../clicks/click-id";
import { type ConversionRow, recordConversion } from "../conversions/conversions";
import { type RecordResult, refused } from "../conversions/results";
import { customerFields } from "../customers/customer-id";
import type { Db } from "../db";
import type { EventSink } from "../events/recorded-events";
import type { Clock } from "../time";
import { admitTrackRequest } from "./track-throttle";

// A lead reported from the shop's page (sl.js, with a publishable key): the same recording as
// POST /conversions' leads, once per customer and campaign, but only through a click id the
// redirect signed, and never a sale. The click id is checked before the visitor's request is
// counted, so made-up ids cost no write.
export async function recordTrackedLead(
  db: Db,
  input: { clickId: string; customerId: string },
  by: Recorder,
  clock: Clock,
  signingSecret: string,
  events: EventSink,
): Promise<RecordResult<ConversionRow>> {
  if (!verifyClickId(signingSecret, input.clickId))
    return refused("invalid_click_id", INVALID_CLICK_ID_MESSAGE);
  await admitTrackRequest(db, { visitor: input.clickId, session: null }, clock);
  return recordConversion(
    db,
    { type: "lead", ...customerFields(input.customerId, signingSecret), clickId: input.clickId },
    by,
    clock,
    signingSecret,
    events,
  );
}
