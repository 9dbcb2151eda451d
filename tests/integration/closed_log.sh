#!/usr/bin/env bash
# closed_log.sh: a jurist back-dating a call into a closed year, through
# the command (issue 15). A call of June 2025 waits in the spool while the
# server is away; 2025 is closed meanwhile; the waiting sheet is then
# refused: moved to rejected/ with its reason and said, never retried. A
# new back-dated sheet is refused at once (exit 1, nothing kept), in
# English and in French; an administrator's is taken.
. "$CALLSHEET_TEST_LIB/testlib.sh"

db=$(t_fresh_db)
t_start_daemon "$db"
for u in jur:jurist boss:admin; do
	t_create_user "$db" "${u%%:*}" "${u#*:}" secret
done
export CALLSHEET_PASSWORD=secret
cli=$CALLSHEET_TEST_CLI
# log USER DAY: a consultation of June 2025
log() {
	CALLSHEET_USER=$1 "$cli" log --start "2025-06-$2T10:15:00+02:00" \
		--duration 9m --caller individual --dept 75 --topic residence
}
spooled() { find "$CALLSHEET_SPOOL_DIR" -path '*rejected*' -prune -o -name '*.sheet' -print | wc -l; }
rejected() { find "$CALLSHEET_SPOOL_DIR" -path '*rejected*' -name '*.sheet' | wc -l; }
stored() { t_sql "$db" "SELECT count(*) FROM sheet"; }

# --- the server away: the June call waits
t_stop_daemon "$T_DAEMON_PID"
rc=0
log jur 10 >/dev/null 2>"$T_TMP/off" || rc=$?
t_eq "$rc" 75 "offline: the sheet waits (exit 75)"
t_eq "$(spooled)" 1 "one sheet waits"

# --- back, and the admin closes 2025 before the jurist's next command
T_LISTEN=$CALLSHEET_SERVER t_start_daemon "$db"
CALLSHEET_USER=boss t_wait_ready # the admin's commands send none of jur's sheets
CALLSHEET_USER=boss "$cli" admin close-period --year 2025 >/dev/null 2>"$T_TMP/close" ||
	t_fail "close-period: $(cat "$T_TMP/close")"

# --- the waiting sheet: refused, set aside, said; never sent again
rc=0
CALLSHEET_USER=jur "$cli" spool send >/dev/null 2>"$T_TMP/send" || rc=$?
grep -q 'refused 1 spooled sheet' "$T_TMP/send" || t_fail "says refused: $(cat "$T_TMP/send")"
t_eq "$(spooled)" 0 "nothing waits any more"
t_eq "$(rejected)" 1 "the sheet is in rejected/"
grep -rq 'closed period 2025' "$CALLSHEET_SPOOL_DIR"/*/rejected/*.reason ||
	t_fail "with its reason: $(cat "$CALLSHEET_SPOOL_DIR"/*/rejected/*.reason)"
t_eq "$(stored)" 0 "nothing stored"

# --- a new back-dated sheet: refused at once, nothing kept
rc=0
log jur 11 >/dev/null 2>"$T_TMP/en" || rc=$?
t_eq "$rc" 1 "refused: exit 1"
grep -q 'call_start: the call of .* lies in a closed period; only an administrator may log it now' \
	"$T_TMP/en" || t_fail "said in English: $(cat "$T_TMP/en")"
rc=0
LANG=fr_FR.UTF-8 log jur 12 >/dev/null 2>"$T_TMP/fr" || rc=$?
t_eq "$rc" 1 "refused in French too: exit 1"
grep -q "call_start : l'appel du .* tombe dans une période close ; seul un administrateur peut encore l'enregistrer" \
	"$T_TMP/fr" || t_fail "said in French: $(cat "$T_TMP/fr")"
t_eq "$(spooled)" 0 "nothing kept in the spool"
t_eq "$(rejected)" 1 "nothing more set aside"
t_eq "$(stored)" 0 "nothing stored"

# --- an administrator adds the call to the closed year: a restatement
log boss 10 >/dev/null 2>"$T_TMP/admin" || t_fail "the admin's sheet: $(cat "$T_TMP/admin")"
t_eq "$(stored)" 1 "the admin's sheet is stored"
restated() { CALLSHEET_USER=boss "$cli" report --year 2025 2>&1 | grep -q 'restated 1'; }
t_wait_for 30 restated
echo "1 passed, 0 failed"
