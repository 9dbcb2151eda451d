-- 0010_rollup_setwise.sql: the rollup's contributions counted a set of
-- sheets at a time, by one definition that folding, reading the pending
-- sheets and unfolding an amended sheet all share.
--
-- 0004 expanded every sheet into its ten or so contribution rows and then
-- grouped them all, converting the call time to the service time zone for
-- every row and scanning the taxonomy for every sheet: the fold cost about
-- 14 µs of PostgreSQL's time per sheet, and during an import it took half
-- of the machine. Here each sheet's local time is computed once, each
-- dimension is grouped on its own (ten small hash tables instead of one
-- large one), and topics are expanded after grouping by the topic set, so
-- the taxonomy join sees a few thousand rows instead of every sheet.
-- The rows and counts are exactly those of 0004 (test_rollup compares
-- every report with the sheets themselves, before and after folds).

-- The query that counts the contributions of the sheets of `sheets`, a
-- FROM item (parenthesized subquery) with the columns of sheet: rows of
-- (month, call_type, department, dim, code, n), one per rollup key.
-- Parameter $1 is the service time zone; the FROM item may use $2, $3.
CREATE FUNCTION rollup_counts_sql(sheets text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
SELECT format($q$
WITH s AS MATERIALIZED (
	SELECT date_trunc('month', l)::date AS month, call_type,
		coalesce(department, 0)::smallint AS department,
		coalesce(caller, 0)::integer AS caller,
		coalesce(pro_kind, 0)::integer AS pro_kind,
		coalesce(pro_sector, 0)::integer AS pro_sector,
		coalesce(household, 0)::integer AS household,
		coalesce(origin, 0)::integer AS origin,
		jurist_id,
		(extract(isodow FROM l) * 24 + extract(hour FROM l))::integer
			AS weekday_hour,
		duration_s, topics
	FROM (SELECT x.*, x.call_start AT TIME ZONE $1 AS l FROM %s x) x
), topic_sets AS (
	SELECT month, call_type, department, topics, count(*) AS n
	FROM s WHERE topics <> 0 GROUP BY 1, 2, 3, 4
)
SELECT month, call_type, department, 0::smallint AS dim, 0 AS code,
	count(*) AS n FROM s GROUP BY 1, 2, 3
UNION ALL SELECT month, call_type, department, 1::smallint, caller,
	count(*) FROM s GROUP BY 1, 2, 3, 5
UNION ALL SELECT month, call_type, department, 2::smallint, pro_kind,
	count(*) FROM s GROUP BY 1, 2, 3, 5
UNION ALL SELECT month, call_type, department, 3::smallint, pro_sector,
	count(*) FROM s GROUP BY 1, 2, 3, 5
UNION ALL SELECT month, call_type, department, 4::smallint, household,
	count(*) FROM s GROUP BY 1, 2, 3, 5
UNION ALL SELECT month, call_type, department, 5::smallint, origin,
	count(*) FROM s GROUP BY 1, 2, 3, 5
UNION ALL SELECT t.month, t.call_type, t.department, 6::smallint,
	x.id::integer, sum(t.n)::bigint
	FROM topic_sets t JOIN taxonomy x ON x.topic_bit IS NOT NULL
		AND (t.topics >> x.topic_bit) & 1 = 1
	GROUP BY 1, 2, 3, 5
UNION ALL SELECT month, call_type, -1::smallint, 7::smallint, jurist_id,
	count(*) FROM s GROUP BY 1, 2, 5
UNION ALL SELECT month, call_type, -1::smallint, 8::smallint, weekday_hour,
	count(*) FROM s GROUP BY 1, 2, 5
UNION ALL SELECT month, call_type, -1::smallint, 9::smallint, duration_s,
	count(*) FROM s GROUP BY 1, 2, 5
$q$, sheets)
$fn$;

-- Adds sign * (the contributions of the sheets of `sheets`, as above) to
-- the rollup and returns how many sheets that was. Rows are upserted in
-- key order, so concurrent callers lock them in the same order and cannot
-- deadlock; rows that fall to zero are removed. a and b are the FROM
-- item's $2 and $3 (a range of transactions, or the one sheet unfolded).
CREATE FUNCTION rollup_add(sign integer, sheets text, tz text,
	a anyelement, b anyelement) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	added bigint;
BEGIN
	EXECUTE format($q$
		WITH c AS (%s), up AS (
			INSERT INTO rollup AS r (month, call_type, department,
				dim, code, n)
			SELECT month, call_type, department, dim, code, %s * n
			FROM c ORDER BY dim, month, call_type, department, code
			ON CONFLICT (dim, month, call_type, department, code)
			DO UPDATE SET n = r.n + excluded.n
		)
		SELECT coalesce(sum(n), 0) FROM c WHERE dim = 0
	$q$, rollup_counts_sql(sheets), sign)
	INTO added USING tz, a, b;
	IF sign < 0 THEN
		DELETE FROM rollup WHERE n = 0;
	END IF;
	RETURN added;
END $$;
REVOKE EXECUTE ON FUNCTION rollup_add(integer, text, text, anyelement,
	anyelement) FROM PUBLIC;

-- The pending sheets' contributions, counted (0004 says why a function).
CREATE OR REPLACE FUNCTION rollup_pending()
RETURNS TABLE (month date, call_type smallint, department smallint,
	dim smallint, code integer, n bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	h xid8;
	pending boolean;
BEGIN
	SELECT horizon INTO h FROM rollup_state;
	-- planned with the horizon known (EXECUTE), or the plan for any
	-- horizon scans every sheet to find none; nothing pending is the
	-- common case, and costs one look at the index
	EXECUTE 'SELECT EXISTS (SELECT 1 FROM sheet WHERE xid >= $1)'
		INTO pending USING h;
	IF NOT pending THEN
		RETURN;
	END IF;
	RETURN QUERY EXECUTE rollup_counts_sql(
		'(SELECT * FROM sheet WHERE xid >= $2 AND voided_at IS NULL)')
		USING service_timezone(), h;
END $$;

CREATE OR REPLACE FUNCTION rollup_fold() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	old_h xid8;
	new_h xid8;
BEGIN
	SELECT horizon INTO old_h FROM rollup_state FOR UPDATE;
	-- every transaction below this one has committed or aborted
	new_h := pg_snapshot_xmin(pg_current_snapshot());
	IF new_h <= old_h THEN
		RETURN 0;
	END IF;
	UPDATE rollup_state SET horizon = new_h;
	RETURN rollup_add(1, '(SELECT * FROM sheet WHERE xid >= $2'
		' AND xid < $3 AND voided_at IS NULL)',
		service_timezone(), old_h, new_h);
END $$;

CREATE OR REPLACE FUNCTION sheet_unfold() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	h xid8;
BEGIN
	SELECT horizon INTO h FROM rollup_state FOR SHARE;
	IF OLD.xid < h AND OLD.voided_at IS NULL THEN
		PERFORM rollup_add(-1, '(SELECT ($2).*)', service_timezone(),
			OLD, OLD);
	END IF;
	IF TG_OP = 'DELETE' THEN
		RETURN OLD;
	END IF;
	NEW.xid := pg_current_xact_id();
	RETURN NEW;
END $$;

DROP FUNCTION sheet_contributions(timestamptz, smallint, smallint, smallint,
	smallint, smallint, smallint, smallint, integer, integer, bigint, text);
