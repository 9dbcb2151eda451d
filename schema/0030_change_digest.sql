-- 0030_change_digest.sql: two things a request's answer must be able to
-- trust in what is stored.
--
-- A change's digest (daemon/sheet-change.c): the SHA-256 of the AmendSheet
-- or VoidSheet that made it. A change_id names one change: sent again with
-- the same digest (same sheet, same values), it is a resend, answered as a
-- duplicate; with another, it is another change under a taken id, refused.
-- Changes audited before this migration have none: a resend of theirs is
-- recognised by its sheet, its account and its action alone.
ALTER TABLE audit ADD COLUMN change_digest bytea;

-- The cell-key method's maximum noise is at least the minimum cell size
-- (docs/SECURITY.md, "Settings": a count of k must be able to fall to 0).
-- The daemon applied max(D, k) where D < k was stored; what is stored is
-- now what is applied and reported.
UPDATE disclosure_min_cell SET max_noise = min_cell
 WHERE method = 'perturb' AND max_noise < min_cell;
ALTER TABLE disclosure_min_cell ADD CONSTRAINT perturb_max_noise
	CHECK (method = 'suppress' OR max_noise >= min_cell);
