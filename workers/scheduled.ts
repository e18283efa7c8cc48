import { catchUpLedger } from "../src/commissions/ledger";
import { DEFAULT_REHASH_OPTIONS, rehashStoredEmails } from "../src/customers/rehash-emails";
import { runScheduledTasks, type ScheduledTask } from "../src/jobs/scheduled-jobs";
import { dateUndatedSnapshots } from "../src/posts/post-growth";
import {
  DEFAULT_RETENTION_BATCHES,
  pruneRolledUpClicks,
  pruneRolledUpSessions,
  retentionDaysFrom,
} from "../src/rollup/retention";
import { runRollup } from "../src/rollup/rollup";
import { systemClock } from "../src/time";
import { pruneTrackRequests } from "../src/track/track-throttle";
import { signingSecret } from "./lib/secrets";

// The tasks each cron tick runs, in order; each one's report is kept in job_runs. Retention comes
// after the rollup, so what the rollup just read can go in the same tick.
export const scheduledTasks = (env: Env): ScheduledTask[] => [
  {
    name: "rollup",
    run: async (d1, run) => ({
      ...(await runRollup(d1, systemClock, { trigger: "cron", scheduledTime: run.scheduledTime })),
    }),
  },
  {
    // The commission ledger's catch-up (see catchUpLedger): after the rollup, so the summaries'
    // commission is derived for at least what their revenue counts.
    name: "commissions",
    run: async (d1) => ({ ...(await catchUpLedger(d1, systemClock())) }),
  },
  {
    name: "retention",
    run: async (d1) => {
      const options = {
        retentionDays: retentionDaysFrom(env.CLICK_RETENTION_DAYS),
        ...DEFAULT_RETENTION_BATCHES,
      };
      return {
        ...(await pruneRolledUpClicks(d1, systemClock, options)),
        ...(await pruneRolledUpSessions(d1, systemClock, options)),
      };
    },
  },
  {
    // The throttle's rows once out of every window: not tied to the retention setting.
    name: "track_requests",
    run: async (d1) => ({ ...(await pruneTrackRequests(d1, systemClock(), DEFAULT_RETENTION_BATCHES)) }),
  },
  {
    // Emails stored before they were hashed (see rehash-emails.ts).
    name: "customer_emails",
    run: async (d1, _run, previous) => ({
      ...(await rehashStoredEmails(d1, signingSecret(env), DEFAULT_REHASH_OPTIONS, previous)),
    }),
  },
  {
    // Post snapshots stored before their local day was kept (see post-growth.ts).
    name: "post_snapshot_days",
    run: async (d1) => ({ ...(await dateUndatedSnapshots(d1)) }),
  },
];

export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  await runScheduledTasks(
    env.DB,
    { cron: controller.cron, scheduledTime: controller.scheduledTime },
    scheduledTasks(env),
    systemClock,
  );
}
