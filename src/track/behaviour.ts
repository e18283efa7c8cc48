import { INVALID_CLICK_ID_MESSAGE, verifyClickId } from "../clicks/click-id";
import { DomainError } from "../errors";
import type { BehaviourEvent, BehaviourMessage } from "../events/behaviour-event";

export type BehaviourReport = {
  clickId: string;
  sessionId: string;
  returning: boolean;
  events: BehaviourEvent[];
};

// The queue message for a visit's report, once its click id verifies: the id itself says which
// link and when, so the message needs no read of D1 (the click may not be written yet). A report
// whose click id the redirect did not issue is refused: behaviour counts only for real clicks.
export function behaviourMessage(signingSecret: string, report: BehaviourReport): BehaviourMessage {
  const click = verifyClickId(signingSecret, report.clickId);
  if (!click) throw new DomainError("invalid_click_id", INVALID_CLICK_ID_MESSAGE);
  return {
    type: "behaviour",
    click_id: report.clickId,
    link_id: click.linkId,
    clicked_at: click.clickedAt,
    session_id: report.sessionId,
    returning: report.returning,
    events: report.events,
  };
}
