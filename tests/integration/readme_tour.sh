#!/usr/bin/env bash
# readme_tour.sh: the README's tour, as a test. Every ```sh block of
# README.md is extracted mechanically, in order, and run as one script
# against fresh daemons; every command must succeed, so a README that lies
# fails CI. What the test changes, and only that:
# - the server addresses: 127.0.0.1:7420 is a fresh daemon started here,
#   other:7420 ("another database") a second one on a database of its own;
# - the passwords: every account has the same one, in CALLSHEET_PASSWORD
#   (the README says it may be set instead of typed);
# - `scripts/run` stands for the daemons and accounts started here (it
#   creates jurist1 and admin), `scripts/test` for the suite this test is
#   part of: those two lines become no-ops;
# - `build/client/callsheet` is the command under test (a symlink in a
#   scratch folder the script runs in), except that `watch`, which runs
#   until Ctrl-C, gets Ctrl-C after 3 seconds and must have printed;
# - standard input carries the answers of the one interactive command,
#   `callsheet new` (one line per answer, as the README says it reads).
. "$CALLSHEET_TEST_LIB/testlib.sh"

readme=$(dirname "$CALLSHEET_TEST_LIB")/../README.md
[ -f "$readme" ] || t_fail "no README.md at $readme"

accounts() {
	t_create_user "$1" jurist1 jurist secret
	t_create_user "$1" admin admin secret
}
db_b=$(t_fresh_db t_readme_tour_other)
t_start_daemon "$db_b"
accounts "$db_b"
other=$CALLSHEET_SERVER
db=$(t_fresh_db)
t_start_daemon "$db"
accounts "$db"
export CALLSHEET_PASSWORD=secret

work=$T_TMP/tour
mkdir -p "$work/build/client"
cat >"$work/build/client/callsheet" <<WRAP
#!/usr/bin/env bash
if [ "\${1-}" = watch ]; then
	rc=0
	timeout -s INT 3 "$CALLSHEET_TEST_CLI" "\$@" >"$T_TMP/watch.out" || rc=\$?
	cat "$T_TMP/watch.out"
	[ "\$rc" -eq 124 ] && [ -s "$T_TMP/watch.out" ] && exit 0
	echo "watch: exit \$rc before Ctrl-C, or printed nothing" >&2
	exit 1
fi
exec "$CALLSHEET_TEST_CLI" "\$@"
WRAP
chmod +x "$work/build/client/callsheet"

# The blocks, in order; each command echoed before it runs (set -x).
{
	printf 'set -euo pipefail -x\n'
	awk '/^```sh[[:space:]]*$/ { inside = 1; next }
	     /^```/ { inside = 0; next }
	     inside' "$readme" |
		sed -e "s/127\.0\.0\.1:7420/$CALLSHEET_SERVER/g" \
			-e "s/other:7420/$other/g" \
			-e 's|^scripts/run\b.*|: scripts/run: the daemons started by the test|' \
			-e 's|^scripts/test\b.*|: scripts/test: the suite this test is part of|'
} >"$T_TMP/tour.sh"
n=$(grep -c 'build/client/callsheet' "$T_TMP/tour.sh")
[ "$n" -ge 10 ] || t_fail "only $n commands found in the README's sh blocks"

# a consultation for `callsheet new`: individual, Paris, woman, Maghreb,
# residence, Enter to log it
rc=0
(cd "$work" && printf '1\n75\n2\n2\n2\n\n' |
	bash "$T_TMP/tour.sh") >"$T_TMP/tour.out" 2>"$T_TMP/tour.err" || rc=$?
if [ "$rc" -ne 0 ]; then
	tail -n 30 "$T_TMP/tour.err" >&2
	t_fail "the README's tour failed (exit $rc) at the last command above"
fi
t_note "$n commands of the README ran"
[ -s "$work/2026.html" ] || t_fail "report annual wrote no 2026.html"
[ "$(t_sql "$db_b" "SELECT count(*) FROM sheet")" -gt 0 ] ||
	t_fail "the export imported nothing into the other database"
echo "1 passed, 0 failed"
