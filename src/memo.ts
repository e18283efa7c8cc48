// A per-isolate memo of a pure function of a string, bounded so that a stream of distinct inputs
// cannot grow it without limit: when full it starts over, which costs one recomputation per key
// (cheaper to keep than an LRU's bookkeeping on every hit).
export function boundedMemo<T>(size: number, compute: (key: string) => T): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    const hit = known.get(key);
    if (hit !== undefined || known.has(key)) return hit as T;
    const value = compute(key);
    if (known.size >= size) known.clear();
    known.set(key, value);
    return value;
  };
}
