import { createRoute, z } from "@hono/zod-openapi";
import { runRollup } from "../../src/rollup/rollup";
import { systemClock } from "../../src/time";
import { requireScope } from "../lib/auth";
import { bearerSecurity, createRouter, errorResponses, jsonResponse } from "../lib/router";

const sourceReport = z.object({
  rows: z.number().int(),
  chunks: z.number().int(),
  watermark: z.number().int(),
  caught_up: z.boolean(),
});
const rollupReport = z
  .object({ as_of: z.string(), caught_up: z.boolean(), sources: z.record(z.string(), sourceReport) })
  .openapi("RollupRun");

export const rollupRouter = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/rollup",
    tags: ["Figures"],
    summary: "Run the rollup now",
    description:
      "The same rollup the scheduled worker runs every 5 minutes: rolls what arrived since the last run into the " +
      "daily figures, a bounded amount per run (caught_up false: run again to continue).",
    security: bearerSecurity,
    middleware: [requireScope("admin")],
    responses: { 200: jsonResponse(rollupReport, "What the run did."), ...errorResponses },
  }),
  async (c) => c.json(await runRollup(c.env.DB, systemClock), 200),
);
