-- 0026_rollup_topic_sets.sql: the rollup's topic rows keyed by the sheets'
-- whole topic set, so that a sheet counts once per resulting topic when
-- retired topics are reported under their successors (issue 15).
--
-- Until now the rollup kept one count per topic code (dim 6, code = the
-- taxonomy id), and reports added up the counts of a retired code and its
-- successor: a sheet holding both (logged with `work` and `residence`
-- before `work` was retired onto `residence`) counted twice under
-- `residence`. Per-code counts cannot say how many sheets hold either of
-- two codes, and which codes are one line is only known when a report is
-- read (a code may be retired, or mapped, years after its sheets were
-- folded, or published). So the topic rows now keep the topic set itself
-- (code = the sheet's topics bitmask, 63 bits: hence code bigint), and a
-- report counts, for each line of codes (topic_line below: a current code
-- and every code retired onto it), the sets that hold any of its bits:
-- each sheet once per line, whatever the taxonomy becomes, in the rollup
-- as in the published figures, with no rebuild when a code is retired.
-- The cell keys are sums over the same sheets, so a topic cell read from
-- the rollup has the key the sheets give it.
--
-- Published figures closed before this migration kept per-code counts:
-- each becomes the set of its one code (the figure as published); only
-- under a later retirement can such a period's successor row then hold a
-- sheet of both codes twice, as it did before.

DROP VIEW rollup_live;
DROP FUNCTION rollup_pending();

ALTER TABLE rollup ALTER COLUMN code TYPE bigint;
ALTER TABLE published_rollup ALTER COLUMN code TYPE bigint;

-- The published topic rows, each code's count as the set of that code
-- (moved through a copy: a mask may equal another row's id meanwhile).
CREATE TEMP TABLE published_topics ON COMMIT DROP AS
	SELECT p.period_id, p.month, p.call_type, p.department,
		1::bigint << t.topic_bit AS code, p.n, p.k
	FROM published_rollup p JOIN taxonomy t ON t.id = p.code
	WHERE p.dim = 6 AND t.topic_bit IS NOT NULL;
DELETE FROM published_rollup WHERE dim = 6;
INSERT INTO published_rollup (period_id, month, call_type, department, dim,
	code, n, k)
SELECT period_id, month, call_type, department, 6, code, n, k
FROM published_topics;

-- Each line of topic codes: its current code (id: the end of a chain of
-- successors, or a code retired without one) and the bits of every code
-- whose chain of successors leads to it, itself included. The same lines
-- as the daemon's tax_current() and tax_lineage_mask() (taxonomy-map.c).
-- A successor is an active code of the same dimension when it is set, so
-- chains are short; the bound only guards against a hand-edited cycle.
CREATE VIEW topic_line AS
WITH RECURSIVE walk (id, bit, head, hops) AS (
	SELECT id, topic_bit, id, 0 FROM taxonomy
	WHERE dimension = 'topic' AND topic_bit IS NOT NULL
	UNION ALL
	SELECT w.id, w.bit, n.id, w.hops + 1
	FROM walk w JOIN taxonomy t ON t.id = w.head
	JOIN taxonomy n ON n.id = t.successor_id AND n.id <> t.id
		AND n.dimension = t.dimension
	WHERE w.hops < 63
)
SELECT head AS id, bit_or(1::bigint << bit) AS mask
FROM (SELECT DISTINCT ON (id) id, bit, head FROM walk
      ORDER BY id, hops DESC) w
GROUP BY head;

-- As 0017, the topic rows by set: code is the topics bitmask.
CREATE OR REPLACE FUNCTION rollup_counts_sql(sheets text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
SELECT format($q$
WITH s AS MATERIALIZED (
	SELECT date_trunc('month', l)::date AS month, call_type,
		coalesce(department, 0)::smallint AS department,
		coalesce(caller, 0)::bigint AS caller,
		coalesce(pro_kind, 0)::bigint AS pro_kind,
		coalesce(pro_sector, 0)::bigint AS pro_sector,
		coalesce(household, 0)::bigint AS household,
		coalesce(origin, 0)::bigint AS origin,
		jurist_id::bigint AS jurist_id,
		(extract(isodow FROM l) * 24 + extract(hour FROM l))::bigint
			AS weekday_hour,
		duration_s::bigint AS duration_s, topics, record_key
	FROM (SELECT x.*, x.call_start AT TIME ZONE $1 AS l FROM %s x) x
)
SELECT month, call_type, department, 0::smallint AS dim, 0::bigint AS code,
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
UNION ALL SELECT month, call_type, department, 6::smallint, topics,
	count(*), sum(record_key)::bigint FROM s WHERE topics <> 0
	GROUP BY 1, 2, 3, 5
UNION ALL SELECT month, call_type, -1::smallint, 7::smallint, jurist_id,
	count(*), sum(record_key)::bigint FROM s GROUP BY 1, 2, 5
UNION ALL SELECT month, call_type, -1::smallint, 8::smallint, weekday_hour,
	count(*), sum(record_key)::bigint FROM s GROUP BY 1, 2, 5
UNION ALL SELECT month, call_type, -1::smallint, 9::smallint, duration_s,
	count(*), sum(record_key)::bigint FROM s GROUP BY 1, 2, 5
$q$, sheets)
$fn$;

CREATE FUNCTION rollup_pending()
RETURNS TABLE (month date, call_type smallint, department smallint,
	dim smallint, code bigint, n bigint, k bigint)
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

-- The live rollup's topic rows counted again, by set.
SELECT rollup_rebuild();
