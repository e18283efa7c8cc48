ALTER TABLE `post_metrics` ADD `level_impressions` integer;--> statement-breakpoint
ALTER TABLE `post_metrics` ADD `level_reach` integer;--> statement-breakpoint
ALTER TABLE `post_metrics` ADD `level_views` integer;--> statement-breakpoint
ALTER TABLE `post_metrics` ADD `level_likes` integer;--> statement-breakpoint
ALTER TABLE `post_metrics` ADD `level_comments` integer;--> statement-breakpoint
ALTER TABLE `post_metrics` ADD `level_shares` integer;--> statement-breakpoint
ALTER TABLE `post_metrics` ADD `level_saves` integer;--> statement-breakpoint
-- A figure left out of a snapshot is not reported: each snapshot's levels are the latest value reported
-- for each figure by then, and each day's post growth counts only reported values.
-- One pass per post: counting a figure's reported values along the snapshots puts each snapshot in
-- the group of the last value reported by it, whose one value is its level.
UPDATE `post_metrics` SET `level_impressions` = l.`impressions`, `level_reach` = l.`reach`, `level_views` = l.`views`, `level_likes` = l.`likes`, `level_comments` = l.`comments`, `level_shares` = l.`shares`, `level_saves` = l.`saves`
FROM (SELECT `id`,
    MAX(`impressions`) OVER (PARTITION BY `post_id`, `group_impressions`) AS `impressions`,
    MAX(`reach`) OVER (PARTITION BY `post_id`, `group_reach`) AS `reach`,
    MAX(`views`) OVER (PARTITION BY `post_id`, `group_views`) AS `views`,
    MAX(`likes`) OVER (PARTITION BY `post_id`, `group_likes`) AS `likes`,
    MAX(`comments`) OVER (PARTITION BY `post_id`, `group_comments`) AS `comments`,
    MAX(`shares`) OVER (PARTITION BY `post_id`, `group_shares`) AS `shares`,
    MAX(`saves`) OVER (PARTITION BY `post_id`, `group_saves`) AS `saves`
  FROM (SELECT `id`, `post_id`,
      `impressions`, COUNT(`impressions`) OVER `run` AS `group_impressions`,
      `reach`, COUNT(`reach`) OVER `run` AS `group_reach`,
      `views`, COUNT(`views`) OVER `run` AS `group_views`,
      `likes`, COUNT(`likes`) OVER `run` AS `group_likes`,
      `comments`, COUNT(`comments`) OVER `run` AS `group_comments`,
      `shares`, COUNT(`shares`) OVER `run` AS `group_shares`,
      `saves`, COUNT(`saves`) OVER `run` AS `group_saves`
    FROM `post_metrics`
    WINDOW `run` AS (PARTITION BY `post_id` ORDER BY `captured_at`, `created_at`, `id`))) l
WHERE `post_metrics`.`id` = l.`id`;--> statement-breakpoint
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
