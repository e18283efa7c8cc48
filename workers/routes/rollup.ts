import { createRoute, z } from "@hono/zod-openapi";
import { runRollup } from "../../src/rollup/rollup";
import { listRollupRuns } from "../../src/rollup/rollup-runs";
import { requireScope } from "../lib/auth";
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  jsonResponse,
  listOf,
  pageQuerySchema,
} from "../lib/router";

const sourceReport = z.object({
  rows: z.number().int().openapi({
    description: "Events read (the span of rowids read); for `sessions`, the visitor sessions added again.",
  }),
  chunks: z.number().int(),
  rows_written: z.number().int().openapi({ description: "Rows D1 reports the sums wrote." }),
  watermark: z.number().int().openapi({
    description:
      "The last rowid of the source rolled up; 0 for `sessions`, which are taken when they change, not by rowid.",
  }),
  caught_up: z.boolean(),
});
const rollupRun = z
  .object({
    id: z.string(),
    trigger: z.enum(["cron", "api"]),
    status: z.enum(["running", "ok", "skipped", "failed"]).openapi({
      description: "running: not finished (long after started_at: the run was killed; its lease expires).",
    }),
    skipped: z.enum(["lease_held"]).nullable().openapi({
      description: "lease_held: another run was rolling up; this one did nothing (see lease_holder).",
    }),
    lease_holder: z.object({ holder: z.string(), expires_at: z.string() }).nullable(),
    as_of: z.string(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    duration_ms: z.number().int().nullable(),
    caught_up: z.boolean().openapi({ description: "false: more is waiting, the next run continues." }),
    chunks: z.number().int(),
    rows: z.number().int().openapi({ description: "Events read, all sources." }),
    rows_written: z.number().int(),
    sources: z.record(z.string(), sourceReport),
    error: z.string().nullable(),
  })
  .openapi("RollupRun");

export const rollupRouter = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/rollup",
      tags: ["Figures"],
      summary: "Run the rollup now",
      description:
        "The same rollup the scheduled worker runs every 5 minutes: rolls what arrived since the last run into the " +
        "daily figures and breakdowns, a bounded amount per run (caught_up false: run again to continue). One run " +
        'at a time holds a lease; while another run holds it, this one does nothing and answers 200 with `skipped: "lease_held"`.',
      security: bearerSecurity,
      middleware: [requireScope("admin")],
      responses: { 200: jsonResponse(rollupRun, "What the run did."), ...errorResponses },
    }),
    async (c) => c.json(await runRollup(c.env.DB, c.var.ctx.clock, { trigger: "api" }), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/rollup/runs",
      tags: ["Figures"],
      summary: "Recent rollup runs, newest first",
      description:
        "Every run of the last 30 days, by the cron or POST /rollup, skipped ones included, with what it read and wrote.",
      security: bearerSecurity,
      middleware: [requireScope("admin")],
      request: { query: pageQuerySchema },
      responses: { 200: jsonResponse(listOf(rollupRun), "A page of runs, newest first."), ...errorResponses },
    }),
    async (c) => c.json(await listRollupRuns(c.var.ctx.db, c.req.valid("query")), 200),
  );
