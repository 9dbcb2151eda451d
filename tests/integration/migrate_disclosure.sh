#!/usr/bin/env bash
# tests/integration/migrate_disclosure.sh: a database from before the
# cell-key method and the coarse stored sheet (migrations up to 0012, with
# sheets to the second, an amendment and a closed period) migrated by
# callsheetd: every sheet gets its own record key and the rollup their
# sums; starts, durations, logging times, audit rows and published
# durations are coarsened; reports by month, weekday and hour are the
# same as before; nothing looks like a late sheet.
. "$CALLSHEET_TEST_LIB/testlib.sh"

: "${CALLSHEET_TEST_SCHEMA:?run me through ctest}"
db=$(t_fresh_db)

# the schema as it was before 0017
t_sql "$db" "CREATE TABLE schema_migrations (version text PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now())" >/dev/null
for f in "$CALLSHEET_TEST_SCHEMA"/00*.sql; do
	v=$(basename "$f" .sql)
	[ "${v%%_*}" -lt 17 ] || continue
	psql -X -q -v ON_ERROR_STOP=1 -1 -d "$db" -f "$f" >/dev/null ||
		t_fail "applying $v"
	t_sql "$db" "INSERT INTO schema_migrations (version) VALUES ('$v')" >/dev/null
done

# 60 sheets of March 2025 to the second, folded; one amended (its audit
# row holds times to the second); March closed
t_sql "$db" "INSERT INTO account (name, role, password_hash)
	VALUES ('j1', 'jurist', 'x')" >/dev/null
t_sql "$db" "INSERT INTO sheet (id, jurist_id, logged_at, call_start,
	duration_s, call_type, department, caller, household, topics)
	SELECT gen_random_uuid(), a.id,
		'2025-03-01 00:00:07+00'::timestamptz + i * interval '7 hours 13 minutes 17 seconds' + interval '1 hour 2 minutes 3 seconds',
		'2025-03-01 00:00:07+00'::timestamptz + i * interval '7 hours 13 minutes 17 seconds',
		i * 37 + 1,
		(SELECT id FROM taxonomy WHERE dimension = 'call_type' AND code = 'consultation'),
		(SELECT id FROM taxonomy WHERE dimension = 'department' AND code = '75'),
		(SELECT id FROM taxonomy WHERE dimension = 'caller' AND code = 'individual'),
		(SELECT id FROM taxonomy WHERE dimension = 'household' AND code = 'woman'),
		(SELECT 1::bigint << topic_bit FROM taxonomy WHERE dimension = 'topic' AND code = 'residence')
	FROM generate_series(0, 59) i, account a WHERE a.name = 'j1'" >/dev/null
t_sql "$db" "SELECT rollup_fold()" >/dev/null
t_sql "$db" "INSERT INTO audit (account_id, sheet_id, action, old, new,
	call_before, call_after)
	SELECT s.jurist_id, s.id, 'amend',
		jsonb_build_object('duration_s', '421'),
		jsonb_build_object('duration_s', s.duration_s::text,
			'call_start', to_char(s.call_start AT TIME ZONE 'UTC',
				'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')),
		s.call_start, s.call_start
	FROM sheet s ORDER BY s.call_start LIMIT 1" >/dev/null
closed=$(t_sql "$db" "SELECT status FROM close_period('2025-03-01', '2025-04-01',
	(SELECT id FROM account WHERE name = 'j1'))")
t_eq "$closed" closed "March 2025 closed"

figures() {
	t_sql "$db" "SELECT string_agg(dim || ':' || code || '=' || n, ' '
		ORDER BY dim, code) FROM (SELECT dim, code, sum(n) AS n
		FROM rollup_live WHERE dim IN (0, 8) GROUP BY 1, 2) x"
	t_sql "$db" "SELECT string_agg(m || '=' || n, ' ' ORDER BY m)
		FROM (SELECT month AS m, sum(n) AS n FROM rollup_live
		WHERE dim = 0 GROUP BY 1) x"
}
before=$(figures)
published=$(t_sql "$db" "SELECT sum(n) FROM published_rollup WHERE dim = 9")
audits=$(t_sql "$db" "SELECT count(*) FROM audit")
fine=$(t_sql "$db" "SELECT count(*) FROM sheet WHERE
	extract(epoch FROM call_start)::bigint % 900 <> 0")
[ "$fine" -gt 50 ] || t_fail "the sheets start to the second ($fine)"

t_migrate "$db" 2>"$T_TMP/migrate.err" || t_fail "migrate: $(cat "$T_TMP/migrate.err")"
# the daemon folds every second: whatever the migration left pending
t_sql "$db" "SELECT rollup_fold()" >/dev/null

t_eq "$(figures)" "$before" "reports by month, weekday and hour unchanged"
t_eq "$(t_sql "$db" "SELECT count(*) FROM sheet WHERE
	extract(epoch FROM call_start)::bigint % 900 <> 0 OR duration_s % 300 <> 0
	OR extract(epoch FROM logged_at)::bigint % 900 <> 0")" 0 \
	"no start, logging time or duration finer than the rules"
t_eq "$(t_sql "$db" "SELECT count(DISTINCT record_key) FROM sheet")" 60 \
	"every sheet has a key of its own"
t_eq "$(t_sql "$db" "SELECT count(*) FROM
	(SELECT month, sum(k) AS k FROM rollup_live WHERE dim = 0 GROUP BY 1) r
	FULL JOIN (SELECT date_trunc('month', call_start AT TIME ZONE
		service_timezone())::date AS m, sum(record_key) AS k FROM sheet
		WHERE voided_at IS NULL GROUP BY 1) s ON s.m = r.month
	WHERE r.k IS DISTINCT FROM s.k")" 0 \
	"the rollup's key sums are the sheets'"
t_eq "$(t_sql "$db" "SELECT count(*) FROM audit, LATERAL (VALUES (old), (new)) v(j)
	WHERE extract(epoch FROM call_before)::bigint % 900 <> 0
	OR extract(epoch FROM call_after)::bigint % 900 <> 0
	OR (j ? 'call_start' AND extract(epoch FROM
		(j ->> 'call_start')::timestamptz)::bigint % 900 <> 0)
	OR (j ? 'duration_s' AND (j ->> 'duration_s')::int % 300 <> 0)")" 0 \
	"the audit trail coarsened too"
t_eq "$(t_sql "$db" "SELECT count(*) FROM audit")" "$audits" \
	"no sheet made to look late"
t_eq "$(t_sql "$db" "SELECT sum(n), count(*) FILTER (WHERE code % 300 <> 0)
	FROM published_rollup WHERE dim = 9")" "$published|0" \
	"published durations merged into 5-minute bands"
t_eq "$(t_sql "$db" "SELECT method, min_cell, max_noise, noise_variance
	FROM disclosure_min_cell ORDER BY role")" \
	"$(printf 'suppress|0|4|4\nsuppress|0|4|4\nperturb|3|4|4')" \
	"reporters perturb; admins and jurists keep exact figures"
t_note "ok"
