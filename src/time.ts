// A clock is passed in wherever "now" matters, so tests and the scheduled worker can fix it.
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();

export function toIso(value: Date | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return new Date(value).toISOString();
}

// UTC calendar day of an instant, YYYY-MM-DD: the unit of unique clicks and daily figures.
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
