import { runScheduledTasks, type ScheduledTask } from "../src/jobs/scheduled-jobs";
import { systemClock } from "../src/time";

// The tasks each cron tick runs, in order. The rollup (issue #4) joins this list.
export const scheduledTasks: ScheduledTask[] = [];

export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  await runScheduledTasks(
    env.DB,
    { cron: controller.cron, scheduledTime: controller.scheduledTime },
    scheduledTasks,
    systemClock,
  );
}
