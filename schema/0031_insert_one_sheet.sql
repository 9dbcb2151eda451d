-- 0031_insert_one_sheet.sql: a jurist's sheet is one plain INSERT
-- (issue 13, the two-jurist latency).
--
-- sheet_insert_batch() (0027) ran, for every sheet, the read of the last
-- closed period, the materialised input, the insert and the one-time
-- test of the classification: about 160 us of PostgreSQL's time for one
-- sheet, against 55 us for the INSERT that PostgreSQL alone runs in the
-- benchmark (a loop of 3,000 calls in one transaction, docs/PERFORMANCE.md).
-- A single sheet whose call started within the late window
-- (amend_window_days: no closed period can refuse it) now takes the
-- INSERT alone (about 80 us): stored, it returns no row, which is what
-- the statement returned for a sheet stored; not stored (its id is
-- taken), it goes on to the same statement as before, which finds the
-- stored sheet and answers 'd' or 'c'. Batches (imports) and older
-- sheets go the way they went.

-- Rows only for the sheets not inserted, by position: 'd' duplicate, 'c'
-- conflict, 'r' retry (0011), 'p' in a closed period (period_from and
-- period_to: its first day and the first day after, else NULL).
CREATE OR REPLACE FUNCTION sheet_insert_batch(ids uuid[], call_starts bigint[],
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
	-- One sheet of a call within the late window, a jurist's usual
	-- LogSheet: no closed period can hold it (closed_before below is
	-- never after the window's start), so a plain INSERT. When it stores
	-- the sheet nothing is left to say; when it does not (a resend),
	-- nothing was stored here and the statement below classifies the
	-- sheet exactly as before.
	IF cardinality(ids) = 1 AND call_starts[1] >=
		extract(epoch FROM now())::bigint - 86400::bigint * late_days
	THEN
		INSERT INTO sheet (id, jurist_id, call_start, duration_s,
			call_type, department, caller, pro_kind, pro_sector,
			household, origin, topics)
		VALUES (ids[1], jurists[1], to_timestamp(call_starts[1]),
			durations[1], call_types[1], departments[1], callers[1],
			pro_kinds[1], pro_sectors[1], households[1], origins[1],
			topic_sets[1])
		ON CONFLICT (id) DO NOTHING;
		IF FOUND THEN
			RETURN;
		END IF;
	END IF;
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
