// The day (YYYY-MM-DD) an instant falls on in a time zone, as a date field reads it.
export const dayIn = (zone: string, at = Date.now()) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(at);

// The day n days before a day (YYYY-MM-DD).
export const dayBefore = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

// wrangler dev's clock is the machine's, which no test can set. A file whose assertions name
// "today" in a zone calls this before it reads that day: begun in the day's last minutes (one run
// in 300 or so), it waits for the next day, which then cannot end under the file's tests.
export async function awayFromMidnight(zone: string, margin = 5 * 60_000) {
  while (dayIn(zone, Date.now() + margin) !== dayIn(zone)) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
