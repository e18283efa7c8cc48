// Axis arithmetic for the pages' charts, apart from their markup so it can be tested as numbers.

// Ticks a reader can add up in their head: 0 and steps of 1, 2 or 5 times a power of ten, up to
// the first tick at or above the largest value. Counts (clicks, orders) never get a step below 1,
// so a series of zeros and ones does not read 0, 0.25, 0.5.
export function niceTicks(max: number, target = 4, { integer = true } = {}): number[] {
  const top = Math.max(max, integer ? 1 : Number.MIN_VALUE);
  const raw = top / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const multiple = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10;
  const step = integer ? Math.max(1, multiple * magnitude) : multiple * magnitude;
  const count = Math.ceil(top / step - 1e-9);
  // Multiplying (not adding) keeps 0.1 + 0.2 from printing as 0.30000000000000004.
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

// Powers of ten from 1 up to the first at or above max (at least 10): the gridlines of a
// logarithmic axis.
export function logTicks(max: number): number[] {
  const top = Math.max(1, Math.ceil(Math.log10(Math.max(10, max))));
  return Array.from({ length: top + 1 }, (_, i) => 10 ** i);
}

// A value's place on a logarithmic axis from 1 to `top`, as a fraction: 0 and 1 both sit at 0
// (a bar of nothing), which the figure beside the bar tells apart.
export function logFraction(value: number, top: number): number {
  if (value <= 1 || top <= 1) return 0;
  return Math.min(1, Math.log10(value) / Math.log10(top));
}

// Which of n points get a date under the axis: about `target` of them evenly spaced, always the
// first and the last, and none so close to the last that their labels would overlap.
export function labelIndexes(n: number, target = 5): number[] {
  if (n <= 0) return [];
  if (n <= target) return Array.from({ length: n }, (_, i) => i);
  const every = Math.ceil((n - 1) / (target - 1));
  const picked: number[] = [];
  for (let i = 0; i < n - 1; i += every) picked.push(i);
  const last = picked[picked.length - 1] ?? 0;
  if (n - 1 - last < every / 2 && picked.length > 1) picked.pop();
  picked.push(n - 1);
  return picked;
}
