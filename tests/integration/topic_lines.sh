#!/usr/bin/env bash
# topic_lines.sh: a sheet holding both a retired topic and its successor
# counts once under the successor (issue 15): grouped by topic and
# filtered, from the rollup, from the sheets (a period of days, and a
# daemon without the rollup), in the published figures of a closed year a
# reporter reads, and with no restatement made by the retirement itself.
. "$CALLSHEET_TEST_LIB/testlib.sh"

db=$(t_fresh_db)
t_start_daemon "$db"
a=$CALLSHEET_SERVER
t_start_daemon "$db" --use-rollup false
b=$CALLSHEET_SERVER
for u in j:jurist boss:admin rep:reporter; do
	t_create_user "$db" "${u%%:*}" "${u#*:}" secret
done
export CALLSHEET_PASSWORD=secret
cli=$CALLSHEET_TEST_CLI
as() { CALLSHEET_USER=$1 CALLSHEET_SERVER=${2:-$a} "$cli" "${@:3}"; }

# log TOPICS: a consultation of March 2025
log() {
	as j "$a" log --start 2025-03-10T10:15:00+01:00 --duration 9m \
		--caller individual --dept 75 --topic "$1" >/dev/null
}
log work,residence # both: the sheet of the defect
log residence
log work
log family

# row CODE SERVER ARGS...: the count of CODE's row in a report by topic
row() {
	local code=$1 server=$2
	shift 2
	as boss "$server" report --by topic --format csv "$@" |
		awk -F, -v c="$code" '$1 == c { print $2 }'
}
# total SERVER ARGS...: the count of a report without --by
total() {
	local server=$1
	shift
	as boss "$server" report --format csv "$@" | sed -n 2p | cut -d, -f1
}

t_eq "$(row work "$a" --year 2025)" 2 "before: work 2"
t_eq "$(row residence "$a" --year 2025)" 2 "before: residence 2"

as boss "$a" admin close-period --year 2025 >/dev/null
as boss "$a" admin taxonomy retire topic work --successor residence >/dev/null
as boss "$a" admin min-cell --role reporter 1 --method suppress >/dev/null
t_wait_for 30 test "$(row work "$a" --year 2025)" = ""

# the rollup (whole months), the sheets (days), a daemon without rollup
for server in "$a" "$b"; do
	for period in "--year 2025" "--from 2025-03-02 --to 2025-03-30"; do
		# shellcheck disable=SC2086 # the period's words
		t_eq "$(row residence "$server" $period)" 3 \
			"by topic ($server, $period): a sheet of work and residence counts once"
		# shellcheck disable=SC2086
		t_eq "$(row family "$server" $period)" 1 "family ($server, $period)"
		for code in residence work; do
			# shellcheck disable=SC2086
			t_eq "$(total "$server" $period --where topic=$code)" 3 \
				"--where topic=$code ($server, $period)"
			# shellcheck disable=SC2086
			t_eq "$(row residence "$server" $period --where topic=$code)" 3 \
				"by topic, --where topic=$code ($server, $period)"
		done
	done
done

# the published figures of 2025 (a reporter reads nothing else), and no
# restatement: the retirement changed no sheet
out=$(as rep "$a" report --year 2025 --by topic --format csv)
t_eq "$(awk -F, '$1 == "residence" { print $2 }' <<<"$out")" 3 \
	"published, by topic: residence 3 ($out)"
out=$(as boss "$a" report --year 2025 --by topic 2>&1)
[[ $out != *published* && $out != *restated* ]] ||
	t_fail "a retirement is no restatement: $out"
echo "1 passed, 0 failed"
