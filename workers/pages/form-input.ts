import type { z } from "@hono/zod-openapi";
import { endOfLocalDay, localDay } from "../../src/campaigns/time-zones";
import { type DetailReason, DomainError, type ErrorCode, isDetailReason } from "../../src/errors";
import { slugProblem } from "../../src/links/slug";
import { decimalToMinor } from "../../src/money";
import { isCalendarDay, storableDate } from "../../src/time";
import { statusOf } from "../lib/errors";
import { type FormWords, fill } from "./i18n";
import type { Ui } from "./layout";

// How a number field was typed, so that a bound in its message is written the same way: a
// percentage typed as 10 is the API's 0.1, an amount typed as 12.50 is 1250 minor units.
type Unit = { kind: "percent" } | { kind: "money"; currency: string };

// The domain refusals the pages word themselves: the field each is about (not every one names it
// in its details) and what the page says there, whatever the API's English message.
type Refusal = { field: string; words: (w: FormWords, typed: string) => string };
const REFUSALS: Partial<Record<ErrorCode, Refusal>> = {
  invalid_url: { field: "url", words: (w) => w.hints.url },
  invalid_slug: {
    field: "slug",
    words: (w, typed) => (slugProblem(typed) === "reserved" ? w.slugReserved : w.hints.slug),
  },
  slug_taken: { field: "slug", words: (w) => w.taken },
  code_taken: { field: "code", words: (w) => w.taken },
  influencer_taken: { field: "handle", words: (w) => w.influencerTaken },
  influencer_not_found: { field: "influencer", words: (w) => w.unknownInfluencer },
  timezone_locked: { field: "timezone", words: (w) => w.timezoneLocked },
};

// How an edit form shows a stored instant in a date field, as a day of the campaign's zone: a
// start, an end or a due date as the day it falls on; a link's expiry (the instant it stops
// working) as the last day it works, the day before.
export type DayShown = "day_of" | "last_day_before";
export function shownDay(iso: string | null, zone: string, shown: DayShown = "day_of"): string {
  if (!iso) return "";
  const at = Date.parse(iso);
  return localDay(shown === "day_of" ? at : at - 1, zone);
}

// What an edit form's date field was filled from: the stored instant (ISO) and the zone it was
// shown in.
export type StoredDate = { at: string | null; zone: string };

// The problems a refusal's detail names by its `reason`, worded by the page (the detail's own
// message is the API's English): every reason the domain gives has its words here.
const REASONS: Record<DetailReason, (w: FormWords) => string> = {
  end_before_start: (w) => w.endBeforeStart,
};

// The pages' forms feed the API's own request schemas and the same domain functions, so a form
// has no validation rules of its own: this module only turns form text into the JSON the API
// takes (numbers, minor units, ISO dates), and the API's refusals into messages per field in the
// page's language. The API's own messages are English and written for developers ("Too big:
// expected number to be <=1" for a commission typed as 150 %), so the page words each refusal
// itself, from the issue's kind and bounds, never from the message.
export class FormReader {
  readonly errors: Record<string, string> = {};
  private readonly units = new Map<string, Unit>();
  constructor(
    readonly values: Record<string, string>,
    private readonly ui: Ui,
  ) {}

  get words(): FormWords {
    return this.ui.t.form;
  }

  text(name: string): string | undefined {
    const value = this.values[name]?.trim();
    return value ? value : undefined;
  }

  number(name: string): number | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const n = Number(value.replace(",", "."));
    if (!Number.isFinite(n)) this.errors[name] = this.words.number;
    return n;
  }

  // "12.50" (or "12,50") in the currency's units -> minor units, exactly.
  money(name: string, currency: string): number | undefined {
    this.units.set(name, { kind: "money", currency });
    const value = this.text(name);
    if (value === undefined) return undefined;
    const minor = decimalToMinor(value.replace(",", "."), currency);
    if (minor === null) {
      const example = this.ui.fmt.typedAmount(1250, currency);
      this.errors[name] = fill(this.words.amount, { currency, example });
    }
    return minor ?? undefined;
  }

  // A percentage typed as 10 -> the API's 0.1.
  percent(name: string): number | undefined {
    this.units.set(name, { kind: "percent" });
    const n = this.number(name);
    return n === undefined ? undefined : n / 100;
  }

  // <input type="date"> gives YYYY-MM-DD: the start of that UTC day.
  date(name: string): string | undefined {
    const value = this.day(name);
    return value === undefined ? undefined : `${value}T00:00:00Z`;
  }

  // A date field as the day it says (YYYY-MM-DD), for the API to read in the campaign's zone.
  day(name: string): string | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (!isCalendarDay(value)) {
      this.errors[name] = this.words.date;
      return undefined;
    }
    return value;
  }

  // A date field as the instant that day is over in a zone (the next local day's first instant):
  // what is typed is the last day something lasts, as the API's instant of its end.
  dayEnd(name: string, zone: string): string | undefined {
    const value = this.day(name);
    if (value === undefined) return undefined;
    const end = storableDate(endOfLocalDay(value, zone));
    if (!end) this.errors[name] = this.words.date;
    return end?.toISOString();
  }

  // An edit form's date field, as its PATCH takes it: null when emptied, else the day typed; but
  // the day the form showed for the stored instant sends that instant back. A day has no time of
  // day, so reading the shown day back would move an instant set through the API (12:00 UTC) to
  // the day's edge whenever the form is saved for another field.
  editedDay(name: string, stored: StoredDate): string | null | undefined {
    return this.edited(name, stored, "day_of", () => this.day(name));
  }

  // The same for a link's expiry: another day typed is the instant it is over (see dayEnd).
  editedExpiry(name: string, stored: StoredDate): string | null | undefined {
    return this.edited(name, stored, "last_day_before", () => this.dayEnd(name, stored.zone));
  }

  private edited(name: string, stored: StoredDate, shown: DayShown, read: () => string | undefined) {
    const value = this.text(name);
    if (value === undefined) return null;
    if (stored.at !== null && value === shownDay(stored.at, stored.zone, shown)) return stored.at;
    return read();
  }

  // Parses with the API's schema. Field errors land on this reader; null when there are any.
  parse<T extends z.ZodType>(schema: T, body: Record<string, unknown>): z.infer<T> | null {
    const defined = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    const result = schema.safeParse(defined);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const field = String(issue.path[0] ?? "form");
        this.errors[field] ??= this.issueMessage(field, issue, defined[field]);
      }
    }
    return result.success && Object.keys(this.errors).length === 0 ? result.data : null;
  }

  // A domain refusal (taken slug, unknown influencer…) on its field, worded by its code; the
  // returned message goes above the form (undefined: the page's "correct the fields marked").
  // Any other refusal naming its fields marks them; one naming none keeps the API's message.
  fromApiError(error: unknown): string | undefined {
    if (!(error instanceof DomainError) || statusOf(error) >= 500) throw error;
    const refusal = REFUSALS[error.code];
    if (refusal) {
      this.errors[refusal.field] ??= refusal.words(this.words, this.text(refusal.field) ?? "");
      return undefined;
    }
    const details = Array.isArray(error.details)
      ? (error.details as { path?: unknown; reason?: unknown }[])
      : [];
    let marked = false;
    for (const { path, reason } of details) {
      if (typeof path !== "string") continue;
      const words = isDetailReason(reason) ? REASONS[reason] : undefined;
      this.errors[path] ??= words ? words(this.words) : this.hint(path);
      marked = true;
    }
    return marked ? undefined : error.message;
  }

  private issueMessage(field: string, issue: z.core.$ZodIssue, given: unknown): string {
    const words = this.words;
    if (given === undefined) return words.required;
    switch (issue.code) {
      case "invalid_value":
        return words.choose;
      case "invalid_type":
        return issue.expected === "int" ? words.wholeNumber : this.hint(field);
      case "too_small":
        if (issue.origin === "string") return fill(words.minChars, { n: String(issue.minimum) });
        return fill(issue.inclusive === false ? words.moreThan : words.atLeast, {
          n: this.bound(field, Number(issue.minimum)),
        });
      case "too_big":
        if (issue.origin === "string") return fill(words.maxChars, { n: String(issue.maximum) });
        return fill(issue.inclusive === false ? words.lessThan : words.atMost, {
          n: this.bound(field, Number(issue.maximum)),
        });
      default:
        return this.hint(field);
    }
  }

  // What the field takes, when the page knows; else only that the value is not valid.
  private hint(field: string): string {
    return (this.words.hints as Partial<Record<string, string>>)[field] ?? this.words.invalid;
  }

  // A bound as the field was typed: 1 for a percentage is "100 %", 0 for an amount "0.00 EUR"
  // (the currency as typed on the same form, which may not be a real one: no Intl currency here).
  private bound(field: string, value: number): string {
    const unit = this.units.get(field);
    const { fmt } = this.ui;
    if (unit?.kind === "percent") return fmt.percent(value);
    if (unit?.kind === "money") return `${fmt.typedAmount(value, unit.currency)} ${unit.currency}`;
    return fmt.integer(value);
  }
}

export function formValues(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(body).flatMap(([name, value]) => (typeof value === "string" ? [[name, value]] : [])),
  );
}
