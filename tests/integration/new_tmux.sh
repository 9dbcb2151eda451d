# tests/integration/new_tmux.sh: "callsheet new" in real terminals (tmux), typed
# as a jurist types during calls, by habit and ahead of the screen (issue 15:
# a call is never logged by a stray key): --loop and --timer key take the key
# that begins a call as its first answer; two windows never share a draft, and
# a draft whose id is taken becomes a sheet of its own instead of a refusal
# that loops; a refused key of the département clears it; any other key at
# the draft prompt starts the new call; a call type changed on the summary
# keeps the consultation's answers.
. "$CALLSHEET_TEST_LIB/testlib.sh"

command -v tmux >/dev/null 2>&1 || { t_note "no tmux: skipped"; exit 77; }
db=$(t_fresh_db)
t_start_daemon "$db"
t_create_user "$db" jur jurist secret
export CALLSHEET_USER=jur CALLSHEET_PASSWORD=secret
cli=$CALLSHEET_TEST_CLI
state=$CALLSHEET_STATE_DIR
sheet() { t_sheet "$db" "$1"; }
count() { t_sql "$db" "SELECT count(*) FROM sheet s JOIN taxonomy t ON t.id = s.call_type WHERE $1"; }

# A tmux server of the test's own; every window runs one "callsheet new"
# with this environment, its whole output logged (pipe-pane) to $T_TMP/NAME.log
# and its exit status written to $T_TMP/NAME.rc.
unset TMUX
sock=$T_TMP/tmux.sock
tm() { tmux -S "$sock" -f /dev/null "$@"; }
trap 'rc=$?; tm kill-server >/dev/null 2>&1; (exit $rc); _t_cleanup' EXIT
export -p >"$T_TMP/env.sh"
cat >"$T_TMP/window.sh" <<'SH'
name=$1 lang=$2 dir=$(dirname "$0")
shift 2
. "$dir/env.sh"
export LANG=$lang
until [ -e "$dir/$name.go" ]; do sleep 0.05; done
"$CALLSHEET_TEST_CLI" new "$@"
echo $? >"$dir/$name.rc"
exec sleep 600
SH

# win NAME [ARG...]: a window running "callsheet new ARG..." (W_LANG: its LANG)
win() {
	local name=$1
	shift
	: >"$T_TMP/$name.log"
	echo 0 >"$T_TMP/$name.seen"
	tm new-session -d -s "$name" -x 120 -y 50 </dev/null >/dev/null 2>&1 \
		"bash $T_TMP/window.sh $name ${W_LANG:-C.UTF-8} $*"
	tm pipe-pane -t "$name" "cat >>$T_TMP/$name.log"
	touch "$T_TMP/$name.go"
}
# press NAME KEY...: keys as typed (Enter, BSpace, C-c by name), at once
press() {
	local name=$1 k
	shift
	for k; do
		case $k in
		Enter | BSpace | C-c) tm send-keys -t "$name" "$k" ;;
		*) tm send-keys -t "$name" -l -- "$k" ;;
		esac
	done
}
# see NAME TEXT: until TEXT shows in the window after what see matched last
see() {
	local name=$1 text=$2 deadline=$((SECONDS + 30)) off at
	off=$(cat "$T_TMP/$name.seen")
	while :; do
		at=$(tail -c +$((off + 1)) "$T_TMP/$name.log" |
			LC_ALL=C grep -aboF -- "$text" | head -n 1 | cut -d: -f1) || true
		if [ -n "$at" ]; then
			echo $((off + at + $(LC_ALL=C; printf '%s' "$text" | wc -c))) >"$T_TMP/$name.seen"
			return 0
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			printf -- '--- window %s, after what was seen:\n' "$name" >&2
			tail -c +$((off + 1)) "$T_TMP/$name.log" | tr '\r' '\n' | tail -n 40 >&2
			t_fail "$name: no '$text' on the screen"
		fi
		sleep 0.05
	done
}
# seen NAME TEXT: TEXT showed anywhere in the window
seen() { LC_ALL=C grep -aqF -- "$2" "$T_TMP/$1.log"; }
# ended NAME: the exit status of the window's "callsheet new"
ended() {
	t_wait_for 30 test -s "$T_TMP/$1.rc"
	cat "$T_TMP/$1.rc"
}
# The id the window printed last.
last_id() {
	tr '\r' '\n' <"$T_TMP/$1.log" | grep -aoE '^[0-9a-f]{8}-[0-9a-f-]{27}' | tail -n 1
}
no_draft() {
	[ -z "$(find "$state" -name 'new*.draft' 2>/dev/null)" ] ||
		t_fail "$1: a draft is left: $(ls "$state")"
}

# --- 1. --loop: the key that begins the next call is its first answer. The
# habit "1 7 5 Enter 2 1 2 Enter Enter" used to lose its 1 to "Press a key
# when the call begins", and 7 (Test call) and Enter logged a test call.
win loop --loop
see loop "Caller:"
press loop 5 Enter
see loop "Next call"
see loop "[--:--] Caller:"
sleep 1.2 # the timer waits for the key
press loop 1 75 Enter 2 1 2 Enter Enter
see loop "Caller: Individual"
see loop "Next call"
id=$(last_id loop)
t_eq "$(sheet "$id")" "consultation|75|individual|||woman|africa|residence" \
	"--loop: the second call, typed ahead"
t_eq "$(count "t.code = 'test_call'")" 0 "--loop: no test call logged"
press loop C-c
t_eq "$(ended loop)" 0 "--loop: Ctrl-C before a call begins ends it"
no_draft "--loop"

# --timer key alone: the first key answers too
win tk --timer key
see tk "[--:--] Caller:"
press tk 4
see tk "Enter logs this call"
press tk Enter
t_eq "$(ended tk)" 0 "--timer key: logged"
t_eq "$(sheet "$(last_id tk)")" "hang_up|||||||" "--timer key: the first key was the answer"

# --- 3. the département: a refused key clears what was typed, so that Enter
# never takes a code cut short (20 became 02 Aisne, 96 09 Ariège, 7X 07)
win dep
see dep "Caller:"
press dep 1
see dep "? if unknown, without Enter"
press dep 2 0
see dep "No département code starts with 20"
press dep Enter
see dep "Type the département's code"
press dep 9 6
see dep "No département code starts with 96"
press dep 7 X Enter
see dep "Type the département's code"
press dep 7 5 Enter 2 1 2 Enter Enter
see dep "Département: 75 Paris"
t_eq "$(ended dep)" 0 "département: logged"
t_eq "$(sheet "$(last_id dep)")" "consultation|75|individual|||woman|africa|residence" \
	"département: the code typed in full"
seen dep "02 Aisne" && t_fail "département: 20 was taken as 02"
seen dep "07 Ard" && t_fail "département: 7X was taken as 07"

# --- 5. the summary: 1 then 3 turns the call into a silent call but keeps
# the consultation's answers; - and 1 bring them back (one answer: "1 to
# change the answer", not "a number from 1 to 1")
win sum
see sum "Caller:"
press sum 1 93 Enter 3 0 1 6 Enter
see sum "Log this sheet?"
press sum 1 3
see sum "Call: Silent call"
see sum "The consultation's answers are kept"
press sum 9
see sum "1 to change the answer"
seen sum "from 1 to 1" && t_fail "summary: 'a number from 1 to 1'"
press sum -
see sum "Who is calling?"
press sum 1
see sum "2 Département: 93 Seine-Saint-Denis"
see sum "5 Topics: Entry and visas, Asylum"
press sum Enter
t_eq "$(ended sum)" 0 "summary: logged"
t_eq "$(sheet "$(last_id sum)")" "consultation|93|individual|||couple||entry,asylum" \
	"summary: the consultation came back whole"
t_eq "$(count "t.code = 'silent'")" 0 "summary: no silent call logged"
no_draft "summary"

# --- 4. any other key at the draft prompt leaves the draft for later and
# is the new call's first answer (1: Individual), as the prompt says
win d1
see d1 "Caller:"
press d1 1 94 Enter
see d1 "Household"
press d1 C-c
t_eq "$(ended d1)" 130 "a call abandoned with Ctrl-C"
win d2
see d2 "any other key leaves it for later"
press d2 1
see d2 "Caller: Individual"
see d2 "Département:"
press d2 75 Enter 1 0 2 Enter Enter
t_eq "$(ended d2)" 0 "the new call after the draft prompt"
t_eq "$(sheet "$(last_id d2)")" "consultation|75|individual|||man||residence" \
	"the new call, its first answer the key pressed at the draft prompt"
id=$(printf '2\n1\n3\n\n' | "$cli" new --resume 2>"$T_TMP/resume4") ||
	{ cat "$T_TMP/resume4" >&2; t_fail "the draft left for later: --resume"; }
t_eq "$(sheet "$id")" "consultation|94|individual|||woman|africa|social_rights" \
	"the draft left for later is still there"
no_draft "draft prompt"

# The French prompt says "commencée le", as the other messages do
printf '1\n' | "$cli" new >/dev/null 2>&1 && t_fail "an unfinished sheet exited 0"
W_LANG=fr_FR.UTF-8 win fr
see fr "La fiche commencée le "
press fr d
see fr "Qui appelle"
press fr C-c
t_eq "$(ended fr)" 130 "French: Ctrl-C"
"$cli" new --discard 2>/dev/null || t_fail "--discard"
no_draft "French draft prompt"

# --- 2. two windows: a draft open in one is never offered to the other,
# which takes a new call; both sheets are logged
win A
see A "Caller:"
press A 1 94 Enter
see A "Household"
win B
see B "open in another window"
see B "Caller:"
seen B "r resumes it" && t_fail "window B was offered window A's sheet"
press B 3 Enter
t_eq "$(ended B)" 0 "window B: its own call"
t_eq "$(sheet "$(last_id B)")" "silent|||||||" "window B: a silent call"
press A 2 1 2 Enter Enter
t_eq "$(ended A)" 0 "window A: its call"
t_eq "$(sheet "$(last_id A)")" "consultation|94|individual|||woman|africa|residence" \
	"window A: its consultation"
[ "$(last_id A)" != "$(last_id B)" ] || t_fail "two windows, one id"
no_draft "two windows"

# A draft whose id another sheet holds (two windows before drafts were
# locked): the stored sheet is shown, the answers become a sheet of their
# own, and --resume logs it: never the same refusal again
win C
see C "Caller:"
press C 1 75 Enter 2 1 2 Enter
see C "Log this sheet?"
cp "$state/new.draft" "$T_TMP/copy.draft"
press C Enter
t_eq "$(ended C)" 0 "the first of two windows logs"
first=$(last_id C)
sed 's/^household woman$/household man/' "$T_TMP/copy.draft" >"$state/new.draft"
win C2 --resume
see C2 "Log this sheet?"
press C2 Enter
see C2 "The sheet stored under this id:"
see C2 "${first:0:8}"
see C2 "Paris (75)"
see C2 "kept as a new sheet"
t_eq "$(ended C2)" 1 "the id taken: not logged"
win C3 --resume
see C3 "Household: Man"
press C3 Enter
t_eq "$(ended C3)" 0 "then --resume logs it"
second=$(last_id C3)
[ -n "$second" ] && [ "$second" != "$first" ] || t_fail "the same id again: $second"
t_eq "$(sheet "$second")" "consultation|75|individual|||man|africa|residence" \
	"the second window's answers, a sheet of their own"
no_draft "id taken"
t_note "ok"
