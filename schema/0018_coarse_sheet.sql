-- 0018_coarse_sheet.sql: the stored sheet keeps the call's start (and the
-- time it was logged, minutes after the call's end) to the quarter-hour
-- and its duration to 5 minutes (docs/SECURITY.md: joined on
-- the exact second with a telephone log, a sheet would name its caller).
-- callsheetd stores new sheets so (daemon/anonymize.c); this brings the
-- sheets stored before, their audit trail and the published figures to
-- the same rules. Local hour, weekday, day and month stay what they were
-- in every time zone (every UTC offset is a whole number of quarter-
-- hours), so every report stays the same but the call durations.

CREATE FUNCTION coarse_call_start(t timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
	SELECT to_timestamp(floor(extract(epoch FROM t) / 900) * 900)
$$;

-- to the nearest 5 minutes, half up; never 0 for a call that lasted
CREATE FUNCTION coarse_duration(d integer) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN d <= 0 THEN d
	       ELSE greatest(300, (d + 150) / 300 * 300) END
$$;

-- The changed fields of an audit row (0005: text, call_start as
-- YYYY-MM-DDTHH:MM:SSZ) under the same rules.
CREATE FUNCTION coarse_audit_fields(j jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT j || jsonb_strip_nulls(jsonb_build_object(
		'call_start', CASE WHEN jsonb_typeof(j -> 'call_start') = 'string'
			THEN to_jsonb(to_char(coarse_call_start(
				(j ->> 'call_start')::timestamptz) AT TIME ZONE 'UTC',
				'YYYY-MM-DD"T"HH24:MI:SS"Z"')) END,
		'duration_s', CASE WHEN jsonb_typeof(j -> 'duration_s') = 'string'
			THEN to_jsonb(coarse_duration(
				(j ->> 'duration_s')::integer)::text) END))
$$;

-- Without sheet_unfold: the update must not make the sheets look new
-- (a sheet written after a period was closed is a late restatement);
-- the rollup is rebuilt below instead.
ALTER TABLE sheet DISABLE TRIGGER sheet_unfold;
UPDATE sheet SET call_start = coarse_call_start(call_start),
	duration_s = coarse_duration(duration_s),
	logged_at = coarse_call_start(logged_at)
WHERE call_start <> coarse_call_start(call_start)
   OR duration_s <> coarse_duration(duration_s)
   OR logged_at <> coarse_call_start(logged_at);
ALTER TABLE sheet ENABLE TRIGGER sheet_unfold;
-- the amend window (days from logging) moves by less than 15 minutes
ALTER TABLE sheet ALTER COLUMN logged_at
	SET DEFAULT coarse_call_start(now());

UPDATE audit SET old = coarse_audit_fields(old),
	new = coarse_audit_fields(new),
	call_before = coarse_call_start(call_before),
	call_after = coarse_call_start(call_after);

-- The published durations (dim 9: seconds) merged into their 5 minutes.
CREATE TEMP TABLE published_durations ON COMMIT DROP AS
	SELECT period_id, month, call_type, department, dim,
		coarse_duration(code) AS code, sum(n)::bigint AS n,
		sum(k)::bigint AS k
	FROM published_rollup WHERE dim = 9
	GROUP BY 1, 2, 3, 4, 5, 6;
DELETE FROM published_rollup WHERE dim = 9;
INSERT INTO published_rollup (period_id, month, call_type, department, dim,
	code, n, k)
SELECT period_id, month, call_type, department, dim, code, n, k
FROM published_durations;

SELECT rollup_rebuild();
