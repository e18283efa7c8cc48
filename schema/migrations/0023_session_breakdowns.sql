ALTER TABLE `visitor_sessions` ADD `country` text;--> statement-breakpoint
ALTER TABLE `visitor_sessions` ADD `device` text;--> statement-breakpoint
ALTER TABLE `visitor_sessions` ADD `browser` text;--> statement-breakpoint
ALTER TABLE `visitor_sessions` ADD `os` text;--> statement-breakpoint
ALTER TABLE `visitor_sessions` ADD `referer_host` text;--> statement-breakpoint
ALTER TABLE `rollup_breakdown_daily` ADD `sessions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_breakdown_daily` ADD `engaged_sessions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_breakdown_daily` ADD `returning_sessions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_breakdown_daily` ADD `page_views` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_breakdown_daily` ADD `engaged_seconds` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Hand-written: sessions rolled up before this migration are in rollup_daily but in no breakdown
-- row. Add what was rolled for them under "unknown" (their click values are not copied yet), and
-- mark them, so the next rollup moves them to their click's values by difference.
INSERT INTO `rollup_breakdown_daily` (`campaign_id`, `dimension`, `day`, `influencer_id`, `value`, `sessions`, `engaged_sessions`, `returning_sessions`, `page_views`, `engaged_seconds`)
SELECT s.campaign_id, d.column1, s.rolled_day, s.influencer_id, 'unknown', COUNT(*), SUM(s.rolled_engaged), SUM(s.rolled_returning), SUM(s.rolled_page_views), SUM(s.rolled_engaged_seconds)
FROM `visitor_sessions` s CROSS JOIN (VALUES ('country'), ('device'), ('browser'), ('os'), ('referer')) d
WHERE s.rolled_day IS NOT NULL
GROUP BY 1, 2, 3, 4
ON CONFLICT DO UPDATE SET `sessions` = `sessions` + excluded.`sessions`, `engaged_sessions` = `engaged_sessions` + excluded.`engaged_sessions`, `returning_sessions` = `returning_sessions` + excluded.`returning_sessions`, `page_views` = `page_views` + excluded.`page_views`, `engaged_seconds` = `engaged_seconds` + excluded.`engaged_seconds`;--> statement-breakpoint
UPDATE `visitor_sessions` SET `to_roll` = 1 WHERE `rolled_day` IS NOT NULL;
