# shellcheck shell=bash
# exchange.sh: the sheet CSV round trip and import errors through the
# callsheet command: import a generated year into database A, export it,
# import that into an empty database B: the same reports, the same export;
# bad rows named by line, column and reason, a bad file refused whole,
# --skip-bad, imports that add nothing the second time; watch on a pipe.
. "$CALLSHEET_TEST_LIB/testlib.sh"

export CALLSHEET_PASSWORD=pw LANG=C LC_ALL= LC_MESSAGES=
cs() { "$CALLSHEET_TEST_CLI" "$@"; }

db_a=$(t_fresh_db t_exchange_a)
db_b=$(t_fresh_db t_exchange_b)
t_start_daemon "$db_a"
A=$CALLSHEET_SERVER
t_start_daemon "$db_b"
B=$CALLSHEET_SERVER
unset CALLSHEET_SERVER
for db in "$db_a" "$db_b"; do
	t_create_user "$db" j1 jurist pw
	t_create_user "$db" admin admin pw
	t_create_user "$db" rep reporter pw
done

# ------------------------------------------------------------ a dataset

# 600 rows over 2025: all call types, both caller kinds, every optional
# field, ids on half the rows, UTC and local offsets, quoted fields, CRLF.
gen() {
	awk -v n=600 'BEGIN {
	srand(7)
	split("75 93 94 92 2A 971 99 unknown 13 69", dep, " ")
	split("africa maghreb latin_america europe_eu asia unknown", ori, " ")
	split("man woman couple", hh, " ")
	split("entry residence social_rights family nationality asylum removal work other", tp, " ")
	split("silent hang_up wrong_number abusive test", ct, " ")
	split("local_social_services hospital_medico_social other_public", sec, " ")
	print "id,call_start,duration_s,call_type,department,caller,pro_kind,pro_sector,household,origin,topics\r"
	for (i = 1; i <= n; i++) {
		id = (i % 2) ? sprintf("%08x-1234-4abc-8def-%012x", 7, i) : ""
		m = 1 + int(rand() * 12); d = 1 + int(rand() * 28)
		h = 8 + int(rand() * 10); mi = int(rand() * 60)
		if (rand() < 0.3)
			t = sprintf("2025-%02d-%02dT%02d:%02d:%02dZ", m, d, h - 1, mi, i % 60)
		else
			t = sprintf("2025-%02d-%02dT%02d:%02d:%02d+0%d:00", m, d, h, mi, i % 60, (m > 3 && m < 11) ? 2 : 1)
		dur = int(rand() * 1800)
		if (rand() < 0.1) {
			printf "%s,%s,%d,%s,,,,,,,\r\n", id, t, dur, ct[1 + int(rand() * 5)]
			continue
		}
		type = (rand() < 0.5) ? "consultation" : ""
		t1 = 1 + int(rand() * 9); t2 = 1 + int(rand() * 9)
		topics = tp[t1]
		if (rand() < 0.5 && t2 != t1) topics = topics ";" tp[t2]
		if (rand() < 0.3) topics = "\"" topics "\""
		if (rand() < 0.6)
			rest = sprintf("individual,,,%s,%s", hh[1 + int(rand() * 3)], ori[1 + int(rand() * 6)])
		else {
			k = rand()
			if (k < 0.5) rest = sprintf("professional,public_body,%s,,", sec[1 + int(rand() * 3)])
			else if (k < 0.8) rest = "professional,association,,,"
			else rest = "professional,other,,,"
		}
		printf "%s,%s,%d,%s,%s,%s,%s\r\n", id, t, dur, type, dep[1 + int(rand() * 10)], rest, topics
	}
	# each side of the end of March in Paris (UTC+2 then)
	print "00000000-0000-4000-8000-000000000331,2025-03-31T23:30:00+02:00,60,,75,individual,,,man,asia,work\r"
	print "00000000-0000-4000-8000-000000000401,2025-03-31T22:30:00Z,60,,75,individual,,,man,asia,work\r"
	}'
}
gen >"$T_TMP/year.csv"
rows=602

# "FILE: N sheets added; M already stored, ..." -> N M
added() { sed -n 's/.*: \([0-9]*\) sheets added; \([0-9]*\) already stored.*/\1 \2/p' "$1"; }

# ------------------------------------------------------ import, again

cs -s "$A" -u j1 import "$T_TMP/year.csv" >"$T_TMP/out" 2>"$T_TMP/err" ||
	t_fail "import: $(cat "$T_TMP/err")"
t_eq "$(added "$T_TMP/out")" "$rows 0" "first import"
cs -s "$A" -u j1 import "$T_TMP/year.csv" >"$T_TMP/out" 2>&1 || t_fail "second import"
t_eq "$(added "$T_TMP/out")" "0 $rows" "the same file again adds nothing"
# another account: the same calls are j1's sheets, not the admin's;
# CheckSheets judges them as LogSheets would for the admin (CONFLICT
# stored_other, PROTOCOL.md "Sheets"), never "already stored": refused,
# nothing imported
if cs -s "$A" -u admin import "$T_TMP/year.csv" >"$T_TMP/out" 2>&1; then
	t_fail "import by admin of j1's sheets: accepted: $(cat "$T_TMP/out")"
fi
t_eq "$(grep -c 'another sheet is already stored under this id' "$T_TMP/out")|$(
	sed -n 's/.*\.\.\. and \([0-9]*\) more$/\1/p' "$T_TMP/out")" \
	"50|$((rows - 50))" "imported by another account: every row refused as j1's"
t_eq "$(t_sql "$db_a" "SELECT count(*) FROM sheet")" "$rows" \
	"imported by another account: nothing added"

# ------------------------------------------------------- the round trip

cs -s "$A" -u j1 export -o "$T_TMP/a.csv" 2>/dev/null || t_fail "export A"
t_eq "$(wc -l <"$T_TMP/a.csv")" "$((rows + 1))" "exported lines"
t_eq "$(head -n 1 "$T_TMP/a.csv")" \
	"id,call_start,duration_s,call_type,department,caller,pro_kind,pro_sector,household,origin,topics" \
	"the header"
# (60 s stored as 5 minutes: docs/SECURITY.md)
grep -q '^00000000-0000-4000-8000-000000000331,2025-03-31T23:30:00+02:00,300,consultation,75,individual,,,man,asia,work$' "$T_TMP/a.csv" ||
	t_fail "call_start in the service's zone with its offset"
grep -q '^00000000-0000-4000-8000-000000000401,2025-04-01T00:30:00+02:00,' "$T_TMP/a.csv" ||
	t_fail "22:30Z is 00:30 the next day in Paris"

cs -s "$B" -u admin import "$T_TMP/a.csv" >"$T_TMP/out" 2>&1 || t_fail "import into B"
t_eq "$(added "$T_TMP/out")" "$rows 0" "into the empty database"
cs -s "$B" -u j1 export -o "$T_TMP/b.csv" 2>/dev/null || t_fail "export B"
cmp -s "$T_TMP/a.csv" "$T_TMP/b.csv" || t_fail "the exports differ: $(diff "$T_TMP/a.csv" "$T_TMP/b.csv" | head)"

# as a jurist: no minimum cell size hides the small counts compared
n=0
for by in department caller pro_kind pro_sector household origin topic call_type month weekday hour caller,department household,origin topic,month; do
	cs -s "$A" -u j1 report --year 2025 --by "$by" --format csv >"$T_TMP/ra" || t_fail "report A by $by"
	cs -s "$B" -u j1 report --year 2025 --by "$by" --format csv >"$T_TMP/rb" || t_fail "report B by $by"
	cmp -s "$T_TMP/ra" "$T_TMP/rb" || t_fail "report by $by differs: $(diff "$T_TMP/ra" "$T_TMP/rb" | head)"
	[ "$(wc -l <"$T_TMP/ra")" -gt 2 ] || t_fail "report by $by is empty"
	n=$((n + 1))
done
for where in call_type=silent department=75 caller=professional; do
	cs -s "$A" -u j1 report --year 2025 --where "$where" --by month --format csv >"$T_TMP/ra"
	cs -s "$B" -u j1 report --year 2025 --where "$where" --by month --format csv >"$T_TMP/rb"
	cmp -s "$T_TMP/ra" "$T_TMP/rb" || t_fail "report where $where differs"
	n=$((n + 1))
done
t_note "$n reports identical on A and B"

# a period: March in Paris, the row of 23:30 on the 31st in, 00:30 out
cs -s "$B" -u j1 export --month 2025-03 >"$T_TMP/march.csv" || t_fail "export March"
grep -q 000000000331 "$T_TMP/march.csv" || t_fail "March 31st 23:30 is in March"
! grep -q 000000000401 "$T_TMP/march.csv" || t_fail "April 1st 00:30 is not"
want=$(cs -s "$B" -u j1 report --month 2025-03 --by call_type --format csv |
	awk -F, 'NR > 1 { s += $2 } END { print s }')
t_eq "$(($(wc -l <"$T_TMP/march.csv") - 1))" "$want" "March exported = March counted"
# -o -: standard output, as everywhere, not a file named "-"
(cd "$T_TMP" && cs -s "$B" -u j1 export --month 2025-03 -o - >march-o.csv) ||
	t_fail "export -o -"
cmp -s "$T_TMP/march.csv" "$T_TMP/march-o.csv" || t_fail "export -o - differs from the standard output"
[ ! -e "$T_TMP/-" ] || t_fail "export -o - wrote a file named -"

if cs -s "$B" -u rep export >/dev/null 2>"$T_TMP/err"; then
	t_fail "a reporter exported sheets"
fi
grep -q "Only a jurist or an administrator can export the call sheets" "$T_TMP/err" || t_fail "reporter: $(cat "$T_TMP/err")"

# ------------------------------------------------------------ bad files

total_b() { cs -s "$B" -u j1 export | wc -l; }
before=$(total_b)
cat >"$T_TMP/bad.csv" <<'EOF'
id,call_start,duration_s,call_type,department,caller,pro_kind,pro_sector,household,origin,topics
,2025-05-04T10:15:00+02:00,300,,75,individual,,,woman,africa,entry
,2025-05-04T10:16:00+02:00,300,,7,individual,,,woman,africa,entry
,2025-05-04T10:17:00,300,,75,individual,,,woman,africa,entry
,2025-05-04T10:18:00+02:00,300,,75,professional,association,,woman,,entry
,2025-05-04T10:19:00+02:00,300,,75,individual,,,woman,africa,"entry;residence"
EOF
if cs -s "$B" -u j1 import "$T_TMP/bad.csv" >"$T_TMP/out" 2>"$T_TMP/err"; then
	t_fail "a bad file was imported"
fi
grep -q "bad.csv: line 3, column department: '7' is not a known code; allowed: a département code" "$T_TMP/err" ||
	t_fail "unknown code: $(cat "$T_TMP/err")"
grep -q "bad.csv: line 4, column call_start: .*UTC offset" "$T_TMP/err" ||
	t_fail "no offset: $(cat "$T_TMP/err")"
grep -q "bad.csv: line 5, column household: applies only to individual callers" "$T_TMP/err" ||
	t_fail "the server's rule: $(cat "$T_TMP/err")"
grep -q "3 bad rows of 5; nothing imported" "$T_TMP/err" || t_fail "summary: $(cat "$T_TMP/err")"
head -3 "$T_TMP/bad.csv" >"$T_TMP/bad1.csv" # the header, a good row, a bad one
cs -s "$B" -u j1 import "$T_TMP/bad1.csv" >/dev/null 2>"$T_TMP/err" && t_fail "bad1 imported"
grep -q "1 bad row of 2; nothing imported (fix it," "$T_TMP/err" || t_fail "one bad row: $(cat "$T_TMP/err")"
t_eq "$(total_b)" "$before" "nothing of a bad file is imported"

LANG=fr_FR.UTF-8 cs -s "$B" -u j1 import "$T_TMP/bad.csv" 2>"$T_TMP/err" >/dev/null || true
grep -q "ligne 3, colonne department : « 7 » n'est pas un code connu ; permis : un code de département" "$T_TMP/err" ||
	t_fail "in French: $(cat "$T_TMP/err")"

cs -s "$B" -u j1 import --skip-bad "$T_TMP/bad.csv" >"$T_TMP/out" 2>"$T_TMP/err" ||
	t_fail "--skip-bad: $(cat "$T_TMP/err")"
grep -q "line 5, column household" "$T_TMP/err" || t_fail "skipped rows listed: $(cat "$T_TMP/err")"
grep -q "skipping the 3 bad rows above" "$T_TMP/err" || t_fail "skip summary"
t_eq "$(added "$T_TMP/out")" "2 0" "--skip-bad imports the good rows"
t_eq "$(total_b)" "$((before + 2))" "two more sheets"
cs -s "$B" -u j1 import --skip-bad "$T_TMP/bad.csv" >"$T_TMP/out" 2>/dev/null || t_fail "again"
t_eq "$(added "$T_TMP/out")" "0 2" "--skip-bad again adds nothing"

# an id already used for another call: the file is refused whole
{
	head -n 1 "$T_TMP/a.csv"
	echo ",2025-06-01T10:00:00+02:00,60,,75,individual,,,man,asia,work"
	# another duration once stored (to 5 minutes; a second more would
	# be the same sheet, resent)
	sed -n 2p "$T_TMP/a.csv" | awk -F, -v OFS=, '{ $3 = $3 + 600; print }'
} >"$T_TMP/conflict.csv"
if cs -s "$B" -u j1 import "$T_TMP/conflict.csv" >/dev/null 2>"$T_TMP/err"; then
	t_fail "a conflicting file was imported"
fi
grep -q "line 3, column id: another sheet is already stored under this id" "$T_TMP/err" ||
	t_fail "conflict: $(cat "$T_TMP/err")"
t_eq "$(total_b)" "$((before + 2))" "nothing of a conflicting file"

cs -s "$B" -u j1 import "$T_TMP/missing.csv" 2>"$T_TMP/err" && t_fail "a missing file"
grep -q "cannot read .*missing.csv" "$T_TMP/err" || t_fail "missing: $(cat "$T_TMP/err")"

# ------------------------------------------------- after a retirement

# An export always imports again into the database it came from: the
# codes retired since stay valid for the sheets dated before.
cs -s "$A" -u admin admin taxonomy retire topic other >/dev/null ||
	t_fail "retire other"
cs -s "$A" -u admin admin taxonomy retire topic work --successor residence >/dev/null ||
	t_fail "retire work"
grep -q ',work\|;work\|,other\|;other' "$T_TMP/a.csv" || t_fail "the export holds work and other"
cs -s "$A" -u j1 import "$T_TMP/a.csv" >"$T_TMP/out" 2>&1 ||
	t_fail "the export does not import after a retirement: $(cat "$T_TMP/out")"
t_eq "$(added "$T_TMP/out")" "0 $rows" "the export again, after the retirements: nothing doubled"
cs -s "$A" -u j1 export -o "$T_TMP/a2.csv" 2>/dev/null || t_fail "export A again"
cmp -s "$T_TMP/a.csv" "$T_TMP/a2.csv" || t_fail "the export changed: $(diff "$T_TMP/a.csv" "$T_TMP/a2.csv" | head)"
# amending an old sheet may give it a code retired since; a new call not
old_id=$(awk -F, 'NR > 1 && $6 == "individual" && $11 !~ /other/ { print $1; exit }' "$T_TMP/a.csv")
cs -s "$A" -u admin amend "$old_id" --topic other --reason "typo" >"$T_TMP/out" 2>&1 ||
	t_fail "amend a 2025 sheet to a code retired since: $(cat "$T_TMP/out")"
if cs -s "$A" -u j1 log --caller individual --dept 75 --topic other \
	--start "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" >"$T_TMP/out" 2>&1; then
	t_fail "a new call with a retired code was logged"
fi
grep -q "'other' is retired" "$T_TMP/out" || t_fail "refused new call: $(cat "$T_TMP/out")"
{
	head -n 1 "$T_TMP/a.csv"
	# an hour ahead (a day is allowed): after the retirement even once the
	# stored time is coarsened
	echo ",$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ),60,,75,individual,,,man,asia,residence;other"
} >"$T_TMP/late.csv"
if cs -s "$A" -u j1 import "$T_TMP/late.csv" >/dev/null 2>"$T_TMP/err"; then
	t_fail "a call after the retirement imported with the retired code"
fi
grep -q "late.csv: line 2, column topics: 'other' is retired and no longer accepted" "$T_TMP/err" ||
	t_fail "late row: $(cat "$T_TMP/err")"

# ---------------------------------------------------------------- watch

# not through cs(): the signal must reach callsheet, not a subshell
if cs -s "$A" -u rep watch >/dev/null 2>"$T_TMP/err"; then
	t_fail "a reporter watched the live counters"
fi
grep -q "Only a jurist or an administrator can watch the calls live" "$T_TMP/err" || t_fail "reporter watch: $(cat "$T_TMP/err")"
"$CALLSHEET_TEST_CLI" -s "$A" -u admin watch >"$T_TMP/watch" 2>"$T_TMP/watch.err" &
watch_pid=$!
watching() { [ -s "$T_TMP/watch" ]; }
t_wait_for 10 watching
case $(head -n 1 "$T_TMP/watch") in
*" total="*) ;;
*) t_fail "watch line: $(head -n 1 "$T_TMP/watch")" ;;
esac
cs -s "$A" -u j1 log --call-type abusive >/dev/null
t_wait_for 5 grep -q "abusive=1/" "$T_TMP/watch"
kill -INT "$watch_pid"
wait "$watch_pid" || t_fail "watch exits 0 on Ctrl-C: $(cat "$T_TMP/watch.err")"
t_note "ok"
