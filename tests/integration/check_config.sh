#!/usr/bin/env bash
# tests/integration/check_config.sh: callsheetd --check-config says
# "configuration ok" and exits 0 for a good configuration, and for a bad
# one exits 2 with one line naming the file, the line, the setting and
# what is allowed; it starts nothing either way.
. "$CALLSHEET_TEST_LIB/testlib.sh"

: "${CALLSHEET_TEST_SOURCE:?run me through ctest}"
d=$CALLSHEET_TEST_DAEMON
conf=$T_TMP/callsheetd.conf
checks=0

# expect_bad NEEDLE CONFIG-LINE...: exit 2, stderr contains NEEDLE.
expect_bad() {
	local needle=$1 rc=0 err
	shift
	printf '%s\n' "$@" >"$conf"
	err=$("$d" -c "$conf" --check-config 2>&1 >/dev/null) || rc=$?
	t_eq "$rc" 2 "exit status for: $*"
	case $err in
	*"$needle"*) ;;
	*) t_fail "for '$*': the error '$err' does not say '$needle'" ;;
	esac
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || t_fail "more than one line: $err"
	checks=$((checks + 1))
}

# The example shipped in packaging/ is good.
t_eq "$("$d" -c "$CALLSHEET_TEST_SOURCE/packaging/callsheetd.conf" --check-config)" \
	"configuration ok" "the packaged example configuration"
printf 'listen = 127.0.0.1:7420\nlisten = [::1]:7420\npg = host=/run/postgresql,db2 port=5432,5432 target_session_attrs=read-write\n' >"$conf"
t_eq "$("$d" -c "$conf" --check-config)" "configuration ok" "a good configuration"

expect_bad "$conf:2: max_in_flight: 'lots' is not a whole number from 1 to 4096" \
	'# limits' 'max_in_flight = lots'
expect_bad "max_frame: '10' is not a whole number from 64 to 16777216" 'max_frame = 10'
expect_bad "unknown setting 'max_inflight'" 'max_inflight = 3'
expect_bad "$conf:1: expected 'name = value'" 'listen 127.0.0.1:7420'
expect_bad "log_level: 'loud' is not debug, info, warn or error" 'log_level = loud'
expect_bad "allow_plaintext: 'maybe' is not true or false" 'allow_plaintext = maybe'
expect_bad "listen: 'localhost:7420' is not a numeric ADDRESS:PORT" 'listen = localhost:7420'
expect_bad "listen: '127.0.0.1:99999' is not a numeric ADDRESS:PORT" 'listen = 127.0.0.1:99999'
expect_bad "pg: 'host='db1' is not a libpq connection string" "pg = host='db1"
expect_bad "pg: 'dbname=x bogus=1' is not a libpq connection string: invalid connection option \"bogus\"" \
	'pg = dbname=x bogus=1'
expect_bad "unknown setting 'timezone'" 'timezone = Europe/Paris'
rc=0
err=$("$d" -c /nonexistent/callsheetd.conf --check-config 2>&1) || rc=$?
t_eq "$rc" 2 "a missing file"
case $err in *"/nonexistent/callsheetd.conf: No such file or directory"*) ;; *) t_fail "missing file: $err" ;; esac

# The command line is checked too, over the file.
rc=0
err=$("$d" -c "$CALLSHEET_TEST_SOURCE/packaging/callsheetd.conf" --listen 0.0.0.0:x --check-config 2>&1) || rc=$?
t_eq "$rc" 2 "a bad --listen"
case $err in *"'0.0.0.0:x' is not a numeric ADDRESS:PORT"*) ;; *) t_fail "bad --listen: $err" ;; esac
echo "check_config: $((checks + 5)) passed, 0 failed"
