CREATE TABLE `auth_failures` (
	`id` integer PRIMARY KEY NOT NULL,
	`client` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `auth_failures_client` ON `auth_failures` (`client`,`created_at`);--> statement-breakpoint
CREATE INDEX `auth_failures_created` ON `auth_failures` (`created_at`);--> statement-breakpoint
ALTER TABLE `redemption_attempts` ADD `customer_bucket` text;--> statement-breakpoint
ALTER TABLE `redemption_attempts` ADD `client_bucket` text;--> statement-breakpoint
CREATE INDEX `redemption_attempts_customer` ON `redemption_attempts` (`customer_bucket`,`created_at`) WHERE "redemption_attempts"."customer_bucket" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `redemption_attempts_client` ON `redemption_attempts` (`client_bucket`,`created_at`) WHERE "redemption_attempts"."client_bucket" IS NOT NULL;