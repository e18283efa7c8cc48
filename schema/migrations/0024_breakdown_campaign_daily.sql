CREATE TABLE `rollup_breakdown_campaign_daily` (
	`campaign_id` text NOT NULL,
	`dimension` text NOT NULL,
	`day` text NOT NULL,
	`value` text NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`unique_clicks` integer DEFAULT 0 NOT NULL,
	`conversions` integer DEFAULT 0 NOT NULL,
	`revenue` integer DEFAULT 0 NOT NULL,
	`sessions` integer DEFAULT 0 NOT NULL,
	`engaged_sessions` integer DEFAULT 0 NOT NULL,
	`returning_sessions` integer DEFAULT 0 NOT NULL,
	`page_views` integer DEFAULT 0 NOT NULL,
	`engaged_seconds` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`campaign_id`, `dimension`, `day`, `value`)
);
--> statement-breakpoint
-- Custom: rollup_breakdown_campaign_daily is rollup_breakdown_daily summed over influencers, kept
-- so by these triggers (as rollup_influencer_daily is kept from rollup_daily, see 0009), in the
-- same statement as each write to it; then filled from what is there.
CREATE TRIGGER `rollup_breakdown_daily_inserted` AFTER INSERT ON `rollup_breakdown_daily` BEGIN
  INSERT INTO `rollup_breakdown_campaign_daily` (`campaign_id`, `dimension`, `day`, `value`, `clicks`, `unique_clicks`, `conversions`, `revenue`, `sessions`, `engaged_sessions`, `returning_sessions`, `page_views`, `engaged_seconds`)
  VALUES (NEW.campaign_id, NEW.dimension, NEW.day, NEW.value, NEW.`clicks`, NEW.`unique_clicks`, NEW.`conversions`, NEW.`revenue`, NEW.`sessions`, NEW.`engaged_sessions`, NEW.`returning_sessions`, NEW.`page_views`, NEW.`engaged_seconds`)
  ON CONFLICT DO UPDATE SET `clicks` = `clicks` + excluded.`clicks`, `unique_clicks` = `unique_clicks` + excluded.`unique_clicks`, `conversions` = `conversions` + excluded.`conversions`, `revenue` = `revenue` + excluded.`revenue`, `sessions` = `sessions` + excluded.`sessions`, `engaged_sessions` = `engaged_sessions` + excluded.`engaged_sessions`, `returning_sessions` = `returning_sessions` + excluded.`returning_sessions`, `page_views` = `page_views` + excluded.`page_views`, `engaged_seconds` = `engaged_seconds` + excluded.`engaged_seconds`;
END;
--> statement-breakpoint
CREATE TRIGGER `rollup_breakdown_daily_updated` AFTER UPDATE ON `rollup_breakdown_daily` BEGIN
  INSERT INTO `rollup_breakdown_campaign_daily` (`campaign_id`, `dimension`, `day`, `value`, `clicks`, `unique_clicks`, `conversions`, `revenue`, `sessions`, `engaged_sessions`, `returning_sessions`, `page_views`, `engaged_seconds`)
  VALUES (NEW.campaign_id, NEW.dimension, NEW.day, NEW.value, NEW.`clicks` - OLD.`clicks`, NEW.`unique_clicks` - OLD.`unique_clicks`, NEW.`conversions` - OLD.`conversions`, NEW.`revenue` - OLD.`revenue`, NEW.`sessions` - OLD.`sessions`, NEW.`engaged_sessions` - OLD.`engaged_sessions`, NEW.`returning_sessions` - OLD.`returning_sessions`, NEW.`page_views` - OLD.`page_views`, NEW.`engaged_seconds` - OLD.`engaged_seconds`)
  ON CONFLICT DO UPDATE SET `clicks` = `clicks` + excluded.`clicks`, `unique_clicks` = `unique_clicks` + excluded.`unique_clicks`, `conversions` = `conversions` + excluded.`conversions`, `revenue` = `revenue` + excluded.`revenue`, `sessions` = `sessions` + excluded.`sessions`, `engaged_sessions` = `engaged_sessions` + excluded.`engaged_sessions`, `returning_sessions` = `returning_sessions` + excluded.`returning_sessions`, `page_views` = `page_views` + excluded.`page_views`, `engaged_seconds` = `engaged_seconds` + excluded.`engaged_seconds`;
END;
--> statement-breakpoint
CREATE TRIGGER `rollup_breakdown_daily_deleted` AFTER DELETE ON `rollup_breakdown_daily` BEGIN
  INSERT INTO `rollup_breakdown_campaign_daily` (`campaign_id`, `dimension`, `day`, `value`, `clicks`, `unique_clicks`, `conversions`, `revenue`, `sessions`, `engaged_sessions`, `returning_sessions`, `page_views`, `engaged_seconds`)
  VALUES (OLD.campaign_id, OLD.dimension, OLD.day, OLD.value, -OLD.`clicks`, -OLD.`unique_clicks`, -OLD.`conversions`, -OLD.`revenue`, -OLD.`sessions`, -OLD.`engaged_sessions`, -OLD.`returning_sessions`, -OLD.`page_views`, -OLD.`engaged_seconds`)
  ON CONFLICT DO UPDATE SET `clicks` = `clicks` + excluded.`clicks`, `unique_clicks` = `unique_clicks` + excluded.`unique_clicks`, `conversions` = `conversions` + excluded.`conversions`, `revenue` = `revenue` + excluded.`revenue`, `sessions` = `sessions` + excluded.`sessions`, `engaged_sessions` = `engaged_sessions` + excluded.`engaged_sessions`, `returning_sessions` = `returning_sessions` + excluded.`returning_sessions`, `page_views` = `page_views` + excluded.`page_views`, `engaged_seconds` = `engaged_seconds` + excluded.`engaged_seconds`;
END;
--> statement-breakpoint
INSERT INTO `rollup_breakdown_campaign_daily` (`campaign_id`, `dimension`, `day`, `value`, `clicks`, `unique_clicks`, `conversions`, `revenue`, `sessions`, `engaged_sessions`, `returning_sessions`, `page_views`, `engaged_seconds`)
SELECT `campaign_id`, `dimension`, `day`, `value`, SUM(`clicks`), SUM(`unique_clicks`), SUM(`conversions`), SUM(`revenue`), SUM(`sessions`), SUM(`engaged_sessions`), SUM(`returning_sessions`), SUM(`page_views`), SUM(`engaged_seconds`)
FROM `rollup_breakdown_daily` GROUP BY `campaign_id`, `dimension`, `day`, `value`;
