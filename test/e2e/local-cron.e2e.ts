import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cronsFromWranglerToml, devUrl, parseCron, startLocalCron } from "../../scripts/local-cron.mjs";
import { E2E_ADMIN_KEY, type LocalWorker, startLocalWorker } from "./local-worker";

// `npm start` fires the production cron locally: the schedule read from wrangler.toml, each
// matching minute a GET of wrangler dev's /__scheduled (it runs with --test-scheduled), so the
// figures move on their own as they do on Cloudflare.

const PHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const at = (iso: string) => new Date(iso);

describe("the local cron's schedule", () => {
  it("is the one wrangler.toml gives production", () => {
    const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
    expect(cronsFromWranglerToml(toml)).toEqual(["*/5 * * * *"]);
    expect(cronsFromWranglerToml('[triggers]\ncrons = ["0 9 * * MON", "*/15 * * * *"]\n')).toEqual([
      "0 9 * * MON",
      "*/15 * * * *",
    ]);
    expect(cronsFromWranglerToml('name = "x"\n')).toEqual([]);
  });

  it("matches the minutes Cloudflare would fire, in UTC", () => {
    const everyFive = parseCron("*/5 * * * *");
    expect(everyFive(at("2026-12-06T12:05:00Z"))).toBe(true);
    expect(everyFive(at("2026-12-06T12:03:00Z"))).toBe(false);
    const mondayNine = parseCron("0 9 * * MON");
    expect(mondayNine(at("2026-12-07T09:00:00Z"))).toBe(true);
    expect(mondayNine(at("2026-12-06T09:00:00Z"))).toBe(false);
    expect(parseCron("30 1-3 1,15 * *")(at("2026-12-15T02:30:00Z"))).toBe(true);
    expect(() => parseCron("0 9 * * MON#2")).toThrow(/day of week/);
    expect(() => parseCron("*/5 * * *")).toThrow(/five-field/);
  });

  it("finds wrangler dev where npm start's arguments put it", () => {
    expect(devUrl([])).toBe("http://localhost:8787");
    expect(devUrl(["--port", "8790"])).toBe("http://localhost:8790");
    expect(devUrl(["--port=8791", "--ip", "127.0.0.1"])).toBe("http://127.0.0.1:8791");
  });

  it("asks for /__scheduled at the start of each matching minute, and only then", async () => {
    // A clock 150 ms before a five-minute mark, then one 150 ms before a minute that is not one.
    const asked: string[] = [];
    const fetchImpl = (async (url: string) => {
      asked.push(url);
      return new Response("Ran scheduled event");
    }) as typeof fetch;
    const fiveMark = Math.ceil(Date.now() / 300_000) * 300_000 + 300_000;
    const shift = fiveMark - 150 - Date.now();
    const lines: string[] = [];
    const cron = startLocalCron({
      url: "http://worker.test",
      crons: ["*/5 * * * *"],
      now: () => Date.now() + shift,
      fetchImpl,
      log: (line: string) => lines.push(line),
    });
    await vi.waitUntil(() => asked.length === 1, { timeout: 30_000, interval: 20 });
    cron.stop();
    expect(asked).toEqual(["http://worker.test/__scheduled?cron=*%2F5%20*%20*%20*%20*"]);
    expect(lines).toEqual(["[local cron] */5 * * * *: ran"]);
    await cron.tick(fiveMark + 60_000);
    expect(asked).toHaveLength(1);
  });
});

describe("the local cron against wrangler dev --test-scheduled", () => {
  let worker: LocalWorker;
  beforeAll(async () => {
    worker = await startLocalWorker({}, ["--test-scheduled"]);
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
  });

  async function api(method: string, path: string, body?: unknown) {
    const res = await fetch(`${worker.url}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${E2E_ADMIN_KEY}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown> & { totals?: Record<string, number> };
  }

  it("rolls a click up with no Refresh now, as production's cron would", async () => {
    const campaign = await api("POST", "/campaigns", { name: "Cron", objective: "sales", currency: "EUR" });
    const influencer = await api("POST", "/influencers", { handle: "cron.creator", platform: "instagram" });
    const link = await api("POST", "/links", {
      campaign_id: campaign.id,
      influencer_id: influencer.id,
      url: `${worker.url}/healthz`,
    });
    await fetch(`${worker.url}/${link.slug}`, { headers: { "User-Agent": PHONE_UA }, redirect: "manual" });
    await vi.waitUntil(() => worker.query("SELECT id FROM clicks").length === 1, {
      timeout: 20_000,
      interval: 250,
    });
    const summary = () => api("GET", `/campaigns/${campaign.id}/summary`);
    expect((await summary()).totals?.clicks).toBe(0);

    const lines: string[] = [];
    const cron = startLocalCron({
      url: worker.url,
      crons: ["*/5 * * * *"],
      log: (l: string) => lines.push(l),
    });
    cron.stop();
    await cron.tick(Math.floor(Date.now() / 300_000) * 300_000);
    expect(lines).toEqual(["[local cron] */5 * * * *: ran"]);
    expect((await summary()).totals?.clicks).toBe(1);
    expect(worker.query("SELECT cron, status FROM job_runs")).toEqual([
      { cron: "*/5 * * * *", status: "ok" },
    ]);
  });
});
