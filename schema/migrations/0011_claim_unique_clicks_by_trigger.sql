-- A unique click is claimed by the clicks insert itself: each click row that is inserted (a
-- replayed click id is not, ON CONFLICT DO NOTHING) offers its (link, day, visitor) to
-- click_uniques, where the earliest human click stays (ties: the smaller click id). Replays and
-- any delivery order leave the same rows. Before this the consumer sent the claim as a second
-- statement with its own JSON of every human click; the trigger reads the row just written, so
-- that JSON is gone (less for the consumer to build and for D1 to receive and parse).
CREATE TRIGGER `clicks_claim_unique` AFTER INSERT ON `clicks` WHEN NEW.is_bot = 0
BEGIN
  INSERT INTO `click_uniques` (link_id, day, visitor_hash, click_id, clicked_at)
  VALUES (NEW.link_id, NEW.day, NEW.visitor_hash, NEW.id, NEW.clicked_at)
  ON CONFLICT (link_id, day, visitor_hash) DO UPDATE
    SET click_id = excluded.click_id, clicked_at = excluded.clicked_at
    WHERE excluded.clicked_at < click_uniques.clicked_at
       OR (excluded.clicked_at = click_uniques.clicked_at AND excluded.click_id < click_uniques.click_id);
END;
