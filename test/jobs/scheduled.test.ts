import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";

describe("scheduled worker", () => {
  it("runs on the cron from wrangler.toml, records the run, and skips a repeated delivery", async () => {
    const scheduledTime = Date.UTC(2026, 10, 24, 10, 5);
    const controller = createScheduledController({ scheduledTime, cron: "*/5 * * * *" });
    await worker.scheduled(controller, env);
    await worker.scheduled(controller, env);
    const { results } = await env.DB.prepare("SELECT * FROM job_runs WHERE scheduled_at = ?")
      .bind(scheduledTime)
      .all<{ status: string; cron: string; finished_at: number | null }>();
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: "ok", cron: "*/5 * * * *" });
    expect(results[0]?.finished_at).toEqual(expect.any(Number));
  });
});
