ALTER TABLE `post_metrics` ADD `level_impressions` integer;--> statement-breakpoint
ALTER TABLE `post_metrics` ADD `level_reach` integer;--> statement-breakpoint
ALTER TABLE `post_metrics` ADD `level_views` integer;--> statement-breakpoint
ALTER TABLE `post_metrics` ADD `level_likes` integer;--> statement-breakpoint
ALTER TABLE `post_metrics` ADD `level_comments` integer;--> statement-breakpoint
ALTER TABLE `post_metrics` ADD `level_shares` integer;--> statement-breakpoint
ALTER TABLE `post_metrics` ADD `level_saves` integer;--> statement-breakpoint
-- A figure left out of a snapshot is not reported: each snapshot's levels are the latest value reported
-- for each figure by then, and each day's post growth counts only reported values.
UPDATE `post_metrics` SET
  `level_impressions` = (SELECT x.`impressions` FROM `post_metrics` x WHERE x.`post_id` = `post_metrics`.`post_id` AND x.`impressions` IS NOT NULL AND (x.`captured_at`, x.`created_at`, x.`id`) <= (`post_metrics`.`captured_at`, `post_metrics`.`created_at`, `post_metrics`.`id`) ORDER BY x.`captured_at` DESC, x.`created_at` DESC, x.`id` DESC LIMIT 1),
  `level_reach` = (SELECT x.`reach` FROM `post_metrics` x WHERE x.`post_id` = `post_metrics`.`post_id` AND x.`reach` IS NOT NULL AND (x.`captured_at`, x.`created_at`, x.`id`) <= (`post_metrics`.`captured_at`, `post_metrics`.`created_at`, `post_metrics`.`id`) ORDER BY x.`captured_at` DESC, x.`created_at` DESC, x.`id` DESC LIMIT 1),
  `level_views` = (SELECT x.`views` FROM `post_metrics` x WHERE x.`post_id` = `post_metrics`.`post_id` AND x.`views` IS NOT NULL AND (x.`captured_at`, x.`created_at`, x.`id`) <= (`post_metrics`.`captured_at`, `post_metrics`.`created_at`, `post_metrics`.`id`) ORDER BY x.`captured_at` DESC, x.`created_at` DESC, x.`id` DESC LIMIT 1),
  `level_likes` = (SELECT x.`likes` FROM `post_metrics` x WHERE x.`post_id` = `post_metrics`.`post_id` AND x.`likes` IS NOT NULL AND (x.`captured_at`, x.`created_at`, x.`id`) <= (`post_metrics`.`captured_at`, `post_metrics`.`created_at`, `post_metrics`.`id`) ORDER BY x.`captured_at` DESC, x.`created_at` DESC, x.`id` DESC LIMIT 1),
  `level_comments` = (SELECT x.`comments` FROM `post_metrics` x WHERE x.`post_id` = `post_metrics`.`post_id` AND x.`comments` IS NOT NULL AND (x.`captured_at`, x.`created_at`, x.`id`) <= (`post_metrics`.`captured_at`, `post_metrics`.`created_at`, `post_metrics`.`id`) ORDER BY x.`captured_at` DESC, x.`created_at` DESC, x.`id` DESC LIMIT 1),
  `level_shares` = (SELECT x.`shares` FROM `post_metrics` x WHERE x.`post_id` = `post_metrics`.`post_id` AND x.`shares` IS NOT NULL AND (x.`captured_at`, x.`created_at`, x.`id`) <= (`post_metrics`.`captured_at`, `post_metrics`.`created_at`, `post_metrics`.`id`) ORDER BY x.`captured_at` DESC, x.`created_at` DESC, x.`id` DESC LIMIT 1),
  `level_saves` = (SELECT x.`saves` FROM `post_metrics` x WHERE x.`post_id` = `post_metrics`.`post_id` AND x.`saves` IS NOT NULL AND (x.`captured_at`, x.`created_at`, x.`id`) <= (`post_metrics`.`captured_at`, `post_metrics`.`created_at`, `post_metrics`.`id`) ORDER BY x.`captured_at` DESC, x.`created_at` DESC, x.`id` DESC LIMIT 1);--> statement-breakpoint
DELETE FROM `post_growth_daily`;--> statement-breakpoint
INSERT INTO `post_growth_daily` (`campaign_id`, `influencer_id`, `day`, `impressions`, `reach`, `views`, `likes`, `comments`, `shares`, `saves`)
SELECT `campaign_id`, `influencer_id`, `day`, SUM(`impressions`), SUM(`reach`), SUM(`views`), SUM(`likes`), SUM(`comments`), SUM(`shares`), SUM(`saves`)
FROM (SELECT p.`campaign_id`, p.`influencer_id`, m.`day`,
    CASE WHEN m.`impressions` IS NULL THEN 0 ELSE m.`impressions` - COALESCE(LAG(m.`impressions`) OVER (PARTITION BY m.`post_id`, m.`impressions` IS NULL ORDER BY m.`captured_at`, m.`created_at`, m.`id`), 0) END AS `impressions`,
    CASE WHEN m.`reach` IS NULL THEN 0 ELSE m.`reach` - COALESCE(LAG(m.`reach`) OVER (PARTITION BY m.`post_id`, m.`reach` IS NULL ORDER BY m.`captured_at`, m.`created_at`, m.`id`), 0) END AS `reach`,
    CASE WHEN m.`views` IS NULL THEN 0 ELSE m.`views` - COALESCE(LAG(m.`views`) OVER (PARTITION BY m.`post_id`, m.`views` IS NULL ORDER BY m.`captured_at`, m.`created_at`, m.`id`), 0) END AS `views`,
    CASE WHEN m.`likes` IS NULL THEN 0 ELSE m.`likes` - COALESCE(LAG(m.`likes`) OVER (PARTITION BY m.`post_id`, m.`likes` IS NULL ORDER BY m.`captured_at`, m.`created_at`, m.`id`), 0) END AS `likes`,
    CASE WHEN m.`comments` IS NULL THEN 0 ELSE m.`comments` - COALESCE(LAG(m.`comments`) OVER (PARTITION BY m.`post_id`, m.`comments` IS NULL ORDER BY m.`captured_at`, m.`created_at`, m.`id`), 0) END AS `comments`,
    CASE WHEN m.`shares` IS NULL THEN 0 ELSE m.`shares` - COALESCE(LAG(m.`shares`) OVER (PARTITION BY m.`post_id`, m.`shares` IS NULL ORDER BY m.`captured_at`, m.`created_at`, m.`id`), 0) END AS `shares`,
    CASE WHEN m.`saves` IS NULL THEN 0 ELSE m.`saves` - COALESCE(LAG(m.`saves`) OVER (PARTITION BY m.`post_id`, m.`saves` IS NULL ORDER BY m.`captured_at`, m.`created_at`, m.`id`), 0) END AS `saves`
  FROM `post_metrics` m JOIN `posts` p ON p.`id` = m.`post_id` WHERE m.`day` IS NOT NULL)
GROUP BY `campaign_id`, `influencer_id`, `day`;
