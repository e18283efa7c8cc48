import { describe, expect, it } from "vitest";
import { campaignDayNumber, lastInstantOf } from "../../src/campaigns/time-zones";
import { isCalendarDay } from "../../src/time";

// The rules on days that the API, the pages and the CSV import share, each in one place.

describe("isCalendarDay", () => {
  it("takes the days the calendar has, as YYYY-MM-DD, and nothing else", () => {
    for (const day of ["2026-01-31", "2028-02-29", "0000-01-01", "9999-12-31"])
      expect(isCalendarDay(day)).toBe(true);
    for (const text of [
      "2026-02-29",
      "2026-02-30",
      "2026-04-31",
      "2026-13-01",
      "2026-00-10",
      "2026-1-5",
      "2026-01-05T00:00:00Z",
      "",
    ])
      expect(isCalendarDay(text)).toBe(false);
  });
});

describe("lastInstantOf", () => {
  it("reads a day as its last instant in the zone, and anything else as the instant given", () => {
    // Paris is UTC+2 in summer, UTC+1 in winter.
    expect(lastInstantOf("2026-06-15", "Europe/Paris").toISOString()).toBe("2026-06-15T21:59:59.999Z");
    expect(lastInstantOf("2026-01-15", "Europe/Paris").toISOString()).toBe("2026-01-15T22:59:59.999Z");
    expect(lastInstantOf("2026-06-15T12:00:00.000Z", "Europe/Paris").toISOString()).toBe(
      "2026-06-15T12:00:00.000Z",
    );
    const at = new Date("2026-06-15T12:00:00Z");
    expect(lastInstantOf(at, "Europe/Paris").getTime()).toBe(at.getTime());
  });
});

describe("campaignDayNumber", () => {
  it("counts the days by their names in the zone: the first is 1, a 23-hour day is one day", () => {
    const start = Date.parse("2026-03-28T23:00:00Z"); // 29 March in Paris, a 23-hour day there
    expect(campaignDayNumber(start, start, "Europe/Paris")).toBe(1);
    expect(campaignDayNumber(start, Date.parse("2026-03-29T21:59:59.999Z"), "Europe/Paris")).toBe(1);
    expect(campaignDayNumber(start, Date.parse("2026-03-29T22:00:00Z"), "Europe/Paris")).toBe(2);
    // The same instants in UTC: the start is the 28th there.
    expect(campaignDayNumber(start, Date.parse("2026-03-29T22:00:00Z"), "UTC")).toBe(2);
  });
});
