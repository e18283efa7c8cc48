DROP INDEX `rollup_daily_campaign_day`;--> statement-breakpoint
DROP INDEX `rollup_daily_influencer_day`;