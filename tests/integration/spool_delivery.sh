#!/usr/bin/env bash
# spool_delivery.sh: the one refusal rule of cs_deliver, through the
# command. A refused session (wrong password, no terminal to ask one, a
# reporter's `log`) keeps nothing, so that retrying never stores twice; a
# server away keeps the sheet, and every later command sends the waiting
# sheets first, once, and says how many wait; `callsheet spool` lists
# them and `callsheet spool send` sends them; a waiting sheet the server
# refuses goes to rejected/ with its reason.
. "$CALLSHEET_TEST_LIB/testlib.sh"

db=$(t_fresh_db)
t_start_daemon "$db"
t_create_user "$db" jur jurist secret
t_create_user "$db" rep reporter secret
t_create_user "$db" jur2 jurist secret
export CALLSHEET_USER=jur CALLSHEET_PASSWORD=secret
cli=$CALLSHEET_TEST_CLI

log() {
	"$cli" log --start 2025-03-04T10:15:00+01:00 --duration 7m \
		--caller individual --topic entry "$@"
}
spooled() { find "$CALLSHEET_SPOOL_DIR" -path '*rejected*' -prune -o -name '*.sheet' -print | wc -l; }
stored() { t_sql "$db" "SELECT count(*) FROM sheet"; }

# --- a wrong password: not logged, nothing kept; the retry stores it once
rc=0
CALLSHEET_PASSWORD=wrong log --dept 75 >/dev/null 2>"$T_TMP/err1" || rc=$?
t_eq "$rc" 1 "a wrong password exits 1"
grep -q 'not logged' "$T_TMP/err1" || t_fail "says not logged: $(cat "$T_TMP/err1")"
t_eq "$(spooled)" 0 "nothing spooled after a wrong password"
log --dept 75 >/dev/null 2>"$T_TMP/err2" || t_fail "retry: $(cat "$T_TMP/err2")"
log --dept 75 >/dev/null 2>"$T_TMP/err2b" || t_fail "next: $(cat "$T_TMP/err2b")"
t_eq "$(stored)" 2 "the retry stored its sheet once, the wrong password none"

# --- a département as people type it: 2a is 2A, 7 is 07
log --dept 2a >/dev/null 2>"$T_TMP/err2c" || t_fail "--dept 2a: $(cat "$T_TMP/err2c")"
log --dept 7 >/dev/null 2>"$T_TMP/err2c" || t_fail "--dept 7: $(cat "$T_TMP/err2c")"
t_eq "$(t_sql "$db" "SELECT string_agg(t.code, ',' ORDER BY t.code) FROM sheet s
	JOIN taxonomy t ON t.id = s.department WHERE t.code IN ('2A', '07')")" "07,2A" \
	"--dept 2a and 7 stored as 2A and 07"
t_sql "$db" "DELETE FROM sheet WHERE department IN (SELECT id FROM taxonomy
	WHERE dimension = 'department' AND code IN ('2A', '07'))" >/dev/null

# --- no password and no terminal to ask one: the same
rc=0
env -u CALLSHEET_PASSWORD setsid "$cli" log --caller individual --dept 75 \
	--topic entry </dev/null >/dev/null 2>"$T_TMP/err3" || rc=$?
t_eq "$rc" 1 "no password, no terminal: exits 1"
t_eq "$(spooled)" 0 "nothing spooled without a password"

# --- a reporter may not log: nothing kept
rc=0
CALLSHEET_USER=rep log --dept 75 >/dev/null 2>"$T_TMP/err4" || rc=$?
t_eq "$rc" 1 "a reporter's log exits 1"
grep -q 'not logged' "$T_TMP/err4" || t_fail "reporter: $(cat "$T_TMP/err4")"
t_eq "$(spooled)" 0 "nothing spooled for a reporter"
t_eq "$(stored)" 2 "nothing stored for a reporter"

# --- the server away: kept, said, listed (with the labels of the code
# tables the earlier 'log' saved, making the state folder for them)
t_stop_daemon "$T_DAEMON_PID"
for d in 93 94; do
	rc=0
	log --dept "$d" >/dev/null 2>"$T_TMP/err5" || rc=$?
	t_eq "$rc" 75 "offline: exit 75"
done
grep -q '2 sheets wait in the spool' "$T_TMP/err5" || t_fail "how many wait: $(cat "$T_TMP/err5")"
# a sheet the server will refuse, waiting too (the client does not know
# the codes)
rc=0
log --dept 9Z >/dev/null 2>/dev/null || rc=$?
t_eq "$rc" 75 "offline: an invalid sheet waits too"
t_eq "$(spooled)" 3 "three sheets wait"
"$cli" spool >"$T_TMP/list" 2>"$T_TMP/err6" || t_fail "spool: $(cat "$T_TMP/err6")"
t_eq "$(wc -l <"$T_TMP/list")" 3 "callsheet spool lists them: $(cat "$T_TMP/list")"
grep -q '  Consultation$' "$T_TMP/list" || t_fail "the list says the call type's label, from the saved code tables: $(cat "$T_TMP/list")"
grep -q '3 sheets wait' "$T_TMP/err6" || t_fail "spool says how many: $(cat "$T_TMP/err6")"

# --- back: the next command sends the waiting ones first, once
T_LISTEN=$CALLSHEET_SERVER t_start_daemon "$db"
CALLSHEET_USER=jur2 t_wait_ready # another account: it sends none of jur's sheets
log --dept 75 >/dev/null 2>"$T_TMP/err7" || t_fail "back: $(cat "$T_TMP/err7")"
grep -q 'delivered 2 earlier sheets' "$T_TMP/err7" || t_fail "says delivered: $(cat "$T_TMP/err7")"
grep -q 'refused 1 spooled sheet' "$T_TMP/err7" || t_fail "says refused: $(cat "$T_TMP/err7")"
t_eq "$(spooled)" 0 "the spool is empty"
t_eq "$(find "$CALLSHEET_SPOOL_DIR" -path '*rejected*' -name '*.sheet' | wc -l)" 1 \
	"the refused one is in rejected/"
grep -rq 'department' "$CALLSHEET_SPOOL_DIR"/*/rejected/*.reason || t_fail "with its reason"
t_eq "$(stored)" 5 "each waiting sheet stored once, with the new one"
log --dept 75 >/dev/null 2>"$T_TMP/err8" || t_fail "again: $(cat "$T_TMP/err8")"
grep -q 'earlier' "$T_TMP/err8" && t_fail "nothing waits any more: $(cat "$T_TMP/err8")"
t_eq "$(stored)" 6 "nothing sent twice"

# --- global options after the command
out=$(env -u CALLSHEET_SERVER -u CALLSHEET_USER "$cli" report --year 2025 \
	--format csv -s "$CALLSHEET_SERVER" -u jur 2>&1) ||
	t_fail "report ... -s HOST:PORT -u USER: $out"
out=$(env -u CALLSHEET_SERVER "$cli" spool --server="$CALLSHEET_SERVER" 2>&1) ||
	t_fail "spool --server=HOST:PORT: $out"

# --- any command that reaches the server sends them first, not only log
# (issue 15): a report, an export
t_stop_daemon "$T_DAEMON_PID"
log --dept 75 >/dev/null 2>/dev/null || true
T_LISTEN=$CALLSHEET_SERVER t_start_daemon "$db"
CALLSHEET_USER=jur2 t_wait_ready
t_eq "$(spooled)" 1 "one sheet waits"
"$cli" report --year 2025 --format csv >/dev/null 2>"$T_TMP/err10" ||
	t_fail "report: $(cat "$T_TMP/err10")"
grep -q 'delivered 1 earlier sheet' "$T_TMP/err10" || t_fail "report delivers: $(cat "$T_TMP/err10")"
t_eq "$(spooled)" 0 "the report emptied the spool"
t_eq "$(stored)" 7 "the waiting sheet stored once"
"$cli" export --year 2025 -o "$T_TMP/x.csv" 2>"$T_TMP/err11" || t_fail "export: $(cat "$T_TMP/err11")"
grep -q 'earlier' "$T_TMP/err11" && t_fail "nothing waits any more: $(cat "$T_TMP/err11")"

# --- callsheet spool send
t_stop_daemon "$T_DAEMON_PID"
log --dept 75 >/dev/null 2>/dev/null || true
T_LISTEN=$CALLSHEET_SERVER t_start_daemon "$db"
CALLSHEET_USER=jur2 t_wait_ready
"$cli" spool send 2>"$T_TMP/err9" || t_fail "spool send: $(cat "$T_TMP/err9")"
grep -q 'delivered 1 earlier sheet' "$T_TMP/err9" || t_fail "spool send says: $(cat "$T_TMP/err9")"
t_eq "$(spooled)" 0 "spool send emptied it"
t_eq "$(stored)" 8 "and stored it once"
echo "1 passed, 0 failed"
