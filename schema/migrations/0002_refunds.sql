CREATE TABLE `refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`refund_id` text NOT NULL,
	`order_id` text NOT NULL,
	`conversion_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`influencer_id` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`request_hash` text NOT NULL,
	`key_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_refundId_unique` ON `refunds` (`refund_id`);--> statement-breakpoint
CREATE INDEX `refunds_order` ON `refunds` (`order_id`);--> statement-breakpoint
CREATE INDEX `refunds_campaign_occurred` ON `refunds` (`campaign_id`,`occurred_at`);