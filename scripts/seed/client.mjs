// A small client of the public API for the seed: JSON calls with a key, the shop script's
// beacons, a bounded pool of concurrent requests, progress lines, and patience with a 429
// (Retry-After).

export class ApiFailure extends Error {}

export function apiClient(baseUrl, key) {
  async function send(method, path, init, accept) {
    for (;;) {
      const response = await fetch(`${baseUrl}/api/v1${path}`, { method, ...init });
      // A buyer with too many refused redemptions, a client with too many unknown keys, or a
      // visitor with too many reports, is answered 429 for a while: wait as told, then go on.
      if (response.status === 429) {
        const seconds = Number(response.headers.get("Retry-After") ?? "5");
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, seconds) * 1000));
        continue;
      }
      const text = await response.text();
      const json = text ? JSON.parse(text) : {};
      if (!accept.includes(response.status)) {
        throw new ApiFailure(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
      }
      return { status: response.status, body: json };
    }
  }

  function call(method, path, body, options = {}) {
    const init = {
      headers: {
        Authorization: `Bearer ${options.key ?? key}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...options.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    return send(method, path, init, options.accept ?? [200, 201, 202]);
  }

  // A report as sl.js sends it with navigator.sendBeacon, which sets no headers: JSON as
  // text/plain with the publishable key in the body, from a page of the shop (its Origin).
  function beacon(path, body, { origin, userAgent }) {
    const init = {
      headers: { "Content-Type": "text/plain;charset=UTF-8", Origin: origin, "User-Agent": userAgent },
      body: JSON.stringify(body),
    };
    return send("POST", path, init, [202]);
  }

  // Every item of a list endpoint, page by page.
  async function all(path) {
    const items = [];
    let cursor = null;
    do {
      const separator = path.includes("?") ? "&" : "?";
      const page = await call("GET", `${path}${separator}limit=100${cursor ? `&cursor=${cursor}` : ""}`);
      items.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    return items;
  }

  return { call, beacon, all };
}

// Runs `work` over the items with at most `concurrency` at a time, reporting progress in units
// of `size(item)` (a batch of 100 clicks counts 100).
export async function inPool(label, items, concurrency, work, size = () => 1) {
  const progress = progressLine(
    label,
    items.reduce((sum, item) => sum + size(item), 0),
  );
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
      done += size(item);
      progress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  progress(done, true);
}

// "clicks 1200/4300" on one line in a terminal; a few lines in a log.
export function progressLine(label, total) {
  let lastShown = -1;
  return (done, final = false) => {
    if (process.stdout.isTTY) {
      process.stdout.write(`\r  ${label} ${done}/${total}${final ? "\n" : ""}`);
      return;
    }
    const quarter = total === 0 ? 4 : Math.floor((done / total) * 4);
    if (final || quarter > lastShown) {
      if (final && lastShown === 4) return;
      lastShown = final ? 4 : quarter;
      console.log(`  ${label} ${done}/${total}`);
    }
  };
}
