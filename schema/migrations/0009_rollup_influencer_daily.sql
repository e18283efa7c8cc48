CREATE TABLE `rollup_influencer_daily` (
	`campaign_id` text NOT NULL,
	`influencer_id` text NOT NULL,
	`day` text NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`bot_clicks` integer DEFAULT 0 NOT NULL,
	`unique_clicks` integer DEFAULT 0 NOT NULL,
	`leads` integer DEFAULT 0 NOT NULL,
	`conversions` integer DEFAULT 0 NOT NULL,
	`revenue` integer DEFAULT 0 NOT NULL,
	`refunds` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`campaign_id`, `influencer_id`, `day`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `rollup_influencer_daily_influencer` ON `rollup_influencer_daily` (`influencer_id`,`day`);
--> statement-breakpoint
-- Custom: the rows rollup_daily already has, then triggers that keep the two equal. The rollup
-- adds to rollup_daily by upsert (an insert or an update of one row); each trigger adds that row's
-- change here, inside the same statement, so both tables move in one transaction or not at all.
INSERT INTO `rollup_influencer_daily` (`campaign_id`, `influencer_id`, `day`, `clicks`, `bot_clicks`, `unique_clicks`, `leads`, `conversions`, `revenue`, `refunds`)
SELECT `campaign_id`, `influencer_id`, `day`, SUM(`clicks`), SUM(`bot_clicks`), SUM(`unique_clicks`), SUM(`leads`), SUM(`conversions`), SUM(`revenue`), SUM(`refunds`)
FROM `rollup_daily` GROUP BY `campaign_id`, `influencer_id`, `day`;
--> statement-breakpoint
CREATE TRIGGER `rollup_daily_inserted` AFTER INSERT ON `rollup_daily` BEGIN
  INSERT INTO `rollup_influencer_daily` (`campaign_id`, `influencer_id`, `day`, `clicks`, `bot_clicks`, `unique_clicks`, `leads`, `conversions`, `revenue`, `refunds`)
  VALUES (NEW.campaign_id, NEW.influencer_id, NEW.day, NEW.`clicks`, NEW.`bot_clicks`, NEW.`unique_clicks`, NEW.`leads`, NEW.`conversions`, NEW.`revenue`, NEW.`refunds`)
  ON CONFLICT DO UPDATE SET `clicks` = `clicks` + excluded.`clicks`, `bot_clicks` = `bot_clicks` + excluded.`bot_clicks`, `unique_clicks` = `unique_clicks` + excluded.`unique_clicks`, `leads` = `leads` + excluded.`leads`, `conversions` = `conversions` + excluded.`conversions`, `revenue` = `revenue` + excluded.`revenue`, `refunds` = `refunds` + excluded.`refunds`;
END;
--> statement-breakpoint
CREATE TRIGGER `rollup_daily_updated` AFTER UPDATE ON `rollup_daily` BEGIN
  INSERT INTO `rollup_influencer_daily` (`campaign_id`, `influencer_id`, `day`, `clicks`, `bot_clicks`, `unique_clicks`, `leads`, `conversions`, `revenue`, `refunds`)
  VALUES (NEW.campaign_id, NEW.influencer_id, NEW.day, NEW.`clicks` - OLD.`clicks`, NEW.`bot_clicks` - OLD.`bot_clicks`, NEW.`unique_clicks` - OLD.`unique_clicks`, NEW.`leads` - OLD.`leads`, NEW.`conversions` - OLD.`conversions`, NEW.`revenue` - OLD.`revenue`, NEW.`refunds` - OLD.`refunds`)
  ON CONFLICT DO UPDATE SET `clicks` = `clicks` + excluded.`clicks`, `bot_clicks` = `bot_clicks` + excluded.`bot_clicks`, `unique_clicks` = `unique_clicks` + excluded.`unique_clicks`, `leads` = `leads` + excluded.`leads`, `conversions` = `conversions` + excluded.`conversions`, `revenue` = `revenue` + excluded.`revenue`, `refunds` = `refunds` + excluded.`refunds`;
END;
--> statement-breakpoint
CREATE TRIGGER `rollup_daily_deleted` AFTER DELETE ON `rollup_daily` BEGIN
  INSERT INTO `rollup_influencer_daily` (`campaign_id`, `influencer_id`, `day`, `clicks`, `bot_clicks`, `unique_clicks`, `leads`, `conversions`, `revenue`, `refunds`)
  VALUES (OLD.campaign_id, OLD.influencer_id, OLD.day, -OLD.`clicks`, -OLD.`bot_clicks`, -OLD.`unique_clicks`, -OLD.`leads`, -OLD.`conversions`, -OLD.`revenue`, -OLD.`refunds`)
  ON CONFLICT DO UPDATE SET `clicks` = `clicks` + excluded.`clicks`, `bot_clicks` = `bot_clicks` + excluded.`bot_clicks`, `unique_clicks` = `unique_clicks` + excluded.`unique_clicks`, `leads` = `leads` + excluded.`leads`, `conversions` = `conversions` + excluded.`conversions`, `revenue` = `revenue` + excluded.`revenue`, `refunds` = `refunds` + excluded.`refunds`;
END;
