import { DomainError } from "../errors";
import { DAY_MS } from "../time";

// When an order, a lead or a refund happened, as sent, else now. A time more than a day ahead of
// this clock is refused: a shop's clock may run a little fast, but an order from next year would
// sit in every all-time figure and in no period a page shows. (Times before 2000 are refused by
// the request's schema.)
export function occurredAtOrNow(sent: Date | undefined, now: number): Date {
  if (sent && sent.getTime() > now + DAY_MS) {
    throw new DomainError("validation_failed", "occurred_at is in the future.", [
      { path: "occurred_at", message: "At most a day ahead (for clocks that run fast)." },
    ]);
  }
  return sent ?? new Date(now);
}
