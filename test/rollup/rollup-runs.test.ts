import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rollUpChunk, runRollup, sourceNamed } from "../../src/rollup/rollup";
import worker from "../../workers/index";
import { api, createKey, createLink, expectError, follow, waitForClicks } from "../support/helpers";

const PHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

async function newClicks(count: number) {
  const link = await createLink();
  for (let i = 0; i < count; i++) {
    await follow(link.slug, { headers: { "User-Agent": PHONE, "CF-Connecting-IP": `198.51.100.${i + 1}` } });
  }
  await waitForClicks(link.id, count);
}

async function watermark(source: string) {
  const row = await env.DB.prepare("SELECT watermark FROM rollup_state WHERE source = ?")
    .bind(source)
    .first<{ watermark: number }>();
  return row?.watermark ?? 0;
}

async function maxRowid(table: string) {
  const row = await env.DB.prepare(`SELECT MAX(rowid) AS max FROM ${table}`).first<{ max: number }>();
  return row?.max ?? 0;
}

async function holdLease(holder: string, expiresAt: number) {
  await env.DB.prepare(
    `INSERT INTO rollup_lease (name, holder, expires_at) VALUES ('rollup', ?1, ?2)
     ON CONFLICT (name) DO UPDATE SET holder = ?1, expires_at = ?2`,
  )
    .bind(holder, expiresAt)
    .run();
}

const clearLease = () => env.DB.prepare("DELETE FROM rollup_lease").run();

describe("rollup runs", () => {
  it("reports what each run read and wrote, and lists the runs newest first", async () => {
    await newClicks(3);
    const pending = (await maxRowid("clicks")) - (await watermark("clicks"));
    expect(pending).toBeGreaterThanOrEqual(3);

    const res = await api("POST", "/rollup");
    expect(res.status).toBe(200);
    const report = res.body;
    expect(report).toMatchObject({
      id: expect.stringMatching(/^rlr_api_/),
      trigger: "api",
      status: "ok",
      skipped: null,
      caught_up: true,
      error: null,
    });
    expect(report.sources.clicks).toMatchObject({
      rows: pending,
      chunks: 1,
      watermark: await maxRowid("clicks"),
      caught_up: true,
    });
    // A click writes its daily row and five breakdown rows (one per dimension), at least.
    expect(report.sources.clicks.rows_written).toBeGreaterThanOrEqual(6);
    const sources = Object.values(report.sources) as { rows: number; rows_written: number; chunks: number }[];
    expect(report.rows).toBe(sources.reduce((n, s) => n + s.rows, 0));
    expect(report.rows_written).toBe(sources.reduce((n, s) => n + s.rows_written, 0));
    expect(report.chunks).toBe(sources.reduce((n, s) => n + s.chunks, 0));
    expect(report.duration_ms).toBe(Date.parse(report.finished_at) - Date.parse(report.started_at));
    expect(report.as_of).toBe(report.finished_at);

    // The cron's run is named by its scheduledTime, like its job_runs row.
    const scheduledTime = Date.UTC(2026, 10, 25, 9, 5);
    await worker.scheduled(createScheduledController({ scheduledTime, cron: "*/5 * * * *" }), env);
    const job = await env.DB.prepare("SELECT detail FROM job_runs WHERE scheduled_at = ?")
      .bind(scheduledTime)
      .first<{ detail: string }>();
    expect(JSON.parse(job?.detail ?? "{}").rollup).toMatchObject({
      id: `rlr_cron_${scheduledTime}`,
      status: "ok",
    });

    const first = await api("GET", "/rollup/runs?limit=1");
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([
      expect.objectContaining({ id: `rlr_cron_${scheduledTime}`, trigger: "cron", status: "ok", rows: 0 }),
    ]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await api("GET", `/rollup/runs?limit=1&cursor=${first.body.next_cursor}`);
    expect(second.body.data).toEqual([report]);

    expectError(await api("GET", "/rollup/runs?cursor=nonsense"), 422, "invalid_cursor");
    expectError(await api("GET", "/rollup/runs?limit=0"), 422, "validation_failed");
    expectError(await api("GET", "/rollup/runs", { key: null }), 401, "unauthorized");
    const checkout = (await createKey("checkout")).key;
    expectError(await api("GET", "/rollup/runs", { key: checkout }), 403, "forbidden");
    expectError(await api("POST", "/rollup", { key: checkout }), 403, "forbidden");
  });

  it("skips a run while another holds the lease, and takes an expired lease over", async () => {
    await newClicks(1);
    const before = await watermark("clicks");
    await holdLease("rlr_elsewhere", Date.now() + 60_000);
    try {
      const res = await api("POST", "/rollup");
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: "skipped",
        skipped: "lease_held",
        lease_holder: { holder: "rlr_elsewhere", expires_at: expect.any(String) },
        rows: 0,
        chunks: 0,
        sources: {},
      });
      expect(await watermark("clicks")).toBe(before);
      const listed = await api("GET", "/rollup/runs?limit=1");
      expect(listed.body.data[0]).toMatchObject({
        id: res.body.id,
        status: "skipped",
        skipped: "lease_held",
      });

      // The holder was killed: once its lease expires, the next run takes it over.
      await holdLease("rlr_elsewhere", Date.now() - 1);
      const report = await runRollup(env.DB, Date.now);
      expect(report).toMatchObject({ status: "ok", skipped: null, caught_up: true });
      expect(await watermark("clicks")).toBeGreaterThan(before);
      // And releases it at the end.
      expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM rollup_lease").first("n")).toBe(0);
    } finally {
      await clearLease();
    }
  });

  it("lets one of two runs started together roll up and skips the other", async () => {
    await newClicks(2);
    const reports = await Promise.all([runRollup(env.DB, Date.now), runRollup(env.DB, Date.now)]);
    expect(reports.map((r) => r.status).sort()).toEqual(["ok", "skipped"]);
    expect(await watermark("clicks")).toBe(await maxRowid("clicks"));
  });

  it("keeps the runs of the last 30 days", async () => {
    const day = 86_400_000;
    const insertRun = (id: string, startedAt: number) =>
      env.DB.prepare("INSERT INTO rollup_runs (id, trigger, status, started_at) VALUES (?, 'api', 'ok', ?)")
        .bind(id, startedAt)
        .run();
    await insertRun("rlr_old", Date.now() - 31 * day);
    await insertRun("rlr_recent", Date.now() - 29 * day);
    await runRollup(env.DB, Date.now);
    const { results } = await env.DB.prepare(
      "SELECT id FROM rollup_runs WHERE id IN ('rlr_old', 'rlr_recent')",
    ).all<{ id: string }>();
    expect(results.map((r) => r.id)).toEqual(["rlr_recent"]);
  });

  it("renews the lease with each chunk, and tells a run whose lease was taken over", async () => {
    await newClicks(2);
    const from = await watermark("clicks");
    await holdLease("rlr_mine", Date.now() + 1000);
    try {
      // The chunk's own time: the renewal is measured from it, however slow the machine.
      const at = Date.now();
      const kept = await rollUpChunk(env.DB, sourceNamed("clicks"), from, from + 1, at, {
        holder: "rlr_mine",
        ttlMs: 60_000,
      });
      expect(kept.leaseKept).toBe(true);
      const expires = await env.DB.prepare("SELECT expires_at FROM rollup_lease").first<number>("expires_at");
      expect(expires).toBe(at + 60_000);
      const lost = await rollUpChunk(env.DB, sourceNamed("clicks"), from + 1, from + 2, Date.now(), {
        holder: "rlr_gone",
        ttlMs: 60_000,
      });
      expect(lost.leaseKept).toBe(false);
      // The chunk itself counted: the lease is not what makes a chunk exact.
      expect(await watermark("clicks")).toBe(from + 2);
    } finally {
      await clearLease();
    }
  });
});
