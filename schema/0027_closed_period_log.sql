-- 0027_closed_period_log.sql: a jurist's new sheet may not fall into a
-- closed period, unless it is a late sheet (issue 15).
--
-- Until now any sheet was stored whatever its call_start, so a jurist
-- could back-date a call into a year already published and silently
-- change its figures (the fold then recorded it as a late sheet, 0005).
-- Now sheet_insert_batch refuses, with status 'p' and the period, a sheet
-- logged by a jurist whose call lies in a closed period and started more
-- than late_days ago (the daemon's amend_window_days): a call of
-- 30 December logged on 2 January, after the year was closed that
-- morning, is still stored, and shows as a restatement as before. An
-- administrator's sheet is stored as before, and is a restatement too:
-- that is the way to add a call to a published period.
--
-- The cost stays off the usual path: the end of the last closed period
-- is read once per statement, and only a sheet that starts before it (and
-- before the late window) is looked up in closed_period and account.
-- A sheet refused here may still be a resend of one stored before the
-- close: it is answered 'd' like any resend ('p' only when no sheet holds
-- its id).

DROP FUNCTION sheet_insert_batch(uuid[], bigint[], integer[], integer[],
	smallint[], smallint[], smallint[], smallint[], smallint[],
	smallint[], smallint[], bigint[]);

-- Rows only for the sheets not inserted, by position: 'd' duplicate, 'c'
-- conflict, 'r' retry (0011), 'p' in a closed period (period_from and
-- period_to: its first day and the first day after, else NULL).
CREATE FUNCTION sheet_insert_batch(ids uuid[], call_starts bigint[],
	durations integer[], jurists integer[], call_types smallint[],
	departments smallint[], callers smallint[], pro_kinds smallint[],
	pro_sectors smallint[], households smallint[], origins smallint[],
	topic_sets bigint[], late_days integer)
RETURNS TABLE (ord bigint, status "char", period_from date,
	period_to date)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
	-- calls before this may lie in a closed period (NULL: none closed)
	closed_before bigint;
BEGIN
	SELECT extract(epoch FROM max(upper(p.months))::timestamp
		AT TIME ZONE service_timezone())
	INTO closed_before FROM closed_period p;
	IF closed_before IS NOT NULL THEN -- (least() would skip a NULL)
		closed_before := least(closed_before, extract(epoch FROM now())
			::bigint - 86400::bigint * late_days);
	END IF;
	RETURN QUERY
	WITH input AS MATERIALIZED (
		SELECT t.*, CASE WHEN t.call_start < closed_before THEN
			(SELECT p.id FROM closed_period p JOIN account a
			   ON a.id = t.jurist_id AND a.role = 'jurist'
			 WHERE p.months @> (to_timestamp(t.call_start)
				AT TIME ZONE service_timezone())::date)
			END AS closed_id
		FROM unnest(ids, call_starts, durations, jurists,
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
		FROM input i WHERE i.closed_id IS NULL
		ON CONFLICT (id) DO NOTHING
		RETURNING sheet.id
	)
	SELECT i.ord, CASE
		WHEN s.id IS NULL AND i.closed_id IS NOT NULL THEN 'p'
		WHEN s.id IS NULL THEN 'r'
		WHEN (s.jurist_id, s.call_start, s.duration_s, s.call_type,
			s.department, s.caller, s.pro_kind, s.pro_sector,
			s.household, s.origin, s.topics) IS NOT DISTINCT FROM
			(i.jurist_id, to_timestamp(i.call_start), i.duration_s,
			i.call_type, i.department, i.caller, i.pro_kind,
			i.pro_sector, i.household, i.origin, i.topics)
			THEN 'd'
		ELSE 'c' END::"char",
		lower(p.months), upper(p.months)
	FROM input i LEFT JOIN sheet s ON s.id = i.id
	LEFT JOIN closed_period p ON p.id = i.closed_id
	-- a one-time test: when every sheet went in, nothing below runs
	WHERE (SELECT count(*) FROM ins) < cardinality(ids)
		AND i.id NOT IN (SELECT x.id FROM ins x);
END $$;
