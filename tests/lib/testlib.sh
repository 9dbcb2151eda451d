# shellcheck shell=bash
# tests/lib/testlib.sh: helpers for the shell tests (tests/*/*.sh), which
# ctest runs with bash and the environment of tests/CMakeLists.txt.
#
#   . "$CALLSHEET_TEST_LIB/testlib.sh"
#   db=$(t_fresh_db)                      # a database of this test's own
#   t_start_daemon "$db"                  # migrated, on an ephemeral port
#   t_create_user "$db" jurist1 jurist secret
#   CALLSHEET_USER=jurist1 CALLSHEET_PASSWORD=secret "$CALLSHEET_TEST_CLI" log ...
#   t_sql "$db" "SELECT count(*) FROM sheet"
#
# Everything started here is stopped when the test exits; a daemon that
# does not exit 0 on SIGTERM fails the test.
set -euo pipefail

: "${CALLSHEET_TEST_PGDIR:?run me through ctest}"
: "${CALLSHEET_TEST_PGFIXTURE:?run me through ctest}"
: "${CALLSHEET_TEST_DAEMON:?run me through ctest}"
: "${CALLSHEET_TEST_CLI:?run me through ctest}"

t_name=$(basename "$0" .sh)
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/callsheet-test.XXXXXX")
export CALLSHEET_SPOOL_DIR=$T_TMP/spool
export CALLSHEET_STATE_DIR=$T_TMP/state
# English messages unless a test asks for French (LANG=fr_FR.UTF-8 ...).
export LANG=C.UTF-8
unset LC_ALL LC_MESSAGES LANGUAGE
t_daemon_pids=()

t_note() { printf '%s: %s\n' "$t_name" "$*" >&2; }
t_fail() { printf '%s: FAIL: %s\n' "$t_name" "$*" >&2; exit 1; }

# t_eq GOT WANT WHAT: fail unless GOT equals WANT.
t_eq() {
	[ "$1" = "$2" ] || t_fail "$3: got [$1], want [$2]"
}

# t_wait_for SECONDS CMD...: poll CMD until it succeeds; fail at the deadline.
t_wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || t_fail "timed out waiting for: $*"
		sleep 0.05
	done
}

# t_fresh_db [NAME]: (re)create a database in the shared cluster; prints its
# conninfo. NAME defaults to one derived from the test's name.
t_fresh_db() {
	local name=${1:-t_$(printf '%s' "$t_name" | tr -c 'a-z0-9_' '_')}
	bash "$CALLSHEET_TEST_PGFIXTURE" createdb "$CALLSHEET_TEST_PGDIR" "$name"
}

# t_migrate CONNINFO: apply the schema.
t_migrate() {
	"$CALLSHEET_TEST_DAEMON" --pg "$1" --migrate --no-serve
}

# t_sql CONNINFO SQL: one query's rows, unaligned, '|' between columns.
t_sql() {
	psql -X -q -v ON_ERROR_STOP=1 -tA -d "$1" -c "$2"
}

# t_sheet CONNINFO ID: the stored sheet, codes instead of ids:
# call_type|department|caller|pro_kind|pro_sector|household|origin|topics
t_sheet() {
	t_sql "$1" "SELECT ct.code, coalesce(d.code, ''), coalesce(c.code, ''),
		coalesce(pk.code, ''), coalesce(ps.code, ''),
		coalesce(h.code, ''), coalesce(o.code, ''),
		coalesce((SELECT string_agg(t.code, ',' ORDER BY t.topic_bit)
			FROM taxonomy t WHERE t.topic_bit IS NOT NULL
			AND (s.topics >> t.topic_bit) & 1 = 1), '')
		FROM sheet s JOIN taxonomy ct ON ct.id = s.call_type
		LEFT JOIN taxonomy d ON d.id = s.department
		LEFT JOIN taxonomy c ON c.id = s.caller
		LEFT JOIN taxonomy pk ON pk.id = s.pro_kind
		LEFT JOIN taxonomy ps ON ps.id = s.pro_sector
		LEFT JOIN taxonomy h ON h.id = s.household
		LEFT JOIN taxonomy o ON o.id = s.origin
		WHERE s.id = '$2'"
}

# t_create_user CONNINFO NAME ROLE PASSWORD
t_create_user() {
	printf '%s\n' "$4" |
		"$CALLSHEET_TEST_DAEMON" --pg "$1" --create-user "$2" --role "$3"
}

# t_start_daemon CONNINFO [ARG...]: migrate, then start callsheetd on
# $T_LISTEN (default 127.0.0.1:0, an ephemeral port; set it to restart a
# daemon where its clients expect it); exports CALLSHEET_SERVER and sets
# T_DAEMON_PID. Its log goes to $T_TMP/callsheetd.N.log, printed if the
# test fails.
t_start_daemon() {
	local pg=$1 n=${#t_daemon_pids[@]} portfile
	shift
	t_migrate "$pg"
	portfile=$T_TMP/port.$n
	"$CALLSHEET_TEST_DAEMON" --pg "$pg" --listen "${T_LISTEN:-127.0.0.1:0}" \
		--port-file "$portfile" --log-level debug "$@" \
		2>"$T_TMP/callsheetd.$n.log" &
	T_DAEMON_PID=$!
	t_daemon_pids+=("$T_DAEMON_PID")
	t_wait_for 30 _t_listening "$portfile" "$T_DAEMON_PID"
	CALLSHEET_SERVER=127.0.0.1:$(cat "$portfile")
	export CALLSHEET_SERVER
}
_t_listening() {
	kill -0 "$2" 2>/dev/null || t_fail "callsheetd exited before listening"
	[ -s "$1" ]
}

# t_wait_ready: until the daemon answers a report as $CALLSHEET_USER (it
# has reached PostgreSQL): for a command that must not find it starting.
t_wait_ready() {
	t_wait_for 30 _t_ready
}
_t_ready() {
	"$CALLSHEET_TEST_CLI" report --year 2000 --format csv >/dev/null 2>&1
}

# t_stop_daemon PID: SIGTERM; it must exit 0 within 30 s (else: kill, fail).
t_stop_daemon() {
	_t_stop "$1" || t_fail "callsheetd did not exit 0 within 30 s of SIGTERM"
}
_t_stop() {
	local pid=$1 rc=0 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 600; i++)); do
		_t_gone "$pid" && break
		sleep 0.05
	done
	_t_gone "$pid" || { kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; return 1; }
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] || t_note "callsheetd exited $rc on SIGTERM"
	return "$rc"
}
_t_gone() { ! kill -0 "$1" 2>/dev/null; }

_t_cleanup() {
	local rc=$? pid f
	trap - EXIT
	for pid in "${t_daemon_pids[@]}"; do
		_t_stop "$pid" || rc=1
	done
	if [ "$rc" -ne 0 ]; then
		for f in "$T_TMP"/callsheetd.*.log; do
			[ -f "$f" ] || continue
			printf -- '--- %s\n' "$f" >&2
			tail -n 50 "$f" >&2
		done
	fi
	rm -rf -- "$T_TMP"
	exit "$rc"
}
trap _t_cleanup EXIT
