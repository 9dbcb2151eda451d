#!/usr/bin/env bash
# tests/integration/backup_restore.sh: the backup procedure of
# docs/OPERATIONS.md, done: pg_dump -Fc of a database with sheets and
# accounts, pg_restore into a new one, `callsheetd --migrate` over it, and
# a daemon on the restored database serves the same sheets to the same
# accounts.
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
echo "backup_restore: 3 passed, 0 failed"
