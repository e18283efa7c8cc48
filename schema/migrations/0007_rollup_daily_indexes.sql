CREATE INDEX `rollup_daily_campaign_day` ON `rollup_daily` (`campaign_id`,`day`);--> statement-breakpoint
CREATE INDEX `rollup_daily_influencer_day` ON `rollup_daily` (`influencer_id`,`day`);