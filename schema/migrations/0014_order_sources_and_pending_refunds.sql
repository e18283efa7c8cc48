CREATE TABLE `pending_refunds` (
	`source` text NOT NULL,
	`refund_id` text NOT NULL,
	`order_id` text NOT NULL,
	`amount` integer NOT NULL,
	`running_total` integer NOT NULL,
	`currency` text,
	`occurred_at` integer,
	`key_id` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`source`, `refund_id`)
);
--> statement-breakpoint
CREATE INDEX `pending_refunds_order` ON `pending_refunds` (`source`,`order_id`);--> statement-breakpoint
CREATE INDEX `pending_refunds_received` ON `pending_refunds` (`received_at`);--> statement-breakpoint
DROP INDEX `conversions_order`;--> statement-breakpoint
ALTER TABLE `conversions` ADD `source` text DEFAULT 'default' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `conversions_source_order` ON `conversions` (`source`,`order_id`) WHERE "conversions"."order_id" IS NOT NULL;--> statement-breakpoint
DROP INDEX `refunds_refundId_unique`;--> statement-breakpoint
DROP INDEX `refunds_order`;--> statement-breakpoint
ALTER TABLE `refunds` ADD `source` text DEFAULT 'default' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_source_refund` ON `refunds` (`source`,`refund_id`);--> statement-breakpoint
CREATE INDEX `refunds_source_order` ON `refunds` (`source`,`order_id`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `source` text;--> statement-breakpoint
-- Records made before sources existed: the webhooks' orders and refunds are theirs, everything
-- else was sent by a checkout key, which is of the default source.
UPDATE `conversions` SET `source` = 'stripe' WHERE `key_id` = 'webhook:stripe';--> statement-breakpoint
UPDATE `conversions` SET `source` = 'shopify' WHERE `key_id` = 'webhook:shopify';--> statement-breakpoint
UPDATE `refunds` SET `source` = 'stripe' WHERE `key_id` = 'webhook:stripe';--> statement-breakpoint
UPDATE `refunds` SET `source` = 'shopify' WHERE `key_id` = 'webhook:shopify';--> statement-breakpoint
UPDATE `api_keys` SET `source` = 'default' WHERE `scope` = 'checkout';
