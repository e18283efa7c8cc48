ALTER TABLE `campaigns` ADD `timezone` text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `first_event_at` integer;--> statement-breakpoint
-- SQLite adds a NOT NULL column only with a default; every row gets its day just below, and every
-- writer sends one, so the empty default is never read.
ALTER TABLE `click_uniques` ADD `local_day` text NOT NULL DEFAULT '';--> statement-breakpoint
ALTER TABLE `conversions` ADD `day` text NOT NULL DEFAULT '';--> statement-breakpoint
ALTER TABLE `refunds` ADD `day` text NOT NULL DEFAULT '';--> statement-breakpoint
-- Every campaign so far is in UTC: its local days are the UTC days.
UPDATE `click_uniques` SET `local_day` = `day`;--> statement-breakpoint
UPDATE `conversions` SET `day` = strftime('%Y-%m-%d', `occurred_at` / 1000, 'unixepoch');--> statement-breakpoint
UPDATE `refunds` SET `day` = strftime('%Y-%m-%d', `occurred_at` / 1000, 'unixepoch');--> statement-breakpoint
-- Campaigns that already have events keep UTC: their stored days are UTC days. One scan of each
-- table, once.
UPDATE `campaigns` SET `first_event_at` = CAST(strftime('%s', 'now') AS INTEGER) * 1000
WHERE `id` IN (SELECT `campaign_id` FROM `clicks` UNION SELECT `campaign_id` FROM `conversions`
               UNION SELECT `campaign_id` FROM `rollup_daily`);--> statement-breakpoint
-- clicks.day is now the campaign's local day, but a unique click stays one per visitor hash per
-- UTC day (the hash's salt is the UTC day's): the claim is keyed by the UTC day of the click and
-- carries the local day it counts on, which moves with the claim to an earlier click.
DROP TRIGGER `clicks_claim_unique`;--> statement-breakpoint
CREATE TRIGGER `clicks_claim_unique` AFTER INSERT ON `clicks` WHEN NEW.is_bot = 0
BEGIN
  INSERT INTO `click_uniques` (link_id, day, visitor_hash, click_id, clicked_at, local_day)
  VALUES (NEW.link_id, strftime('%Y-%m-%d', NEW.clicked_at / 1000, 'unixepoch'), NEW.visitor_hash, NEW.id,
          NEW.clicked_at, NEW.day)
  ON CONFLICT (link_id, day, visitor_hash) DO UPDATE
    SET click_id = excluded.click_id, clicked_at = excluded.clicked_at, local_day = excluded.local_day
    WHERE excluded.clicked_at < click_uniques.clicked_at
       OR (excluded.clicked_at = click_uniques.clicked_at AND excluded.click_id < click_uniques.click_id);
END;
