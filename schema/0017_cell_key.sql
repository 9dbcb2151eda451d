-- 0017_cell_key.sql: the cell-key method (docs/SECURITY.md): a secret
-- random record key on every sheet, its sum kept in the rollup beside each
-- count, and each role's disclosure method and noise parameters.
--
-- A cell's key is the sum of its sheets' record keys modulo 2^32: the same
-- set of sheets always has the same key (and so the same noise), two sets
-- that differ by even one sheet have independent keys. Sums of keys add up
-- like counts, so the rollup keeps them (k) beside the counts (n), and a
-- report read from the rollup gets exactly the key it would get from the
-- sheets.
--
-- The keys never leave the database and the daemon: no request, export or
-- log shows them. They are drawn from gen_random_uuid(), whose bits come
-- from the operating system's cryptographic generator (pg_strong_random),
-- unlike random(), whose state can be recovered from its outputs.

CREATE FUNCTION record_key() RETURNS bigint
LANGUAGE sql VOLATILE AS $$
	-- the first 32 bits of a version-4 UUID are random; 0 .. 2^32 - 1
	SELECT ('x' || substr(gen_random_uuid()::text, 1, 8))::bit(32)::bigint
$$;

-- A volatile default: every existing sheet gets its own key now, every
-- new one when it is inserted (the daemon never sends one).
ALTER TABLE sheet ADD COLUMN record_key bigint NOT NULL DEFAULT record_key()
	CHECK (record_key BETWEEN 0 AND 4294967295);

ALTER TABLE rollup ADD COLUMN k bigint NOT NULL DEFAULT 0;
ALTER TABLE published_rollup ADD COLUMN k bigint NOT NULL DEFAULT 0;

-- 0010's counts, with the sum of the record keys beside each count.
CREATE OR REPLACE FUNCTION rollup_counts_sql(sheets text) RETURNS text
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
		duration_s, topics, record_key
	FROM (SELECT x.*, x.call_start AT TIME ZONE $1 AS l FROM %s x) x
), topic_sets AS (
	SELECT month, call_type, department, topics, count(*) AS n,
		sum(record_key) AS k
	FROM s WHERE topics <> 0 GROUP BY 1, 2, 3, 4
)
SELECT month, call_type, department, 0::smallint AS dim, 0 AS code,
	count(*) AS n, sum(record_key)::bigint AS k FROM s GROUP BY 1, 2, 3
UNION ALL SELECT month, call_type, department, 1::smallint, caller,
	count(*), sum(record_key)::bigint FROM s GROUP BY 1, 2, 3, 5
UNION ALL SELECT month, call_type, department, 2::smallint, pro_kind,
	count(*), sum(record_key)::bigint FROM s GROUP BY 1, 2, 3, 5
UNION ALL SELECT month, call_type, department, 3::smallint, pro_sector,
	count(*), sum(record_key)::bigint FROM s GROUP BY 1, 2, 3, 5
UNION ALL SELECT month, call_type, department, 4::smallint, household,
	count(*), sum(record_key)::bigint FROM s GROUP BY 1, 2, 3, 5
UNION ALL SELECT month, call_type, department, 5::smallint, origin,
	count(*), sum(record_key)::bigint FROM s GROUP BY 1, 2, 3, 5
UNION ALL SELECT t.month, t.call_type, t.department, 6::smallint,
	x.id::integer, sum(t.n)::bigint, sum(t.k)::bigint
	FROM topic_sets t JOIN taxonomy x ON x.topic_bit IS NOT NULL
		AND (t.topics >> x.topic_bit) & 1 = 1
	GROUP BY 1, 2, 3, 5
UNION ALL SELECT month, call_type, -1::smallint, 7::smallint, jurist_id,
	count(*), sum(record_key)::bigint FROM s GROUP BY 1, 2, 5
UNION ALL SELECT month, call_type, -1::smallint, 8::smallint, weekday_hour,
	count(*), sum(record_key)::bigint FROM s GROUP BY 1, 2, 5
UNION ALL SELECT month, call_type, -1::smallint, 9::smallint, duration_s,
	count(*), sum(record_key)::bigint FROM s GROUP BY 1, 2, 5
$q$, sheets)
$fn$;

CREATE OR REPLACE FUNCTION rollup_add(sign integer, sheets text, tz text,
	a anyelement, b anyelement) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	added bigint;
BEGIN
	EXECUTE format($q$
		WITH c AS (%s), up AS (
			INSERT INTO rollup AS r (month, call_type, department,
				dim, code, n, k)
			SELECT month, call_type, department, dim, code, %s * n,
				%s * k
			FROM c ORDER BY dim, month, call_type, department, code
			ON CONFLICT (dim, month, call_type, department, code)
			DO UPDATE SET n = r.n + excluded.n, k = r.k + excluded.k
		)
		SELECT coalesce(sum(n), 0) FROM c WHERE dim = 0
	$q$, rollup_counts_sql(sheets), sign, sign)
	INTO added USING tz, a, b;
	IF sign < 0 THEN
		DELETE FROM rollup WHERE n = 0;
	END IF;
	RETURN added;
END $$;

DROP VIEW rollup_live;
DROP FUNCTION rollup_pending();
CREATE FUNCTION rollup_pending()
RETURNS TABLE (month date, call_type smallint, department smallint,
	dim smallint, code integer, n bigint, k bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	h xid8;
	pending boolean;
BEGIN
	SELECT horizon INTO h FROM rollup_state;
	EXECUTE 'SELECT EXISTS (SELECT 1 FROM sheet WHERE xid >= $1)'
		INTO pending USING h;
	IF NOT pending THEN
		RETURN;
	END IF;
	RETURN QUERY EXECUTE rollup_counts_sql(
		'(SELECT * FROM sheet WHERE xid >= $2 AND voided_at IS NULL)')
		USING service_timezone(), h;
END $$;

CREATE VIEW rollup_live AS
	SELECT month, call_type, department, dim, code, n, k FROM rollup
	UNION ALL
	SELECT month, call_type, department, dim, code, n, k
	FROM rollup_pending();

-- Closing a period freezes the key sums with the counts.
CREATE OR REPLACE FUNCTION close_period(first date, after date,
	actor integer)
RETURNS TABLE (period_id integer, months_from date, months_to date,
	closed_at timestamptz, closed_by text, frozen bigint, status text)
LANGUAGE plpgsql AS $$
DECLARE
	pid integer;
	n bigint;
BEGIN
	IF after > date_trunc('month', now() AT TIME ZONE service_timezone())
	THEN
		RETURN QUERY SELECT NULL::integer, first, after,
			NULL::timestamptz, NULL::text, 0::bigint, 'open'::text;
		RETURN;
	END IF;
	LOCK TABLE sheet IN SHARE ROW EXCLUSIVE MODE;
	IF EXISTS (SELECT 1 FROM closed_period p
	           WHERE p.months && daterange(first, after)) THEN
		RETURN QUERY
		SELECT p.id, lower(p.months), upper(p.months), p.closed_at,
			a.name, 0::bigint, 'overlap'::text
		FROM closed_period p JOIN account a ON a.id = p.closed_by
		WHERE p.months && daterange(first, after)
		ORDER BY lower(p.months);
		RETURN;
	END IF;
	INSERT INTO closed_period (months, closed_by, snapshot)
	VALUES (daterange(first, after), actor, pg_current_snapshot())
	RETURNING id INTO pid;
	INSERT INTO published_rollup (period_id, month, call_type, department,
		dim, code, n, k)
	SELECT pid, r.month, r.call_type, r.department, r.dim, r.code,
		sum(r.n), sum(r.k)
	FROM rollup_live r WHERE r.month >= first AND r.month < after
	GROUP BY 2, 3, 4, 5, 6 HAVING sum(r.n) <> 0;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN QUERY
	SELECT p.id, lower(p.months), upper(p.months), p.closed_at, a.name,
		n, 'closed'::text
	FROM closed_period p JOIN account a ON a.id = p.closed_by
	WHERE p.id = pid;
END $$;

-- Periods closed before this migration: their sheets may have changed
-- since, so the sums of their keys as published cannot be recomputed;
-- each published cell gets a random key of its own instead (fixed from
-- now on, and as secret as the record keys).
UPDATE published_rollup SET k = record_key();

-- The rollup's key sums, from the sheets.
SELECT rollup_rebuild();

-- Each role's method: 'suppress' (exact counts, those under min_cell
-- hidden with their partners: suppress.c) or 'perturb' (the cell-key
-- method: every count perturbed by at most max_noise, with variance
-- noise_variance; counts under min_cell shown as 0). Reporters perturb.
ALTER TABLE disclosure_min_cell
	ADD COLUMN method text NOT NULL DEFAULT 'suppress'
		CHECK (method IN ('suppress', 'perturb')),
	ADD COLUMN max_noise integer NOT NULL DEFAULT 4
		CHECK (max_noise BETWEEN 1 AND 20),
	ADD COLUMN noise_variance real NOT NULL DEFAULT 4
		CHECK (noise_variance > 0 AND noise_variance <= 100),
	-- the perturbation table's width grows with min_cell (ptable.c)
	ADD CONSTRAINT perturb_min_cell
		CHECK (method = 'suppress' OR min_cell <= 20);
UPDATE disclosure_min_cell SET method = 'perturb' WHERE role = 'reporter';

-- Reporters see the months that are over: the figures they read change
-- once a month, by a month of sheets at once, never by one sheet logged
-- a moment ago (the start of the month in progress, service time zone).
CREATE FUNCTION released_until() RETURNS date
LANGUAGE sql STABLE AS $$
	SELECT date_trunc('month', now() AT TIME ZONE service_timezone())::date
$$;
