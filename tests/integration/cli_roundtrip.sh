#!/usr/bin/env bash
# cli_roundtrip.sh: what a new user does with the command line: log calls,
# report the year by département as CSV; and what the spool guarantees
# when the server is away: the sheet waits, then arrives exactly once.
. "$CALLSHEET_TEST_LIB/testlib.sh"

db=$(t_fresh_db)
t_start_daemon "$db"
t_create_user "$db" jurist1 jurist secret
export CALLSHEET_USER=jurist1 CALLSHEET_PASSWORD=secret
cli=$CALLSHEET_TEST_CLI
year=2025

log() { "$cli" log --start "$year-03-04T10:15:00+01:00" --duration 7m "$@"; }

id1=$(log --caller individual --dept 75 --household woman --origin africa \
	--topic residence)
[[ $id1 =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] ||
	t_fail "log prints the sheet id, got [$id1]"
log --caller professional --dept 93 --pro-kind public_body \
	--pro-sector local_social_services --topic entry --topic family >/dev/null
log --caller individual --dept 75 --household couple --origin maghreb \
	--topic asylum >/dev/null
log --call-type silent >/dev/null

csv=$("$cli" report --year "$year" --by department --format csv)
t_eq "$csv" "department,count,percent
75,2,66.67
93,1,33.33" "report --by department --format csv"
t_eq "$("$cli" report --year "$year" --where call_type=silent --format csv)" \
	"count,percent
1,100.00" "non-consultations are reported apart"

# A bad code: a one-line error naming the field, non-zero, nothing stored.
if err=$(log --caller individual --dept 9Z --topic entry 2>&1); then
	t_fail "an unknown département was accepted"
fi
[[ $err == *department* && $err == *9Z* ]] ||
	t_fail "the error names the field and the value: [$err]"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || t_fail "one line: [$err]"

# The server goes away: the sheet stays in the spool (exit 75)...
t_stop_daemon "$T_DAEMON_PID"
status=0
pending=$(log --caller individual --dept 94 --household man \
	--origin asia --topic work 2>"$T_TMP/err") || status=$?
t_eq "$status" 75 "log exits 75 (try again later) without a server"
grep -q "kept in the spool" "$T_TMP/err" || t_fail "says the sheet is kept: $(cat "$T_TMP/err")"
t_eq "$(find "$CALLSHEET_SPOOL_DIR" -name '*.sheet' | wc -l)" 1 "one sheet spooled"

# ...and the next run, once the server is back where it was, delivers it.
T_LISTEN=$CALLSHEET_SERVER t_start_daemon "$db"
t_wait_ready
log --caller individual --dept 94 --household woman --origin asia \
	--topic work >/dev/null 2>"$T_TMP/err2" || t_fail "$(cat "$T_TMP/err2")"
t_eq "$(find "$CALLSHEET_SPOOL_DIR" -name '*.sheet' | wc -l)" 0 "spool drained"
t_eq "$("$cli" report --year "$year" --where department=94 --format csv)" \
	"count,percent
2,100.00" "the spooled sheet arrived, once, with the new one"
t_eq "$(psql -Atq "$db" -c "SELECT count(*) FROM sheet")" 6 "six sheets stored"
[ -z "$pending" ] || t_note "the spooled run printed [$pending]"
echo "1 passed, 0 failed"
