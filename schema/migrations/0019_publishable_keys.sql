CREATE TABLE `track_requests` (
	`id` integer PRIMARY KEY NOT NULL,
	`visitor` text NOT NULL,
	`session` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `track_requests_visitor` ON `track_requests` (`visitor`,`created_at`);--> statement-breakpoint
CREATE INDEX `track_requests_session` ON `track_requests` (`session`,`created_at`);--> statement-breakpoint
CREATE INDEX `track_requests_created` ON `track_requests` (`created_at`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `allowed_origins` text;