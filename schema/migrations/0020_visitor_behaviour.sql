CREATE TABLE `page_views` (
	`session_id` text NOT NULL,
	`view_id` text NOT NULL,
	`path` text,
	`viewed_at` integer,
	`engaged_seconds` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`session_id`, `view_id`)
);
--> statement-breakpoint
CREATE TABLE `visitor_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`click_id` text NOT NULL,
	`link_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`influencer_id` text NOT NULL,
	`clicked_at` integer NOT NULL,
	`started_at` integer,
	`day` text,
	`returning_visitor` integer NOT NULL,
	`received_at` integer NOT NULL,
	`to_roll` integer DEFAULT 1 NOT NULL,
	`rolled_day` text,
	`rolled_page_views` integer DEFAULT 0 NOT NULL,
	`rolled_engaged_seconds` integer DEFAULT 0 NOT NULL,
	`rolled_engaged` integer DEFAULT 0 NOT NULL,
	`rolled_returning` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `visitor_sessions_to_roll` ON `visitor_sessions` (`to_roll`) WHERE "visitor_sessions"."to_roll" <> 0;--> statement-breakpoint
CREATE INDEX `visitor_sessions_click` ON `visitor_sessions` (`click_id`);--> statement-breakpoint
ALTER TABLE `rollup_daily` ADD `sessions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_daily` ADD `engaged_sessions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_daily` ADD `returning_sessions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_daily` ADD `page_views` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_daily` ADD `engaged_seconds` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_influencer_daily` ADD `sessions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_influencer_daily` ADD `engaged_sessions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_influencer_daily` ADD `returning_sessions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_influencer_daily` ADD `page_views` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_influencer_daily` ADD `engaged_seconds` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Custom: the triggers that keep rollup_influencer_daily equal to rollup_daily's sums (see 0009
-- and 0016), again with the behaviour figures: SQLite cannot alter a trigger. Nothing to backfill:
-- no session was rolled up before.
DROP TRIGGER `rollup_daily_inserted`;
--> statement-breakpoint
DROP TRIGGER `rollup_daily_updated`;
--> statement-breakpoint
DROP TRIGGER `rollup_daily_deleted`;
--> statement-breakpoint
CREATE TRIGGER `rollup_daily_inserted` AFTER INSERT ON `rollup_daily` BEGIN
  INSERT INTO `rollup_influencer_daily` (`campaign_id`, `influencer_id`, `day`, `clicks`, `bot_clicks`, `unique_clicks`, `leads`, `conversions`, `code_conversions`, `click_conversions`, `revenue`, `refunds`, `sessions`, `engaged_sessions`, `returning_sessions`, `page_views`, `engaged_seconds`)
  VALUES (NEW.campaign_id, NEW.influencer_id, NEW.day, NEW.`clicks`, NEW.`bot_clicks`, NEW.`unique_clicks`, NEW.`leads`, NEW.`conversions`, NEW.`code_conversions`, NEW.`click_conversions`, NEW.`revenue`, NEW.`refunds`, NEW.`sessions`, NEW.`engaged_sessions`, NEW.`returning_sessions`, NEW.`page_views`, NEW.`engaged_seconds`)
  ON CONFLICT DO UPDATE SET `clicks` = `clicks` + excluded.`clicks`, `bot_clicks` = `bot_clicks` + excluded.`bot_clicks`, `unique_clicks` = `unique_clicks` + excluded.`unique_clicks`, `leads` = `leads` + excluded.`leads`, `conversions` = `conversions` + excluded.`conversions`, `code_conversions` = `code_conversions` + excluded.`code_conversions`, `click_conversions` = `click_conversions` + excluded.`click_conversions`, `revenue` = `revenue` + excluded.`revenue`, `refunds` = `refunds` + excluded.`refunds`, `sessions` = `sessions` + excluded.`sessions`, `engaged_sessions` = `engaged_sessions` + excluded.`engaged_sessions`, `returning_sessions` = `returning_sessions` + excluded.`returning_sessions`, `page_views` = `page_views` + excluded.`page_views`, `engaged_seconds` = `engaged_seconds` + excluded.`engaged_seconds`;
END;
--> statement-breakpoint
CREATE TRIGGER `rollup_daily_updated` AFTER UPDATE ON `rollup_daily` BEGIN
  INSERT INTO `rollup_influencer_daily` (`campaign_id`, `influencer_id`, `day`, `clicks`, `bot_clicks`, `unique_clicks`, `leads`, `conversions`, `code_conversions`, `click_conversions`, `revenue`, `refunds`, `sessions`, `engaged_sessions`, `returning_sessions`, `page_views`, `engaged_seconds`)
  VALUES (NEW.campaign_id, NEW.influencer_id, NEW.day, NEW.`clicks` - OLD.`clicks`, NEW.`bot_clicks` - OLD.`bot_clicks`, NEW.`unique_clicks` - OLD.`unique_clicks`, NEW.`leads` - OLD.`leads`, NEW.`conversions` - OLD.`conversions`, NEW.`code_conversions` - OLD.`code_conversions`, NEW.`click_conversions` - OLD.`click_conversions`, NEW.`revenue` - OLD.`revenue`, NEW.`refunds` - OLD.`refunds`, NEW.`sessions` - OLD.`sessions`, NEW.`engaged_sessions` - OLD.`engaged_sessions`, NEW.`returning_sessions` - OLD.`returning_sessions`, NEW.`page_views` - OLD.`page_views`, NEW.`engaged_seconds` - OLD.`engaged_seconds`)
  ON CONFLICT DO UPDATE SET `clicks` = `clicks` + excluded.`clicks`, `bot_clicks` = `bot_clicks` + excluded.`bot_clicks`, `unique_clicks` = `unique_clicks` + excluded.`unique_clicks`, `leads` = `leads` + excluded.`leads`, `conversions` = `conversions` + excluded.`conversions`, `code_conversions` = `code_conversions` + excluded.`code_conversions`, `click_conversions` = `click_conversions` + excluded.`click_conversions`, `revenue` = `revenue` + excluded.`revenue`, `refunds` = `refunds` + excluded.`refunds`, `sessions` = `sessions` + excluded.`sessions`, `engaged_sessions` = `engaged_sessions` + excluded.`engaged_sessions`, `returning_sessions` = `returning_sessions` + excluded.`returning_sessions`, `page_views` = `page_views` + excluded.`page_views`, `engaged_seconds` = `engaged_seconds` + excluded.`engaged_seconds`;
END;
--> statement-breakpoint
CREATE TRIGGER `rollup_daily_deleted` AFTER DELETE ON `rollup_daily` BEGIN
  INSERT INTO `rollup_influencer_daily` (`campaign_id`, `influencer_id`, `day`, `clicks`, `bot_clicks`, `unique_clicks`, `leads`, `conversions`, `code_conversions`, `click_conversions`, `revenue`, `refunds`, `sessions`, `engaged_sessions`, `returning_sessions`, `page_views`, `engaged_seconds`)
  VALUES (OLD.campaign_id, OLD.influencer_id, OLD.day, -OLD.`clicks`, -OLD.`bot_clicks`, -OLD.`unique_clicks`, -OLD.`leads`, -OLD.`conversions`, -OLD.`code_conversions`, -OLD.`click_conversions`, -OLD.`revenue`, -OLD.`refunds`, -OLD.`sessions`, -OLD.`engaged_sessions`, -OLD.`returning_sessions`, -OLD.`page_views`, -OLD.`engaged_seconds`)
  ON CONFLICT DO UPDATE SET `clicks` = `clicks` + excluded.`clicks`, `bot_clicks` = `bot_clicks` + excluded.`bot_clicks`, `unique_clicks` = `unique_clicks` + excluded.`unique_clicks`, `leads` = `leads` + excluded.`leads`, `conversions` = `conversions` + excluded.`conversions`, `code_conversions` = `code_conversions` + excluded.`code_conversions`, `click_conversions` = `click_conversions` + excluded.`click_conversions`, `revenue` = `revenue` + excluded.`revenue`, `refunds` = `refunds` + excluded.`refunds`, `sessions` = `sessions` + excluded.`sessions`, `engaged_sessions` = `engaged_sessions` + excluded.`engaged_sessions`, `returning_sessions` = `returning_sessions` + excluded.`returning_sessions`, `page_views` = `page_views` + excluded.`page_views`, `engaged_seconds` = `engaged_seconds` + excluded.`engaged_seconds`;
END;
