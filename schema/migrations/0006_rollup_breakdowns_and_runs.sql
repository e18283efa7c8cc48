CREATE TABLE `rollup_breakdown_daily` (
	`campaign_id` text NOT NULL,
	`dimension` text NOT NULL,
	`day` text NOT NULL,
	`influencer_id` text NOT NULL,
	`value` text NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`unique_clicks` integer DEFAULT 0 NOT NULL,
	`conversions` integer DEFAULT 0 NOT NULL,
	`revenue` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`campaign_id`, `dimension`, `day`, `influencer_id`, `value`)
);
--> statement-breakpoint
CREATE TABLE `rollup_lease` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rollup_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`duration_ms` integer,
	`chunks` integer DEFAULT 0 NOT NULL,
	`rows` integer DEFAULT 0 NOT NULL,
	`rows_written` integer DEFAULT 0 NOT NULL,
	`caught_up` integer DEFAULT false NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `rollup_runs_started` ON `rollup_runs` (`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `conversions_click` ON `conversions` (`click_id`) WHERE "conversions"."click_id" IS NOT NULL;