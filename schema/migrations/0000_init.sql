CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text,
	`scope` text NOT NULL,
	`influencer_id` text,
	`secret_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`influencer_id`) REFERENCES `influencers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `api_keys_created` ON `api_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`objective` text NOT NULL,
	`currency` text NOT NULL,
	`budget` integer,
	`starts_at` integer,
	`ends_at` integer,
	`attribution_window_days` integer DEFAULT 30 NOT NULL,
	`emv_cpm` integer,
	`goals` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `click_uniques` (
	`link_id` text NOT NULL,
	`day` text NOT NULL,
	`visitor_hash` text NOT NULL,
	`click_id` text NOT NULL,
	`clicked_at` integer NOT NULL,
	PRIMARY KEY(`link_id`, `day`, `visitor_hash`)
);
--> statement-breakpoint
CREATE TABLE `clicks` (
	`id` text PRIMARY KEY NOT NULL,
	`link_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`influencer_id` text NOT NULL,
	`clicked_at` integer NOT NULL,
	`day` text NOT NULL,
	`country` text,
	`region` text,
	`city` text,
	`device` text,
	`browser` text,
	`os` text,
	`referer_host` text,
	`is_bot` integer NOT NULL,
	`visitor_hash` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `clicks_campaign_clicked` ON `clicks` (`campaign_id`,`clicked_at`);--> statement-breakpoint
CREATE TABLE `enrolments` (
	`campaign_id` text NOT NULL,
	`influencer_id` text NOT NULL,
	`fee` integer DEFAULT 0 NOT NULL,
	`commission_rate` real DEFAULT 0 NOT NULL,
	`other_costs` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`campaign_id`, `influencer_id`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`influencer_id`) REFERENCES `influencers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `follower_snapshots` (
	`id` text PRIMARY KEY NOT NULL,
	`influencer_id` text NOT NULL,
	`count` integer NOT NULL,
	`captured_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`influencer_id`) REFERENCES `influencers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `follower_snapshots_influencer_captured` ON `follower_snapshots` (`influencer_id`,`captured_at`);--> statement-breakpoint
CREATE TABLE `influencers` (
	`id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`platform` text NOT NULL,
	`name` text,
	`followers` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `influencers_platform_handle` ON `influencers` (`platform`,`handle`);--> statement-breakpoint
CREATE TABLE `links` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`campaign_id` text NOT NULL,
	`influencer_id` text NOT NULL,
	`url` text NOT NULL,
	`destination_url` text NOT NULL,
	`utm` text NOT NULL,
	`expires_at` integer,
	`expired_url` text,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`influencer_id`) REFERENCES `influencers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `links_slug_unique` ON `links` (`slug`);--> statement-breakpoint
CREATE INDEX `links_campaign_created` ON `links` (`campaign_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `links_influencer_created` ON `links` (`influencer_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `dead_letters` (
	`message_id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`body` text NOT NULL,
	`reason` text NOT NULL,
	`attempts` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `job_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`cron` text NOT NULL,
	`scheduled_at` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`status` text NOT NULL,
	`detail` text
);
