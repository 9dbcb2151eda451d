#!/usr/bin/env bash
# tests/integration/backup_restore.sh: the backup procedures of
# docs/OPERATIONS.md, done. Packaged: pg_dump -Fc of a database with sheets
# and accounts, pg_restore into a new one, `callsheetd --migrate` over it,
# and a daemon on the restored database serves the same sheets to the same
# accounts. The scripts/run setup: scripts/backup and scripts/restore on a
# private cluster laid out as scripts/run lays out its own (var/pg,
# superuser and database callsheet, made with the same scripts/lib.sh
# functions): the dump is mode 0600, a restore brings the database back to
# the dump and keeps the one it replaced; and the systemd units of that
# setup verify.
. "$CALLSHEET_TEST_LIB/testlib.sh"
# shellcheck source=../../scripts/lib.sh
. "$CALLSHEET_TEST_SOURCE/scripts/lib.sh"
pg_bin

db=$(t_fresh_db t_backup)
t_start_daemon "$db"
t_create_user "$db" jurist1 jurist secret
export CALLSHEET_USER=jurist1 CALLSHEET_PASSWORD=secret
for dept in 75 93 94 2A 971; do
	"$CALLSHEET_TEST_CLI" log --caller individual --dept "$dept" \
		--household woman --origin africa --topic residence >/dev/null
done
year=$(date +%Y)
total() {
	"$CALLSHEET_TEST_CLI" report --from "$((year - 1))-01-01" \
		--to "$((year + 1))-12-31" --format json |
		sed -n 's/.*"total":\([0-9]*\).*/\1/p'
}
t_eq "$(total)" 5 "sheets before the backup"

"$CS_PG_BIN/pg_dump" -Fc -d "$db" -f "$T_TMP/callsheet.dump"
restored=$(t_fresh_db t_backup_restored)
"$CS_PG_BIN/pg_restore" --no-owner -d "$restored" "$T_TMP/callsheet.dump"
t_stop_daemon "$T_DAEMON_PID"

# migrations after a restore: nothing to apply, the dump has them all
"$CALLSHEET_TEST_DAEMON" --pg "$restored" --migrate --no-serve 2>"$T_TMP/migrate.log"
grep -q "0 applied now" "$T_TMP/migrate.log" || t_fail "migrate after restore: $(cat "$T_TMP/migrate.log")"
t_start_daemon "$restored"
t_eq "$(total)" 5 "sheets served from the restored database, same account"
t_stop_daemon "$T_DAEMON_PID"

# ------------------------------------------------- the scripts/run setup
src=$CALLSHEET_TEST_SOURCE

# the cluster's OS user must reach var/, as in scripts/run
var=$(mktemp -d /tmp/callsheet-var.XXXXXX)
chmod 0755 "$var"
export CALLSHEET_VAR=$var
if is_root; then
	osuser=${CALLSHEET_PG_OS_USER:-callsheet}
	ensure_system_user "$osuser"
else
	osuser=$(id -un)
fi
trap 'rc=$?; pg_stop "$var/pg" "$osuser" >/dev/null 2>&1 || true; rm -rf -- "$var"; (exit $rc); _t_cleanup' EXIT
pg_init "$var/pg" "$osuser" callsheet
pg_start "$var/pg" "$osuser"
pg_ensure_db "$var/pg" callsheet callsheet
conninfo=$(pg_conninfo "$var/pg" callsheet callsheet)

t_start_daemon "$conninfo"
t_create_user "$conninfo" jurist1 jurist secret
log_n() {
	for ((i = 0; i < $1; i++)); do
		"$CALLSHEET_TEST_CLI" log --caller individual --dept 75 \
			--household woman --origin africa --topic residence >/dev/null
	done
}
log_n 3

bash "$src/scripts/backup" >"$T_TMP/out" 2>&1 || t_fail "backup: $(cat "$T_TMP/out")"
dump=$(tail -n 1 "$T_TMP/out")
case $dump in "$var"/backups/callsheet-*.dump) ;; *) t_fail "backup's file: $dump" ;; esac
t_eq "$(stat -c %a "$dump")" 600 "the dump's mode"
t_eq "$(stat -c %a "$var/backups")" 700 "the backups folder's mode"
[ ! -e "$dump.partial" ] || t_fail "a partial dump left behind"

log_n 2
t_eq "$(total)" 5 "sheets after the backup"
bash "$src/scripts/restore" "$dump" >"$T_TMP/out" 2>&1 && t_fail "restore while PostgreSQL runs"
grep -q "stop scripts/run first" "$T_TMP/out" || t_fail "restore refused: $(cat "$T_TMP/out")"

# what Ctrl-C on scripts/run does: the daemon, then PostgreSQL
t_stop_daemon "$T_DAEMON_PID"
pg_stop "$var/pg" "$osuser"
printf 'not a dump\n' >"$T_TMP/bad.dump"
bash "$src/scripts/restore" "$T_TMP/bad.dump" >"$T_TMP/out" 2>&1 && t_fail "restore of a bad file"
bash "$src/scripts/restore" "$dump" >"$T_TMP/out" 2>&1 || t_fail "restore: $(cat "$T_TMP/out")"
grep -q "previous database is kept as callsheet_before_" "$T_TMP/out" || t_fail "restore says: $(cat "$T_TMP/out")"
pg_is_running "$var/pg" "$osuser" && t_fail "restore leaves PostgreSQL stopped, as it found it"

# scripts/run again: the cluster, --migrate, the daemon
pg_start "$var/pg" "$osuser"
t_start_daemon "$conninfo"
t_eq "$(total)" 3 "the restored database has the sheets of the dump"
kept=$(pg_psql "$var/pg" callsheet postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'callsheet_before_%'")
t_eq "$(pg_psql "$var/pg" callsheet "$kept" -c "SELECT count(*) FROM sheet")" 5 "the replaced database is kept"
t_stop_daemon "$T_DAEMON_PID"

# the units that run this setup under systemd, pointed at this checkout
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$T_TMP/units"
	for u in callsheet-run.service callsheet-backup.service callsheet-backup.timer; do
		sed "s#/srv/callsheet#$src#g; s#^User=callsheet#User=root#; s#^Group=callsheet#Group=root#" \
			"$src/packaging/$u" >"$T_TMP/units/$u"
	done
	out=$(cd "$T_TMP/units" && systemd-analyze verify callsheet-run.service \
		callsheet-backup.service callsheet-backup.timer 2>&1) ||
		t_fail "systemd-analyze verify: $out"
	[ -z "$out" ] || t_fail "systemd-analyze verify: $out"
	grep -qx 'ExecStart=/srv/callsheet/scripts/backup' "$src/packaging/callsheet-backup.service" ||
		t_fail "the backup unit runs scripts/backup"
else
	t_note "systemd-analyze not installed: units not verified"
fi
echo "backup_restore: ok"
