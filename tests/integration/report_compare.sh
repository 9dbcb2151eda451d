#!/usr/bin/env bash
# report_compare.sh: `report --compare` in every format when rows have no
# change percentage: an empty previous period (a fresh install), a partial
# one (keys new this year, keys gone), and hidden counts (a reporter under
# disclosure control). Each must print, never crash, never "(null)".
. "$CALLSHEET_TEST_LIB/testlib.sh"

db=$(t_fresh_db)
t_start_daemon "$db"
t_create_user "$db" j1 jurist secret
t_create_user "$db" admin admin secret
t_create_user "$db" rep reporter secret
export CALLSHEET_PASSWORD=secret
cli=$CALLSHEET_TEST_CLI

log() {
	CALLSHEET_USER=${LOG_USER:-j1} "$cli" log --start "$1T10:15:00+01:00" --duration 7m \
		--caller individual --dept 75 --topic "$2" >/dev/null
}

# compare USER ARGS...: every format; each must exit 0 and print no (null)
compare() {
	local user=$1 f out
	shift
	for f in table csv json; do
		out=$(CALLSHEET_USER=$user "$cli" report "$@" --compare \
			--format "$f" 2>"$T_TMP/err") ||
			t_fail "report $* --compare --format $f as $user: exit $?: $(cat "$T_TMP/err")"
		[[ $out != *"(null)"* ]] || t_fail "(null) in $f: $out"
		[ "$f" != json ] || printf '%s\n' "$out" | python3 -m json.tool >/dev/null ||
			t_fail "not JSON: $out"
		printf '%s\n' "$out" >"$T_TMP/$f.out"
	done
}

# The year before is empty: no change percentage anywhere.
log 2025-03-04 residence
log 2025-03-05 residence
log 2025-03-06 work
compare admin --year 2025 --by topic
compare admin --year 2025
t_eq "$(sed -n 2p "$T_TMP/csv.out")" "3,,0,,+3," "total against an empty year"
grep -q '"change_percent":null' "$T_TMP/json.out" || t_fail "json: $(cat "$T_TMP/json.out")"

# Partial: residence in both years, work new, family gone.
log 2024-05-01 residence
log 2024-05-02 family
compare admin --year 2025 --by topic
grep -qx 'work,1,33.33,0,0.00,+1,' "$T_TMP/csv.out" || t_fail "a new key: $(cat "$T_TMP/csv.out")"
grep -qx 'family,0,0.00,1,50.00,-1,-100.00' "$T_TMP/csv.out" ||
	t_fail "a key gone: $(cat "$T_TMP/csv.out")"
grep -q 'Residence permits.*+100.0' "$T_TMP/table.out" || t_fail "table: $(cat "$T_TMP/table.out")"
compare admin --month 2025-03 --by topic

# The year not over: year to date against the same days a year before.
y=$(date +%Y) tomorrow=$(date -d tomorrow +%F)
if [ "${tomorrow%%-*}" = "$y" ] && [ "${tomorrow#*-}" != 02-29 ]; then
	json=$(CALLSHEET_USER=admin "$cli" report --year "$y" --compare --format json 2>"$T_TMP/ytd")
	grep -q 'year to date' "$T_TMP/ytd" || t_fail "says year to date: $(cat "$T_TMP/ytd")"
	python3 - "$json" "$y" "$tomorrow" <<'PY' || t_fail "year to date: $json"
import json, sys
r, y, tomorrow = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
assert r["period"] == {"from": "%d-01-01" % y, "to": tomorrow}, r["period"]
assert r["previous_period"] == {"from": "%d-01-01" % (y - 1),
                                "to": "%d%s" % (y - 1, tomorrow[4:])}, r
PY
fi

# A reporter, under disclosure control: counts hidden or perturbed, some
# with no change percentage.
CALLSHEET_USER=admin "$cli" admin min-cell --role reporter 2 >/dev/null
# reporters read closed periods only: both years of the comparison
for y in 2024 2025; do
	CALLSHEET_USER=admin "$cli" admin close-period --year $y >/dev/null ||
		t_fail "close $y"
done
compare rep --year 2025 --by topic
# (hidden as s, or perturbed: whatever disclosure control does, the
# output says so)
grep -Eq 'hidden|perturbed' "$T_TMP/table.out" ||
	t_fail "disclosure control is said: $(cat "$T_TMP/table.out")"
compare rep --year 2025
# Weekdays (and months, hours) in calendar order, not by count: Friday
# has two calls, Tuesday to Thursday one each. 2025 is closed now: an
# administrator logs them (a jurist may not back-date a call into it).
LOG_USER=admin log 2025-03-07 entry
LOG_USER=admin log 2025-03-07 entry
t_eq "$(CALLSHEET_USER=admin "$cli" report --year 2025 --by weekday --format csv |
	cut -d, -f1 | tr '\n' ' ')" "weekday 2 3 4 5 " "weekdays in calendar order"
echo "1 passed, 0 failed"
