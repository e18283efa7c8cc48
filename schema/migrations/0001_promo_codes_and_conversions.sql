CREATE TABLE `promo_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`campaign_id` text NOT NULL,
	`influencer_id` text NOT NULL,
	`max_redemptions` integer,
	`redemptions` integer DEFAULT 0 NOT NULL,
	`starts_at` integer,
	`ends_at` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`influencer_id`) REFERENCES `influencers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `promo_codes_code_unique` ON `promo_codes` (`code`);--> statement-breakpoint
CREATE INDEX `promo_codes_campaign_created` ON `promo_codes` (`campaign_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `promo_codes_influencer_created` ON `promo_codes` (`influencer_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `conversions` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`order_id` text,
	`campaign_id` text NOT NULL,
	`influencer_id` text NOT NULL,
	`attribution` text NOT NULL,
	`code_id` text,
	`code` text,
	`link_id` text,
	`click_id` text,
	`customer_id` text,
	`amount` integer,
	`currency` text,
	`occurred_at` integer NOT NULL,
	`request_hash` text NOT NULL,
	`key_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversions_order` ON `conversions` (`order_id`) WHERE "conversions"."order_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `conversions_lead` ON `conversions` (`campaign_id`,`customer_id`) WHERE "conversions"."type" = 'lead';--> statement-breakpoint
CREATE INDEX `conversions_code` ON `conversions` (`code_id`);--> statement-breakpoint
CREATE INDEX `conversions_campaign_occurred` ON `conversions` (`campaign_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `redemption_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`order_id` text,
	`reason` text NOT NULL,
	`key_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `redemption_attempts_created` ON `redemption_attempts` (`created_at`);