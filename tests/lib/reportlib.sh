# shellcheck shell=bash
# tests/lib/reportlib.sh: what the report tests share: a fresh database with
# a running daemon, the accounts the generated dataset uses (password
# "secret"), and psql for loading it (tests/integration/reportdata.py).
#
#   . "$CALLSHEET_TEST_LIB/reportlib.sh"
#   r_setup                # exports CALLSHEET_TEST_DB, CALLSHEET_TEST_PSQL
#   r_python report_annual.py

# shellcheck source=testlib.sh
. "$CALLSHEET_TEST_LIB/testlib.sh"

r_setup() {
	local u
	CALLSHEET_TEST_DB=$(t_fresh_db)
	export CALLSHEET_TEST_DB
	t_start_daemon "$CALLSHEET_TEST_DB"
	for u in admin:admin j1:jurist j2:jurist rep:reporter; do
		t_create_user "$CALLSHEET_TEST_DB" "${u%%:*}" "${u#*:}" secret
	done
	CALLSHEET_TEST_PSQL=$(_r_psql)
	export CALLSHEET_TEST_PSQL
}

# psql of the PostgreSQL installation the fixture runs.
_r_psql() {
	(
		# shellcheck source=../../scripts/lib.sh
		. "$(dirname "$CALLSHEET_TEST_PGFIXTURE")/../../scripts/lib.sh"
		pg_bin
		printf '%s\n' "$CS_PG_BIN/psql"
	)
}

# r_python SCRIPT [ARG...]: a Python test of tests/integration; its exit
# status is the test's (77: skipped).
r_python() {
	local script=$1 rc=0
	shift
	PYTHONDONTWRITEBYTECODE=1 python3 "$(dirname "$CALLSHEET_TEST_LIB")/integration/$script" "$@" || rc=$?
	return "$rc"
}
