-- 0004_rollup.sql: the service time zone as data, and the monthly rollup
-- that lets reports read thousands of rows instead of millions.
--
-- rollup holds, per month (in the service time zone), call type and
-- département, how many current (non-voided) sheets have each value of
-- each dimension. It is maintained by statement-level triggers on sheet in
-- the same transaction as the change, so it is always exactly equal to the
-- sheets: an amend or a void is an UPDATE like any other.
--
--   dim 0 total          code 0
--       1 caller         taxonomy id, 0 when not given
--       2 pro_kind       idem
--       3 pro_sector     idem
--       4 household      idem
--       5 origin         idem
--       6 topic          taxonomy id of each topic of the sheet (0..n rows)
--       7 jurist         account id
--       8 weekday_hour   isodow * 24 + hour   (department -1: all of them)
--       9 duration       seconds              (department -1: all of them)
--
-- Every sheet contributes exactly one row to each dimension but topic, so
-- that any total can be read from any one dimension. Weekday-hour and
-- duration are kept for all départements together (department -1): per
-- département they would multiply the rows for figures nobody reports.

CREATE TABLE setting (
	name text PRIMARY KEY,
	value text NOT NULL
);
INSERT INTO setting VALUES ('timezone', 'Europe/Paris');

CREATE FUNCTION service_timezone() RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT value FROM setting WHERE name = 'timezone'
$$;

CREATE TABLE rollup (
	month date NOT NULL,
	call_type smallint NOT NULL,
	department smallint NOT NULL,
	dim smallint NOT NULL,
	code integer NOT NULL,
	n bigint NOT NULL,
	PRIMARY KEY (month, call_type, department, dim, code)
);

-- The rollup rows one sheet contributes (one each, before summing).
CREATE FUNCTION sheet_contributions(call_start timestamptz,
	call_type smallint, department smallint, caller smallint,
	pro_kind smallint, pro_sector smallint, household smallint,
	origin smallint, jurist_id integer, duration_s integer, topics bigint,
	tz text)
RETURNS TABLE (month date, call_type smallint, department smallint,
	dim smallint, code integer)
LANGUAGE sql STABLE AS $$
	SELECT date_trunc('month', call_start AT TIME ZONE tz)::date,
		call_type,
		CASE WHEN d.dim IN (8, 9) THEN -1
		     ELSE coalesce(department, 0) END::smallint,
		d.dim::smallint, d.code
	FROM (VALUES
		(0, 0),
		(1, coalesce(caller, 0)::integer),
		(2, coalesce(pro_kind, 0)::integer),
		(3, coalesce(pro_sector, 0)::integer),
		(4, coalesce(household, 0)::integer),
		(5, coalesce(origin, 0)::integer),
		(7, jurist_id),
		(8, (extract(isodow FROM call_start AT TIME ZONE tz) * 24 +
		     extract(hour FROM call_start AT TIME ZONE tz))::integer),
		(9, duration_s)) AS d (dim, code)
	UNION ALL
	SELECT date_trunc('month', call_start AT TIME ZONE tz)::date,
		call_type, coalesce(department, 0)::smallint,
		6::smallint, t.id::integer
	FROM taxonomy t
	WHERE t.topic_bit IS NOT NULL AND (topics >> t.topic_bit) & 1 = 1
$$;

-- Adds sign * (the contributions of the given sheets). Rows are upserted
-- in key order, so concurrent batches lock them in the same order and
-- cannot deadlock; rows that fall to zero are removed.
CREATE FUNCTION rollup_add(sheets sheet[], sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	tz text := service_timezone();
BEGIN
	INSERT INTO rollup AS r (month, call_type, department, dim, code, n)
	SELECT c.month, c.call_type, c.department, c.dim, c.code,
		sign * count(*)
	FROM unnest(sheets) AS s, LATERAL sheet_contributions(s.call_start,
		s.call_type, s.department, s.caller, s.pro_kind, s.pro_sector,
		s.household, s.origin, s.jurist_id, s.duration_s, s.topics,
		tz) AS c
	WHERE s.voided_at IS NULL
	GROUP BY 1, 2, 3, 4, 5
	ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (month, call_type, department, dim, code)
	DO UPDATE SET n = r.n + excluded.n;
	DELETE FROM rollup WHERE n = 0;
END $$;

CREATE FUNCTION rollup_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM rollup_add(ARRAY(SELECT s::sheet FROM new_sheets s), 1);
	RETURN NULL;
END $$;

CREATE FUNCTION rollup_on_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM rollup_add(ARRAY(SELECT s::sheet FROM old_sheets s), -1);
	PERFORM rollup_add(ARRAY(SELECT s::sheet FROM new_sheets s), 1);
	RETURN NULL;
END $$;

CREATE FUNCTION rollup_on_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM rollup_add(ARRAY(SELECT s::sheet FROM old_sheets s), -1);
	RETURN NULL;
END $$;

CREATE TRIGGER sheet_rollup_insert AFTER INSERT ON sheet
	REFERENCING NEW TABLE AS new_sheets
	FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_insert();
CREATE TRIGGER sheet_rollup_update AFTER UPDATE ON sheet
	REFERENCING OLD TABLE AS old_sheets NEW TABLE AS new_sheets
	FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_update();
CREATE TRIGGER sheet_rollup_delete AFTER DELETE ON sheet
	REFERENCING OLD TABLE AS old_sheets
	FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_delete();

-- From scratch, e.g. after the service time zone changed.
CREATE FUNCTION rollup_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	tz text := service_timezone();
BEGIN
	LOCK TABLE sheet IN SHARE MODE;
	DELETE FROM rollup;
	INSERT INTO rollup (month, call_type, department, dim, code, n)
	SELECT c.month, c.call_type, c.department, c.dim, c.code, count(*)
	FROM sheet s, LATERAL sheet_contributions(s.call_start, s.call_type,
		s.department, s.caller, s.pro_kind, s.pro_sector, s.household,
		s.origin, s.jurist_id, s.duration_s, s.topics, tz) AS c
	WHERE s.voided_at IS NULL
	GROUP BY 1, 2, 3, 4, 5;
END $$;

CREATE FUNCTION setting_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.name = 'timezone' AND NEW.value IS DISTINCT FROM OLD.value THEN
		PERFORM rollup_rebuild();
	END IF;
	PERFORM pg_notify('callsheet_taxonomy', '');
	RETURN NULL;
END $$;
CREATE TRIGGER setting_update AFTER UPDATE ON setting
	FOR EACH ROW EXECUTE FUNCTION setting_changed();
