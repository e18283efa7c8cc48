ALTER TABLE `rollup_daily` ADD `code_conversions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_daily` ADD `click_conversions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_influencer_daily` ADD `code_conversions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_influencer_daily` ADD `click_conversions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Custom: the triggers that keep rollup_influencer_daily equal to rollup_daily's sums (see
-- 0009), again with the two new figures: SQLite cannot alter a trigger.
DROP TRIGGER `rollup_daily_inserted`;
--> statement-breakpoint
DROP TRIGGER `rollup_daily_updated`;
--> statement-breakpoint
DROP TRIGGER `rollup_daily_deleted`;
--> statement-breakpoint
CREATE TRIGGER `rollup_daily_inserted` AFTER INSERT ON `rollup_daily` BEGIN
  INSERT INTO `rollup_influencer_daily` (`campaign_id`, `influencer_id`, `day`, `clicks`, `bot_clicks`, `unique_clicks`, `leads`, `conversions`, `code_conversions`, `click_conversions`, `revenue`, `refunds`)
  VALUES (NEW.campaign_id, NEW.influencer_id, NEW.day, NEW.`clicks`, NEW.`bot_clicks`, NEW.`unique_clicks`, NEW.`leads`, NEW.`conversions`, NEW.`code_conversions`, NEW.`click_conversions`, NEW.`revenue`, NEW.`refunds`)
  ON CONFLICT DO UPDATE SET `clicks` = `clicks` + excluded.`clicks`, `bot_clicks` = `bot_clicks` + excluded.`bot_clicks`, `unique_clicks` = `unique_clicks` + excluded.`unique_clicks`, `leads` = `leads` + excluded.`leads`, `conversions` = `conversions` + excluded.`conversions`, `code_conversions` = `code_conversions` + excluded.`code_conversions`, `click_conversions` = `click_conversions` + excluded.`click_conversions`, `revenue` = `revenue` + excluded.`revenue`, `refunds` = `refunds` + excluded.`refunds`;
END;
--> statement-breakpoint
CREATE TRIGGER `rollup_daily_updated` AFTER UPDATE ON `rollup_daily` BEGIN
  INSERT INTO `rollup_influencer_daily` (`campaign_id`, `influencer_id`, `day`, `clicks`, `bot_clicks`, `unique_clicks`, `leads`, `conversions`, `code_conversions`, `click_conversions`, `revenue`, `refunds`)
  VALUES (NEW.campaign_id, NEW.influencer_id, NEW.day, NEW.`clicks` - OLD.`clicks`, NEW.`bot_clicks` - OLD.`bot_clicks`, NEW.`unique_clicks` - OLD.`unique_clicks`, NEW.`leads` - OLD.`leads`, NEW.`conversions` - OLD.`conversions`, NEW.`code_conversions` - OLD.`code_conversions`, NEW.`click_conversions` - OLD.`click_conversions`, NEW.`revenue` - OLD.`revenue`, NEW.`refunds` - OLD.`refunds`)
  ON CONFLICT DO UPDATE SET `clicks` = `clicks` + excluded.`clicks`, `bot_clicks` = `bot_clicks` + excluded.`bot_clicks`, `unique_clicks` = `unique_clicks` + excluded.`unique_clicks`, `leads` = `leads` + excluded.`leads`, `conversions` = `conversions` + excluded.`conversions`, `code_conversions` = `code_conversions` + excluded.`code_conversions`, `click_conversions` = `click_conversions` + excluded.`click_conversions`, `revenue` = `revenue` + excluded.`revenue`, `refunds` = `refunds` + excluded.`refunds`;
END;
--> statement-breakpoint
CREATE TRIGGER `rollup_daily_deleted` AFTER DELETE ON `rollup_daily` BEGIN
  INSERT INTO `rollup_influencer_daily` (`campaign_id`, `influencer_id`, `day`, `clicks`, `bot_clicks`, `unique_clicks`, `leads`, `conversions`, `code_conversions`, `click_conversions`, `revenue`, `refunds`)
  VALUES (OLD.campaign_id, OLD.influencer_id, OLD.day, -OLD.`clicks`, -OLD.`bot_clicks`, -OLD.`unique_clicks`, -OLD.`leads`, -OLD.`conversions`, -OLD.`code_conversions`, -OLD.`click_conversions`, -OLD.`revenue`, -OLD.`refunds`)
  ON CONFLICT DO UPDATE SET `clicks` = `clicks` + excluded.`clicks`, `bot_clicks` = `bot_clicks` + excluded.`bot_clicks`, `unique_clicks` = `unique_clicks` + excluded.`unique_clicks`, `leads` = `leads` + excluded.`leads`, `conversions` = `conversions` + excluded.`conversions`, `code_conversions` = `code_conversions` + excluded.`code_conversions`, `click_conversions` = `click_conversions` + excluded.`click_conversions`, `revenue` = `revenue` + excluded.`revenue`, `refunds` = `refunds` + excluded.`refunds`;
END;
--> statement-breakpoint
-- History already rolled up gets the split from the raw sales it counted: those at or below the
-- conversions watermark (what the rollup has read; see src/rollup/rollup.ts). Written as absolute
-- values, not added, so that running these statements again changes nothing. The triggers above
-- carry each change to rollup_influencer_daily.
UPDATE `rollup_daily` SET `code_conversions` = 0, `click_conversions` = `conversions`
WHERE `code_conversions` <> 0 OR `click_conversions` <> `conversions`;
--> statement-breakpoint
UPDATE `rollup_daily` SET `code_conversions` = s.n, `click_conversions` = `rollup_daily`.`conversions` - s.n
FROM (
  SELECT strftime('%Y-%m-%d', `occurred_at` / 1000, 'unixepoch') AS day, `campaign_id`, `influencer_id`,
         COALESCE(`link_id`, '') AS link_id, COUNT(*) AS n
  FROM `conversions`
  WHERE `type` = 'sale' AND `attribution` = 'code'
    AND rowid <= COALESCE((SELECT `watermark` FROM `rollup_state` WHERE `source` = 'conversions'), 0)
  GROUP BY 1, 2, 3, 4
) AS s
WHERE `rollup_daily`.`day` = s.day AND `rollup_daily`.`campaign_id` = s.campaign_id
  AND `rollup_daily`.`influencer_id` = s.influencer_id AND `rollup_daily`.`link_id` = s.link_id;
--> statement-breakpoint
-- Breakdowns: sales that no click explains (by code, or without a click id) were rolled up under
-- 'unknown' (each dimension); they move to their own row, value '' (NO_CLICK_VALUE, shown as null
-- with reason "no_click"). First any '' row goes into 'unknown': a click whose value was empty, which
-- the rollup now reads as unknown, and, should these statements run again, the rows they made,
-- which the next statements make again from the same sales: so running them twice moves nothing.
INSERT INTO `rollup_breakdown_daily` (`campaign_id`, `dimension`, `day`, `influencer_id`, `value`, `clicks`, `unique_clicks`, `conversions`, `revenue`)
SELECT `campaign_id`, `dimension`, `day`, `influencer_id`, 'unknown', `clicks`, `unique_clicks`, `conversions`, `revenue`
FROM `rollup_breakdown_daily` WHERE `value` = ''
ON CONFLICT DO UPDATE SET `clicks` = `clicks` + excluded.`clicks`, `unique_clicks` = `unique_clicks` + excluded.`unique_clicks`, `conversions` = `conversions` + excluded.`conversions`, `revenue` = `revenue` + excluded.`revenue`;
--> statement-breakpoint
DELETE FROM `rollup_breakdown_daily` WHERE `value` = '';
--> statement-breakpoint
-- The sales the rollup has read (at or below the conversions watermark) that no click explains,
-- under each dimension, as the rollup now writes them; then taken out of 'unknown'.
INSERT INTO `rollup_breakdown_daily` (`campaign_id`, `dimension`, `day`, `influencer_id`, `value`, `conversions`, `revenue`)
SELECT v.`campaign_id`, d.dimension, strftime('%Y-%m-%d', v.`occurred_at` / 1000, 'unixepoch'), v.`influencer_id`, '',
       COUNT(*), COALESCE(SUM(v.`amount`), 0)
FROM `conversions` v
  CROSS JOIN (SELECT 'country' AS dimension UNION ALL SELECT 'device' UNION ALL SELECT 'browser'
              UNION ALL SELECT 'os' UNION ALL SELECT 'referer') d
WHERE v.`type` = 'sale' AND (v.`attribution` = 'code' OR v.`click_id` IS NULL)
  AND v.rowid <= COALESCE((SELECT `watermark` FROM `rollup_state` WHERE `source` = 'conversions'), 0)
GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
UPDATE `rollup_breakdown_daily` AS u
SET `conversions` = u.`conversions` - s.`conversions`, `revenue` = u.`revenue` - s.`revenue`
FROM `rollup_breakdown_daily` AS s
WHERE s.`value` = '' AND u.`value` = 'unknown' AND u.`campaign_id` = s.`campaign_id`
  AND u.`dimension` = s.`dimension` AND u.`day` = s.`day` AND u.`influencer_id` = s.`influencer_id`;
--> statement-breakpoint
-- An 'unknown' row that held only such sales is empty now: gone, as the rollup never writes one.
DELETE FROM `rollup_breakdown_daily`
WHERE `value` = 'unknown' AND `clicks` = 0 AND `unique_clicks` = 0 AND `conversions` = 0 AND `revenue` = 0;
