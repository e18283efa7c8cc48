-- Nothing reads raw clicks by campaign and time: the rollup and the retention read them by rowid,
-- conversions by id. The index was paid for on every click (a B-tree entry, and D1 bills index
-- entries as rows written), so it goes.
DROP INDEX `clicks_campaign_clicked`;
