ALTER TABLE `commission_entries` ADD `source_rowid` integer;--> statement-breakpoint
UPDATE `commission_entries` SET `source_rowid` = (SELECT `rowid` FROM `conversions` WHERE `id` = `commission_entries`.`conversion_id`) WHERE `kind` IN ('sale', 'lead');--> statement-breakpoint
UPDATE `commission_entries` SET `source_rowid` = (SELECT `rowid` FROM `refunds` WHERE `id` = `commission_entries`.`refund_id`) WHERE `kind` = 'clawback';
