-- 0004_rollup.sql: the service time zone as data, and the monthly rollup
-- that lets reports read thousands of rows instead of millions.
--
-- rollup holds, per month (in the service time zone), call type and
-- département, how many current (non-voided) sheets have each value of
-- each dimension:
--
--   dim 0 total          code 0
--       1 caller         taxonomy id, 0 when not given
--       2 pro_kind       idem
--       3 pro_sector     idem
--       4 household      idem
--       5 origin         idem
--       6 topic          taxonomy id of each topic of the sheet (0..n rows)
--       7 jurist         account id           (department -1: all of them)
--       8 weekday_hour   isodow * 24 + hour   (department -1: all of them)
--       9 duration       seconds              (department -1: all of them)
--
-- Every sheet contributes exactly one row to each dimension but topic, so
-- that any total can be read from any one dimension. Jurist, weekday-hour
-- and duration are kept for all départements together (department -1):
-- per département they would multiply the rows (a national network has
-- thousands of jurists) for figures nobody reports.
--
-- Logging a sheet never touches the rollup: a rollup updated by every
-- insert makes every insert wait for the previous one's commit on the same
-- few rows. Instead each sheet records the transaction that wrote it
-- (sheet.xid), and rollup_fold(), which callsheetd runs every second, adds
-- the sheets of all transactions finished since the last fold and moves
-- the horizon, in one transaction. Reports read rollup_live: the folded
-- rollup plus the contributions of the sheets past the horizon, one
-- snapshot, so always exactly equal to the sheets. An amend or a void of a
-- folded sheet takes its old contributions out of the rollup and makes it
-- pending again.

CREATE TABLE setting (
	name text PRIMARY KEY,
	value text NOT NULL
);
INSERT INTO setting VALUES ('timezone', 'Europe/Paris');

CREATE FUNCTION service_timezone() RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT value FROM setting WHERE name = 'timezone'
$$;

ALTER TABLE sheet ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX sheet_xid ON sheet (xid);

CREATE TABLE rollup (
	month date NOT NULL,
	call_type smallint NOT NULL,
	department smallint NOT NULL,
	dim smallint NOT NULL,
	code integer NOT NULL,
	n bigint NOT NULL,
	-- dimension first: a query reads only the rows of its dimension
	PRIMARY KEY (dim, month, call_type, department, code)
);

-- Sheets written by transactions below the horizon are in the rollup.
CREATE TABLE rollup_state (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	horizon xid8 NOT NULL
);
INSERT INTO rollup_state VALUES (true, '0');

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
		CASE WHEN d.dim IN (7, 8, 9) THEN -1
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
-- The contributions of the sheets not folded yet. A function, so that
-- the horizon is known when the scan is planned: written as a join on
-- rollup_state, the planner guesses a third of the table is past it and
-- scans all ten million sheets. STABLE: it sees the snapshot of the query
-- that calls it, the one that reads the rollup.
CREATE FUNCTION rollup_pending()
RETURNS TABLE (month date, call_type smallint, department smallint,
	dim smallint, code integer, n bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	h xid8;
BEGIN
	SELECT horizon INTO h FROM rollup_state;
	RETURN QUERY EXECUTE
		'SELECT c.month, c.call_type, c.department, c.dim, c.code,'
		' 1::bigint FROM sheet s, LATERAL sheet_contributions('
		' s.call_start, s.call_type, s.department, s.caller,'
		' s.pro_kind, s.pro_sector, s.household, s.origin,'
		' s.jurist_id, s.duration_s, s.topics, $2) AS c'
		' WHERE s.xid >= $1 AND s.voided_at IS NULL'
		USING h, service_timezone();
END $$;

-- What reports read: folded counts, plus the sheets not folded yet.
CREATE VIEW rollup_live AS
	SELECT month, call_type, department, dim, code, n FROM rollup
	UNION ALL
	SELECT month, call_type, department, dim, code, n
	FROM rollup_pending();

-- SECURITY DEFINER: the daemon's role may read the rollup but not write
-- it; only these functions do (scripts/pg-app-role.sql).

-- Adds the sheets of every transaction finished since the last fold.
-- The lock on rollup_state serializes folds (several daemons may call
-- this) with the amends of folded sheets (sheet_unfold). Returns how many
-- sheets it folded.
CREATE FUNCTION rollup_fold() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	old_h xid8;
	new_h xid8;
	folded bigint;
	tz text := service_timezone();
BEGIN
	SELECT horizon INTO old_h FROM rollup_state FOR UPDATE;
	-- every transaction below this one has committed or aborted
	new_h := pg_snapshot_xmin(pg_current_snapshot());
	IF new_h <= old_h THEN
		RETURN 0;
	END IF;
	WITH moved AS (
		SELECT s.* FROM sheet s
		WHERE s.xid >= old_h AND s.xid < new_h
	), counted AS (
		INSERT INTO rollup AS r (month, call_type, department, dim,
			code, n)
		SELECT c.month, c.call_type, c.department, c.dim, c.code,
			count(*)
		FROM moved s, LATERAL sheet_contributions(s.call_start,
			s.call_type, s.department, s.caller, s.pro_kind,
			s.pro_sector, s.household, s.origin, s.jurist_id,
			s.duration_s, s.topics, tz) AS c
		WHERE s.voided_at IS NULL
		GROUP BY 1, 2, 3, 4, 5
		ORDER BY 4, 1, 2, 3, 5
		ON CONFLICT (month, call_type, department, dim, code)
		DO UPDATE SET n = r.n + excluded.n
	)
	SELECT count(*) INTO folded FROM moved;
	UPDATE rollup_state SET horizon = new_h;
	RETURN folded;
END $$;

-- Before an amend or a void (or a delete): a folded sheet's old
-- contributions leave the rollup, and the new version waits for the next
-- fold like a new sheet.
CREATE FUNCTION sheet_unfold() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	h xid8;
	tz text := service_timezone();
BEGIN
	SELECT horizon INTO h FROM rollup_state FOR SHARE;
	IF OLD.xid < h AND OLD.voided_at IS NULL THEN
		INSERT INTO rollup AS r (month, call_type, department, dim,
			code, n)
		SELECT c.month, c.call_type, c.department, c.dim, c.code,
			-count(*)
		FROM sheet_contributions(OLD.call_start, OLD.call_type,
			OLD.department, OLD.caller, OLD.pro_kind,
			OLD.pro_sector, OLD.household, OLD.origin,
			OLD.jurist_id, OLD.duration_s, OLD.topics, tz) AS c
		GROUP BY 1, 2, 3, 4, 5
		ORDER BY 4, 1, 2, 3, 5
		ON CONFLICT (month, call_type, department, dim, code)
		DO UPDATE SET n = r.n + excluded.n;
		DELETE FROM rollup WHERE n = 0;
	END IF;
	IF TG_OP = 'DELETE' THEN
		RETURN OLD;
	END IF;
	NEW.xid := pg_current_xact_id();
	RETURN NEW;
END $$;

CREATE TRIGGER sheet_unfold BEFORE UPDATE OR DELETE ON sheet
	FOR EACH ROW EXECUTE FUNCTION sheet_unfold();

-- From scratch, e.g. after the service time zone changed.
CREATE FUNCTION rollup_rebuild() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	PERFORM 1 FROM rollup_state FOR UPDATE;
	DELETE FROM rollup;
	UPDATE rollup_state SET horizon = '0';
	RETURN rollup_fold();
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
