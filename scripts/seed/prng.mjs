// The seed's randomness: seeded, so a given seed, scale and day always make the same demo.
// mulberry32: a tiny seeded PRNG, plenty for demo data.
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  const between = (min, max) => min + next() * (max - min);
  const pick = (items) => items[Math.floor(next() * items.length)];
  // items: [value, weight] pairs.
  const weighted = (items) => {
    let left = next() * items.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, w] of items) {
      left -= w;
      if (left < 0) return value;
    }
    return items[items.length - 1][0];
  };
  const poisson = (mean) => {
    if (mean <= 0) return 0;
    if (mean > 30)
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * (next() + next() + next() - 1.5) * 2));
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = next(); p > limit; p *= next()) k++;
    return k;
  };
  const id = (length, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") =>
    Array.from({ length }, () => pick(alphabet)).join("");
  return { next, int, between, pick, weighted, poisson, id };
}
