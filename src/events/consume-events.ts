import { behaviourStatements, type LinkOwners, linkOwners } from "../behaviour/ingest-behaviour";
import { fixedTimeZones } from "../campaigns/time-zones";
import { type ClickRow, checkClick, unpackClick } from "../clicks/click-event";
import { enrichClick } from "../clicks/enrich-click";
import { clickInsertStatements, type TimeZones } from "../clicks/ingest-clicks";
import { deriveLedger, type LedgerEvents } from "../commissions/ledger";
import { errorMessage, log } from "../log";
import type { Clock } from "../time";
import type { BehaviourMessage } from "./behaviour-event";
import { eventSchema } from "./events";

export type EventsDeps = { d1: D1Database; clock: Clock };

// Retries back off exponentially (5 s, 10 s, 20 s … at most 5 min) so a D1 hiccup is not hammered;
// after the queue's max_retries the message moves to the dead-letter queue.
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}

function deadLetterStatement(
  d1: D1Database,
  entry: { id: string; queue: string; body: unknown; reason: string; attempts: number },
  at: number,
) {
  return d1
    .prepare(
      `INSERT INTO dead_letters (message_id, queue, body, reason, attempts, received_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (message_id) DO NOTHING`,
    )
    .bind(entry.id, entry.queue, safeJson(entry.body), entry.reason.slice(0, 1000), entry.attempts, at);
}

function safeJson(body: unknown): string {
  try {
    return (JSON.stringify(body) ?? "null").slice(0, 100_000);
  } catch {
    return '"<unserialisable>"';
  }
}

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join(".")} ${i.message}`.trim()).join("; ");
}

// What one message asks to be written: the clicks it carries, or the visitor behaviour, the
// conversion or refund whose commission entries it announces, and any parts of it that are
// malformed (poison), which are set aside in dead_letters rather than retried.
type Plan = {
  message: Message;
  clicks: ClickRow[];
  behaviour: BehaviourMessage[];
  ledger: LedgerEvents;
  poison: D1PreparedStatement[];
};

const NO_LEDGER: LedgerEvents = { conversionIds: [], refundIds: [] };

function plan(message: Message, queue: string, deps: EventsDeps, now: number): Plan {
  const parsed = eventSchema.safeParse(message.body);
  if (!parsed.success) {
    const reason = `invalid event: ${describeIssues(parsed.error.issues)}`;
    log.warn("event_poison", { queue, message_id: message.id, reason });
    const entry = { id: message.id, queue, body: message.body, reason, attempts: message.attempts };
    return {
      message,
      clicks: [],
      behaviour: [],
      ledger: NO_LEDGER,
      poison: [deadLetterStatement(deps.d1, entry, now)],
    };
  }
  if (parsed.data.type === "behaviour")
    return { message, clicks: [], behaviour: [parsed.data], ledger: NO_LEDGER, poison: [] };
  // Conversions and refunds are in D1 already (published after the write): the commission ledger
  // derives its entries from those rows.
  if (parsed.data.type === "conversion")
    return {
      message,
      clicks: [],
      behaviour: [],
      ledger: { conversionIds: [parsed.data.record.id], refundIds: [] },
      poison: [],
    };
  if (parsed.data.type === "refund")
    return {
      message,
      clicks: [],
      behaviour: [],
      ledger: { conversionIds: [], refundIds: [parsed.data.record.id] },
      poison: [],
    };
  const clicks: ClickRow[] = [];
  const poison: D1PreparedStatement[] = [];
  const event = parsed.data;
  event.clicks.forEach((packed, index) => {
    const body = event.v === 2 ? unpackClick(event, packed) : packed;
    const checked = checkClick(body);
    if ("click" in checked) {
      clicks.push(enrichClick(checked.click));
    } else {
      const reason = `invalid click: ${checked.problem}`;
      log.warn("event_poison", { queue, message_id: message.id, index, reason });
      const entry = { id: `${message.id}#${index}`, queue, body, reason, attempts: message.attempts };
      poison.push(deadLetterStatement(deps.d1, entry, now));
    }
  });
  return { message, clicks, behaviour: [], ledger: NO_LEDGER, poison };
}

// What the batch's writes need read first: the time zone of every campaign an event is written
// for (its local day), and the owners of the links behaviour messages name.
type Lookups = { zones: TimeZones; owners: LinkOwners };

function statementsFor(
  plans: Plan[],
  deps: EventsDeps,
  now: number,
  lookups: Lookups,
): D1PreparedStatement[] {
  return [
    ...clickInsertStatements(
      deps.d1,
      plans.flatMap((p) => p.clicks),
      now,
      lookups.zones,
    ),
    ...behaviourStatements(
      deps.d1,
      plans.flatMap((p) => p.behaviour),
      lookups.owners,
      lookups.zones,
      now,
    ),
    ...plans.flatMap((p) => p.poison),
  ];
}

// A behaviour message whose link does not exist can never be written: a retry cannot fix it, so it
// is dropped (acknowledged) with a log line rather than retried into the dead-letter queue.
async function lookUp(plans: Plan[], deps: EventsDeps, queue: string, now: number): Promise<Lookups> {
  const owners = await linkOwners(
    deps.d1,
    plans.flatMap((p) => p.behaviour.map((b) => b.link_id)),
  );
  for (const plan of plans) {
    for (const b of plan.behaviour) {
      if (!owners.has(b.link_id)) {
        log.warn("behaviour_link_unknown", { queue, message_id: plan.message.id, link_id: b.link_id });
      }
    }
  }
  const zones = await fixedTimeZones(
    deps.d1,
    [
      ...plans.flatMap((p) => p.clicks.map((c) => c.campaign_id)),
      ...[...owners.values()].map((o) => o.campaign_id),
    ],
    now,
  );
  return { zones, owners };
}

// Everything the plans ask to be written: the clicks, behaviour (and poison) in one D1 batch, then
// the ledger's entries. Every write is idempotent (click ids, sessions and page views, the
// ledger's unique keys), so writing a plan again after a partial failure adds nothing twice.
async function write(plans: Plan[], deps: EventsDeps, now: number, lookups: Lookups) {
  const statements = statementsFor(plans, deps, now, lookups);
  if (statements.length > 0) await deps.d1.batch(statements);
  await deriveLedger(
    deps.d1,
    {
      conversionIds: plans.flatMap((p) => p.ledger.conversionIds),
      refundIds: plans.flatMap((p) => p.ledger.refundIds),
    },
    now,
  );
}

// The consumer of the EVENTS queue. A batch's clicks and behaviour are written in one D1 batch
// (one transaction), and every write is idempotent, so a redelivered batch adds nothing.
export async function consumeEvents(batch: MessageBatch<unknown>, deps: EventsDeps): Promise<void> {
  const now = deps.clock();
  const plans = batch.messages.map((message) => plan(message, batch.queue, deps, now));
  // The local day of an event is its campaign's: each campaign's zone is fixed and read first (a
  // statement only for campaigns this isolate has not seen with events). Should that fail, every
  // message is retried.
  let lookups: Lookups;
  try {
    lookups = await lookUp(plans, deps, batch.queue, now);
  } catch (error) {
    log.error("events_batch_failed", {
      queue: batch.queue,
      messages: plans.length,
      error: errorMessage(error),
    });
    for (const { message } of plans) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    return;
  }
  try {
    await write(plans, deps, now, lookups);
    for (const { message } of plans) message.ack();
    log.info("events_written", {
      queue: batch.queue,
      messages: plans.length,
      clicks: plans.reduce((n, p) => n + p.clicks.length, 0),
      behaviour: plans.reduce((n, p) => n + p.behaviour.length, 0),
    });
    return;
  } catch (error) {
    log.error("events_batch_failed", {
      queue: batch.queue,
      messages: plans.length,
      error: errorMessage(error),
    });
  }

  // The batch as a whole failed. Write message by message, so one bad message cannot hold back
  // the others: those that land are acked, the rest retried with backoff.
  for (const single of plans) {
    try {
      await write([single], deps, now, lookups);
      single.message.ack();
    } catch (error) {
      const { message } = single;
      log.error("event_write_failed", {
        message_id: message.id,
        attempts: message.attempts,
        error: errorMessage(error),
      });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
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
      batch.messages.map((m) =>
        deadLetterStatement(
          deps.d1,
          { id: m.id, queue: batch.queue, body: m.body, reason: "exhausted retries", attempts: m.attempts },
          now,
        ),
      ),
    );
    batch.ackAll();
  } catch (error) {
    log.error("dead_letters_write_failed", { queue: batch.queue, error: errorMessage(error) });
    batch.retryAll({ delaySeconds: 60 });
  }
}
