# tests/integration/new_entry.sh: "callsheet new" driven through a pipe, one
# line per answer, against a real daemon: a consultation, a professional,
# other calls (one key, then Enter), wrong answers, a draft that survives
# kill -9 and is resumed, the timer started by a key, the labels in French,
# a topic added by an admin showing up without any client update, and a
# sheet entered while the server is down.
. "$CALLSHEET_TEST_LIB/testlib.sh"

db=$(t_fresh_db)
t_start_daemon "$db"
t_create_user "$db" jur jurist secret
t_create_user "$db" boss admin secret2
export CALLSHEET_USER=jur CALLSHEET_PASSWORD=secret
cli=$CALLSHEET_TEST_CLI
draft=$CALLSHEET_STATE_DIR/new.draft

sheet() { t_sheet "$db" "$1"; }
field() { t_sql "$db" "SELECT $2 FROM sheet WHERE id = '$1'"; }

# --- a consultation: one line per question
id=$(printf '1\n75\n2\n2\n2 4\n\n' | "$cli" new 2>"$T_TMP/err1") ||
	{ cat "$T_TMP/err1" >&2; t_fail "consultation: exit status $?"; }
t_eq "$(sheet "$id")" "consultation|75|individual|||woman|maghreb|residence,family" \
	"consultation stored"
grep -q '75 Paris' "$T_TMP/err1" || t_fail "the département's name is not echoed"
[ ! -e "$draft" ] || t_fail "the draft is still there after the sheet was spooled"
dur=$(field "$id" duration_s)
# stored to 5 minutes and the quarter-hour (docs/SECURITY.md)
[ "$dur" -eq 0 ] || [ "$dur" -eq 300 ] || t_fail "duration $dur s for a piped session"
t_eq "$(field "$id" "abs(extract(epoch FROM now() - call_start)) < 1020")" t \
	"the call started when the command did (its quarter-hour)"

# --- a professional from a public body: kind and sector, no household
id=$(printf '2\n93\n1\n2\n1\ny\n' | "$cli" new 2>"$T_TMP/err2") ||
	{ cat "$T_TMP/err2" >&2; t_fail "professional: exit status $?"; }
t_eq "$(sheet "$id")" \
	"consultation|93|professional|public_body|hospital_medico_social|||entry" \
	"professional stored"
grep -q 'Household' "$T_TMP/err2" && t_fail "a professional was asked the household"

# --- not a consultation: one line, then Enter to log it (- undoes it)
id=$(printf '3\n-\n4\n\n' | "$cli" new 2>"$T_TMP/err3") ||
	{ cat "$T_TMP/err3" >&2; t_fail "hang-up: exit status $?"; }
t_eq "$(sheet "$id")" "hang_up|||||||" "a hang-up is only its call type"

# --- a wrong answer gets a hint; from a pipe, the lines after it were
# written for the questions after it: none is read (taken for the question
# asked again, every later answer shifted by one: issue 15), the draft keeps
# the answers before it and --resume asks that question again
while IFS='|' read -r input hint; do
	rc=0
	printf "$input\n" | "$cli" new >/dev/null 2>"$T_TMP/err4" || rc=$?
	t_eq "$rc" 1 "wrong answer in '$input': exit status"
	grep -qF "$hint" "$T_TMP/err4" || t_fail "no hint '$hint': $(cat "$T_TMP/err4")"
	grep -q 'the lines after it are not read' "$T_TMP/err4" ||
		t_fail "'$input': the stop is not said"
	"$cli" new --discard 2>/dev/null || t_fail "--discard after '$input'"
done <<'CASES'
x|'x' is not a choice
1\nx|No département code starts with X
1\n|Type the département's code
1\n75\n5|0 if not stated
1\n75\n0\n0\nzz|is not a topic
1\n75\n0\n0\n|at least one topic
1\n2a\n0\n0\n3\n7|a number from 1 to 5
3\n9|1 to change the answer
CASES
printf '1\n750\n2\n1\n2\n\n\n' | "$cli" new >/dev/null 2>"$T_TMP/err4" &&
	t_fail "a refused line: exit status 0"
grep -q 'line 2 does not answer "Département"' "$T_TMP/err4" ||
	t_fail "the refused line is not named: $(cat "$T_TMP/err4")"
grep -q '^department' "$draft" && t_fail "the line after 750 was taken as the département"
id=$(printf '75\n2\n1\n2\n\n' | "$cli" new --resume 2>"$T_TMP/err4") ||
	{ cat "$T_TMP/err4" >&2; t_fail "resumed after a refused line: exit status $?"; }
t_eq "$(sheet "$id")" "consultation|75|individual|||woman|africa|residence" \
	"resumed at the question refused, nothing shifted"
# ... and with --loop, a call's first line refused ends the loop: the lines
# after it are not the next call's
rc=0
printf '3\n\nx\n1\n' | "$cli" new --loop >/dev/null 2>"$T_TMP/err4" || rc=$?
t_eq "$rc" 1 "--loop, a refused line: exit status"
[ ! -e "$draft" ] || t_fail "--loop read on after a refused line: $(cat "$draft")"

# --- kill -9 in the middle: the draft keeps the answers, the start and the id
mkfifo "$T_TMP/in"
"$cli" new <"$T_TMP/in" >"$T_TMP/out5" 2>"$T_TMP/err5" &
pid=$!
exec 3>"$T_TMP/in"
printf '2\n971\n1\n' >&3
t_wait_for 10 grep -q '^pro_kind public_body$' "$draft"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
exec 3>&-
draft_id=$(sed -n 's/^id //p' "$draft")
draft_start=$(sed -n 's/^start //p' "$draft")
[ -n "$draft_id" ] && [ "$draft_start" -gt 0 ] || t_fail "draft without id or start"
if printf '3\n' | "$cli" new >/dev/null 2>"$T_TMP/err6"; then
	t_fail "a new sheet was started over an unfinished one"
fi
grep -q -- '--resume' "$T_TMP/err6" || t_fail "no pointer to --resume"
id=$(printf '1\n6\n\n' | "$cli" new --resume 2>"$T_TMP/err7") ||
	{ cat "$T_TMP/err7" >&2; t_fail "resume: exit status $?"; }
t_eq "$id" "$draft_id" "the resumed sheet keeps the id chosen at the start"
t_eq "$(sheet "$id")" \
	"consultation|971|professional|public_body|local_social_services|||asylum" \
	"answers from before and after the kill"
t_eq "$(field "$id" "extract(epoch FROM call_start)::bigint")" "$((draft_start - draft_start % 900))" \
	"the call start survives the kill (stored to the quarter-hour)"
[ ! -e "$draft" ] || t_fail "the resumed draft was not removed"
"$cli" new --resume </dev/null 2>"$T_TMP/err8" && t_fail "resume with no draft succeeded"
grep -q 'no unfinished sheet' "$T_TMP/err8" || t_fail "resume without a draft: no reason"

# --- input that ends early keeps the draft; --discard drops it
printf '1\n13\n' | "$cli" new >/dev/null 2>"$T_TMP/err9" && t_fail "an unfinished sheet exited 0"
grep -q '^department 13$' "$draft" || t_fail "the unfinished answers are not in the draft"
"$cli" new --discard 2>"$T_TMP/err10" || t_fail "--discard failed"
[ ! -e "$draft" ] || t_fail "--discard left the draft"

# --- the timer may wait for a key: the first line, which is the first answer
start_before=$(date +%s)
id=$(printf '3\n\n' | CALLSHEET_TIMER=key "$cli" new 2>"$T_TMP/err11") ||
	{ cat "$T_TMP/err11" >&2; t_fail "timer on key: exit status $?"; }
grep -qF '[--:--] Caller:' "$T_TMP/err11" || t_fail "the timer does not wait"
t_eq "$(sheet "$id")" "silent|||||||" "timer on key: the first line is the first answer"
[ "$(field "$id" "extract(epoch FROM call_start)::bigint >= $((start_before - start_before % 900))")" = t ] ||
	t_fail "timer on key: the call starts at the key"

# --- labels in French, from the server's taxonomy
id=$(printf '1\n99\n3\n1\n1\n\n' | LANG=fr_FR.UTF-8 "$cli" new 2>"$T_TMP/err12") ||
	{ cat "$T_TMP/err12" >&2; t_fail "French session: exit status $?"; }
for text in 'Qui appelle ?' 'Particulier' '99 Étranger' 'Composition' \
	'Afrique (hors Maghreb)' 'Entrée et visas' 'Enregistrer cette fiche ?'; do
	grep -qF "$text" "$T_TMP/err12" || t_fail "French session: no '$text'"
done
t_eq "$(sheet "$id")" "consultation|99|individual|||couple|africa|entry" "French session stored"

# --- a topic added by an admin reaches the next session, no client update
CALLSHEET_USER=boss CALLSHEET_PASSWORD=secret2 "$cli" admin taxonomy add \
	topic housing --en Housing --fr Logement >"$T_TMP/add" ||
	t_fail "admin taxonomy add failed"
grep -q '^topic housing: Housing / Logement' "$T_TMP/add" || t_fail "add printed: $(cat "$T_TMP/add")"
id=$(printf '1\n75\n1\n0\na\n\n' | "$cli" new 2>"$T_TMP/err13") ||
	{ cat "$T_TMP/err13" >&2; t_fail "new topic: exit status $?"; }
grep -q 'a Housing' "$T_TMP/err13" || t_fail "the new topic is not offered"
t_eq "$(sheet "$id")" "consultation|75|individual|||man||housing" "new topic stored"

# --- refused (a reporter may not log): nothing spooled, the answers kept
t_create_user "$db" rep reporter secret
rc=0
printf '3\n\n' | CALLSHEET_USER=rep "$cli" new >/dev/null 2>"$T_TMP/err15" || rc=$?
t_eq "$rc" 1 "a refused sheet exits 1"
grep -q 'not logged' "$T_TMP/err15" || t_fail "refused: not said: $(cat "$T_TMP/err15")"
grep -q -- '--resume' "$T_TMP/err15" || t_fail "refused: no pointer to --resume"
[ -e "$draft" ] || t_fail "refused: the draft is gone"
[ "$(find "$CALLSHEET_SPOOL_DIR" -name '*.sheet' | wc -l)" -eq 0 ] ||
	t_fail "refused: the sheet stayed in the spool"
CALLSHEET_USER=rep "$cli" new --discard 2>/dev/null || t_fail "--discard after a refusal"

# --- server down: the saved code tables, the sheet waits in the spool
t_stop_daemon "$T_DAEMON_PID"
rc=0
id=$(printf '5\n\n' | "$cli" new 2>"$T_TMP/err14") || rc=$?
t_eq "$rc" 75 "offline entry exits with EX_TEMPFAIL"
grep -q 'working from the saved code tables' "$T_TMP/err14" || t_fail "offline: not said"
[ "$(find "$CALLSHEET_SPOOL_DIR" -name '*.sheet' | wc -l)" -eq 1 ] ||
	t_fail "offline: the sheet is not in the spool"
[ ! -e "$draft" ] || t_fail "offline: the draft stayed although the sheet is spooled"
t_note "ok"
