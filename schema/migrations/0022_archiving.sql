ALTER TABLE `campaigns` ADD `archived_at` integer;--> statement-breakpoint
ALTER TABLE `promo_codes` ADD `archived_at` integer;--> statement-breakpoint
ALTER TABLE `enrolments` ADD `archived_at` integer;--> statement-breakpoint
ALTER TABLE `influencers` ADD `archived_at` integer;--> statement-breakpoint
ALTER TABLE `links` ADD `archived_at` integer;