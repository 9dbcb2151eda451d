#!/usr/bin/env bash
# year_end.sh: the association's year-end, as it happens. Two jurists log
# calls of 2025, one of them through a daemon that goes away for a while
# (their sheets wait in the spool); the admin closes 2025 meanwhile; the
# late sheets arrive after the close, and the admin amends one sheet with
# a reason. The report of 2025 then shows the published figure next to the
# restated one, with the reasons; CSV, JSON and the annual report (text,
# md, html, json) say it too.
. "$CALLSHEET_TEST_LIB/testlib.sh"

db=$(t_fresh_db)
# The year is 2025 whatever the day the test runs: the late window
# (amend_window_days, the days after a call within which a jurist's late
# sheet is still taken into a closed period) is as wide as allowed, so
# that the late sheets arrive as they would in the first days of January.
late=(--amend-window-days 3650)
t_start_daemon "$db" "${late[@]}"
a=$CALLSHEET_SERVER
t_start_daemon "$db" "${late[@]}" # the second jurist's daemon, same database
b=$CALLSHEET_SERVER
b_pid=$T_DAEMON_PID
for u in j1:jurist j2:jurist boss:admin; do
	t_create_user "$db" "${u%%:*}" "${u#*:}" secret
done
export CALLSHEET_PASSWORD=secret
cli=$CALLSHEET_TEST_CLI

# log USER SERVER DAY DEPT [TOPIC]: a 2025 consultation
log() {
	CALLSHEET_USER=$1 CALLSHEET_SERVER=$2 "$cli" log \
		--start "2025-$3T10:15:00+01:00" --duration 9m --caller individual \
		--dept "$4" --topic "${5:-residence}"
}
as_boss() { CALLSHEET_USER=boss CALLSHEET_SERVER=$a "$cli" "$@"; }

# --- the year: both jurists log
for d in 01-06 02-10 03-17 05-12 06-23; do log j1 "$a" "$d" 75 >/dev/null; done
for d in 01-08 04-14 09-29; do log j2 "$b" "$d" 93 >/dev/null; done
id1=$(log j1 "$a" 11-04 94 family)

# --- j2's daemon goes away in December: the last calls wait in the spool
t_stop_daemon "$b_pid"
for d in 12-15 12-22; do
	rc=0
	log j2 "$b" "$d" 93 >/dev/null 2>"$T_TMP/off" || rc=$?
	t_eq "$rc" 75 "offline: the sheet waits (exit 75)"
done
grep -q '2 sheets wait' "$T_TMP/off" || t_fail "says what waits: $(cat "$T_TMP/off")"

# --- the year is closed with what the server has: 9 consultations
as_boss admin close-period --year 2025 >"$T_TMP/close" 2>&1 ||
	t_fail "close-period: $(cat "$T_TMP/close")"
t_eq "$(as_boss report --year 2025 --format csv | sed -n 2p)" "9,100.00" \
	"9 consultations published"

# --- back in January: the late sheets arrive, once
T_LISTEN=$b t_start_daemon "$db" "${late[@]}"
CALLSHEET_USER=boss t_wait_ready # its code tables loaded, as a user would wait
CALLSHEET_USER=j2 CALLSHEET_SERVER=$b "$cli" spool send 2>"$T_TMP/send" ||
	t_fail "spool send: $(cat "$T_TMP/send")"
grep -q 'delivered 2 earlier sheets' "$T_TMP/send" || t_fail "late sheets: $(cat "$T_TMP/send")"
t_eq "$(t_sql "$db" "SELECT count(*) FROM sheet")" 11 "eleven sheets stored"

# --- an admin's amend of a closed year, with its reason
as_boss amend "$id1" --dept 75 --reason "caller was from Paris" >/dev/null 2>"$T_TMP/amend" ||
	t_fail "amend: $(cat "$T_TMP/amend")"

# --- the report: published next to restated, with the reasons. The rollup
# folds late sheets within a second: wait for it, bounded.
restated() { as_boss report --year 2025 2>&1 | grep -q 'restated 11'; }
t_wait_for 30 restated
out=$(as_boss report --year 2025 2>&1)
[[ $out == *"published 9"* && $out == *"restated 11"* ]] ||
	t_fail "report --year 2025 shows published and restated: $out"
[[ $out == *"caller was from Paris"* ]] || t_fail "with the amend's reason: $out"
out=$(as_boss report --year 2025 --by department 2>&1)
[[ $out == *"published"* ]] || t_fail "by département: $out"
csv=$(as_boss report --year 2025 --format csv)
[[ $(head -n 1 <<<"$csv") == *published* ]] || t_fail "CSV has a published column: $csv"
json=$(as_boss report --year 2025 --format json)
python3 - "$json" <<'PY' || t_fail "JSON restatements: $json"
import json, sys
r = json.loads(sys.argv[1])
rs = r["restatements"]
assert rs, "no restatements"
assert any("Paris" in json.dumps(x) for x in rs), rs
PY

# --- the annual report (all formats) shows them too (issue 15 item 5)
for f in text md html json; do
	out=$(as_boss report annual --year 2025 --format "$f" 2>&1) ||
		t_fail "report annual --format $f: $out"
	grep -qi 'published' <<<"$out" && grep -qi 'restat' <<<"$out" &&
		[[ $out == *9* && $out == *11* && $out == *"caller was from Paris"* ]] ||
		t_fail "report annual --format $f: published 9, restated 11 and the reason: $out"
done
echo "1 passed, 0 failed"
