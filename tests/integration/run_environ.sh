#!/usr/bin/env bash
# tests/integration/run_environ.sh: the daemon scripts/run starts does not
# keep the first accounts' passwords in its environment (issue 11, 5: they
# stayed readable in /proc/PID/environ for the daemon's whole life). It
# needs scripts/run's own Release build (build/, made by running
# scripts/run once) and no scripts/run already serving this checkout:
# otherwise it says why and is skipped (exit 77).
. "$CALLSHEET_TEST_LIB/testlib.sh"

: "${CALLSHEET_TEST_SOURCE:?run me through ctest}"
root=$CALLSHEET_TEST_SOURCE
if [ ! -x "$root/build/daemon/callsheetd" ]; then
	t_note "skipped: no $root/build (run scripts/run once to build it)"
	exit 77
fi
if pgrep -f "^$root/build/daemon/callsheetd" >/dev/null; then
	t_note "skipped: scripts/run seems to be serving this checkout already"
	exit 77
fi

db=$(t_fresh_db)
log=$T_TMP/run.log
CALLSHEET_PG=$db CALLSHEET_LISTEN=127.0.0.1:0 \
	CALLSHEET_ADMIN_PASSWORD=admin-secret-4f7a CALLSHEET_JURIST_PASSWORD=jurist-secret-9c2e \
	setsid bash "$root/scripts/run" >"$log" 2>&1 &
run_pid=$!
stop_run() { kill -TERM "$run_pid" 2>/dev/null || true; wait "$run_pid" 2>/dev/null || true; }
trap 'rc=$?; stop_run; (exit $rc); _t_cleanup' EXIT

serving() { grep -q "callsheetd is serving" "$log"; }
t_wait_for 300 serving || t_fail "scripts/run did not start: $(tail -n 5 "$log")"
pid=$(pgrep -f -P "$run_pid" "build/daemon/callsheetd" | head -n 1)
[ -n "$pid" ] || t_fail "no callsheetd under scripts/run"
env_text=$(tr '\0' '\n' <"/proc/$pid/environ")
case $env_text in
*secret-4f7a* | *secret-9c2e* | *CALLSHEET_ADMIN_PASSWORD* | *CALLSHEET_JURIST_PASSWORD*)
	t_fail "the daemon's environment holds a first-account password" ;;
esac
[ "$(t_sql "$db" "SELECT count(*) FROM account WHERE name IN ('admin', 'jurist1')")" = 2 ] ||
	t_fail "the two accounts were not created"
echo "run_environ: 2 passed, 0 failed"
