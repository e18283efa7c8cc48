import { runScheduledTasks, type ScheduledTask } from "../src/jobs/scheduled-jobs";
import { runRollup } from "../src/rollup/rollup";
import { systemClock } from "../src/time";

// The tasks each cron tick runs, in order; each one's report is kept in job_runs.
export const scheduledTasks: ScheduledTask[] = [
  {
    name: "rollup",
    run: async (d1, run) => ({
      ...(await runRollup(d1, systemClock, { trigger: "cron", scheduledTime: run.scheduledTime })),
    }),
  },
];

export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  await runScheduledTasks(
    env.DB,
    { cron: controller.cron, scheduledTime: controller.scheduledTime },
    scheduledTasks,
    systemClock,
  );
}
