CREATE TABLE `commission_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`influencer_id` text NOT NULL,
	`kind` text NOT NULL,
	`conversion_id` text,
	`refund_id` text,
	`fee_revision` integer,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`commission_rate` real,
	`day` text NOT NULL,
	`payable_at` integer NOT NULL,
	`payout_id` text,
	`paid_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `commission_entries_earning` ON `commission_entries` (`conversion_id`) WHERE "commission_entries"."kind" IN ('sale', 'lead');--> statement-breakpoint
CREATE UNIQUE INDEX `commission_entries_clawback` ON `commission_entries` (`refund_id`) WHERE "commission_entries"."kind" = 'clawback';--> statement-breakpoint
CREATE UNIQUE INDEX `commission_entries_fee` ON `commission_entries` (`campaign_id`,`influencer_id`,`fee_revision`) WHERE "commission_entries"."kind" = 'fee';--> statement-breakpoint
CREATE INDEX `commission_entries_clawed` ON `commission_entries` (`conversion_id`) WHERE "commission_entries"."kind" = 'clawback';--> statement-breakpoint
CREATE INDEX `commission_entries_campaign_day` ON `commission_entries` (`campaign_id`,`day`);--> statement-breakpoint
CREATE INDEX `commission_entries_influencer` ON `commission_entries` (`influencer_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `commission_entries_campaign` ON `commission_entries` (`campaign_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `commission_entries_unclaimed` ON `commission_entries` (`currency`,`payable_at`) WHERE "commission_entries"."payout_id" IS NULL;--> statement-breakpoint
CREATE INDEX `commission_entries_payout` ON `commission_entries` (`payout_id`) WHERE "commission_entries"."payout_id" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `commission_watermarks` (
	`source` text PRIMARY KEY NOT NULL,
	`watermark` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `payouts` (
	`id` text PRIMARY KEY NOT NULL,
	`currency` text NOT NULL,
	`min_amount` integer NOT NULL,
	`status` text NOT NULL,
	`idempotency_key` text,
	`reference` text,
	`paid_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_idempotency_key` ON `payouts` (`idempotency_key`);--> statement-breakpoint
ALTER TABLE `enrolments` ADD `commission_per_sale` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `enrolments` ADD `commission_per_lead` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `enrolments` ADD `holding_days` integer DEFAULT 30 NOT NULL;--> statement-breakpoint
-- Fees of enrolments made before the ledger: one first fee entry each, payable since enrolment.
-- (Sales, leads and refunds recorded before it are derived by the cron's catch-up.)
INSERT INTO `commission_entries` (`id`, `campaign_id`, `influencer_id`, `kind`, `fee_revision`, `amount`, `currency`, `day`, `payable_at`, `created_at`)
SELECT 'com_' || hex(randomblob(8)), e.`campaign_id`, e.`influencer_id`, 'fee', 1, e.`fee`, c.`currency`,
       strftime('%Y-%m-%d', e.`created_at` / 1000, 'unixepoch'), e.`created_at`, e.`created_at`
FROM `enrolments` e JOIN `campaigns` c ON c.`id` = e.`campaign_id`
WHERE e.`fee` <> 0;
