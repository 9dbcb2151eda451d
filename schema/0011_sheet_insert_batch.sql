-- 0011_sheet_insert_batch.sql: the statement that stores a group-committed
-- batch of sheets (daemon/batch.c), as a function planned once per
-- connection.
--
-- Sent as a prepared statement, it was planned again at every execution:
-- PostgreSQL compares the generic plan, costed for arrays of unknown
-- length, with plans made for the actual arrays, and for a batch of one
-- sheet the custom plan always looks cheaper. Planning the statement took
-- longer than running it: 0.6 ms for one sheet instead of 0.35 ms. Here
-- the plan is generic and kept (plan_cache_mode), and the statement has
-- no join that could go quadratic on a misestimated batch: in the usual
-- case, every sheet inserted, it looks nothing up at all.
--
-- Returns a row only for the sheets it did not insert, by their position
-- in the batch: 'd' duplicate (same id, same content: a resend), 'c'
-- conflict (same id, other content), 'r' retry (the id is being inserted
-- by a transaction this statement's snapshot cannot see: the next batch
-- will).
CREATE FUNCTION sheet_insert_batch(ids uuid[], call_starts bigint[],
	durations integer[], jurists integer[], call_types smallint[],
	departments smallint[], callers smallint[], pro_kinds smallint[],
	pro_sectors smallint[], households smallint[], origins smallint[],
	topic_sets bigint[])
RETURNS TABLE (ord bigint, status "char")
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
	RETURN QUERY
	WITH input AS MATERIALIZED (
		SELECT * FROM unnest(ids, call_starts, durations, jurists,
			call_types, departments, callers, pro_kinds,
			pro_sectors, households, origins, topic_sets)
			WITH ORDINALITY AS t(id, call_start, duration_s,
			jurist_id, call_type, department, caller, pro_kind,
			pro_sector, household, origin, topics, ord)
	), ins AS (
		INSERT INTO sheet (id, jurist_id, call_start, duration_s,
			call_type, department, caller, pro_kind, pro_sector,
			household, origin, topics)
		SELECT i.id, i.jurist_id, to_timestamp(i.call_start),
			i.duration_s, i.call_type, i.department, i.caller,
			i.pro_kind, i.pro_sector, i.household, i.origin,
			i.topics
		FROM input i
		ON CONFLICT (id) DO NOTHING
		RETURNING sheet.id
	)
	SELECT i.ord, CASE
		WHEN s.id IS NULL THEN 'r'
		WHEN (s.jurist_id, s.call_start, s.duration_s, s.call_type,
			s.department, s.caller, s.pro_kind, s.pro_sector,
			s.household, s.origin, s.topics) IS NOT DISTINCT FROM
			(i.jurist_id, to_timestamp(i.call_start), i.duration_s,
			i.call_type, i.department, i.caller, i.pro_kind,
			i.pro_sector, i.household, i.origin, i.topics)
			THEN 'd'
		ELSE 'c' END::"char"
	FROM input i LEFT JOIN sheet s ON s.id = i.id
	-- a one-time test: when every sheet went in, nothing below runs
	WHERE (SELECT count(*) FROM ins) < cardinality(ids)
		AND i.id NOT IN (SELECT x.id FROM ins x);
END $$;
