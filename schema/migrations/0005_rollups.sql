CREATE TABLE `rollup_daily` (
	`day` text NOT NULL,
	`campaign_id` text NOT NULL,
	`influencer_id` text NOT NULL,
	`link_id` text NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`bot_clicks` integer DEFAULT 0 NOT NULL,
	`unique_clicks` integer DEFAULT 0 NOT NULL,
	`leads` integer DEFAULT 0 NOT NULL,
	`conversions` integer DEFAULT 0 NOT NULL,
	`revenue` integer DEFAULT 0 NOT NULL,
	`refunds` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `campaign_id`, `influencer_id`, `link_id`)
);
--> statement-breakpoint
CREATE TABLE `rollup_guard` (
	`ok` integer NOT NULL,
	CONSTRAINT "rollup_guard_ok" CHECK("rollup_guard"."ok" = 1)
);
--> statement-breakpoint
CREATE TABLE `rollup_state` (
	`source` text PRIMARY KEY NOT NULL,
	`watermark` integer NOT NULL,
	`updated_at` integer NOT NULL
);
