#!/usr/bin/env bash
# sheet_list.sh: finding a sheet to correct, as a jurist does it.
# `callsheet list` shows today's sheets (or --date, --since) with short
# ids, the time in the service's zone, the call type, the département and
# the topics, in the reader's language; `amend` and `void` take a unique
# start of an id, as git does: an ambiguous one lists the candidates, an
# unknown one says so; another jurist's sheets are neither listed nor
# found; an admin sees every account's; a reporter none.
. "$CALLSHEET_TEST_LIB/testlib.sh"

db=$(t_fresh_db)
t_start_daemon "$db"
t_create_user "$db" jur jurist secret
t_create_user "$db" jur2 jurist secret
t_create_user "$db" boss admin secret
t_create_user "$db" rep reporter secret
export CALLSHEET_USER=jur CALLSHEET_PASSWORD=secret
cli=$CALLSHEET_TEST_CLI

id=$("$cli" log --caller individual --dept 75 --household woman \
	--topic residence --topic family) || t_fail "log"
"$cli" log --call-type silent >/dev/null || t_fail "log a silent call"
# two sheets of today whose ids share their first 8 digits
now=$(TZ=Europe/Paris date '+%Y-%m-%dT%H:00:00%:z')
cat >"$T_TMP/two.csv" <<EOF
id,call_start,duration_s,call_type,department,caller,pro_kind,pro_sector,household,origin,topics
abcd1234-0000-4000-8000-100000000000,$now,300,consultation,93,professional,association,,,,entry
abcd1234-0000-4000-8000-200000000000,$now,300,consultation,94,professional,association,,,,entry
EOF
"$cli" import "$T_TMP/two.csv" >/dev/null 2>&1 || t_fail "import two sheets"

# --- the list: today's, latest first, short ids, labels
"$cli" list >"$T_TMP/list" 2>"$T_TMP/err" || t_fail "list: $(cat "$T_TMP/err")"
t_eq "$(wc -l <"$T_TMP/list")" 4 "four sheets today: $(cat "$T_TMP/list")"
grep -q "^${id:0:8}  $(TZ=Europe/Paris date +%Y-%m-%d) [0-9][0-9]:[0-9][0-9]  Consultation  Paris (75)  Residence permits, Family rights$" \
	"$T_TMP/list" || t_fail "a sheet's line: $(cat "$T_TMP/list")"
grep -q '  Silent call$' "$T_TMP/list" || t_fail "a silent call: $(cat "$T_TMP/list")"
LANG=fr_FR.UTF-8 "$cli" list | grep -q "Seine-Saint-Denis (93)  Entrée et visas\|Seine-Saint-Denis (93)  Entrée" ||
	t_fail "in French: $(LANG=fr_FR.UTF-8 "$cli" list)"
"$cli" list --date 2001-01-01 >"$T_TMP/none" 2>"$T_TMP/err" || t_fail "list --date"
t_eq "$(wc -l <"$T_TMP/none")" 0 "no sheet that day"
grep -q 'no sheet logged then' "$T_TMP/err" || t_fail "says none: $(cat "$T_TMP/err")"
t_eq "$("$cli" list --since 2001-01-01 | wc -l)" 4 "--since: up to today"

# --- amend and void by a unique start of the id
"$cli" amend "${id:0:6}" --dept 92 >"$T_TMP/out" 2>"$T_TMP/err" ||
	t_fail "amend by a prefix: $(cat "$T_TMP/err")"
grep -q "sheet $id amended" "$T_TMP/out" || t_fail "the right sheet: $(cat "$T_TMP/out")"
t_eq "$(t_sql "$db" "SELECT d.code FROM sheet s JOIN taxonomy d ON d.id = s.department WHERE s.id = '$id'")" \
	92 "amended in the database"

rc=0
"$cli" void abcd1234 --reason "which one" >/dev/null 2>"$T_TMP/err" || rc=$?
t_eq "$rc" 1 "an ambiguous prefix fails"
grep -q "the id 'abcd1234' is ambiguous: it starts 2 sheets" "$T_TMP/err" ||
	t_fail "says ambiguous: $(cat "$T_TMP/err")"
grep -q '^  abcd1234-0000  ' "$T_TMP/err" || t_fail "lists the candidates: $(cat "$T_TMP/err")"
t_eq "$(grep -c '^  abcd1234-' "$T_TMP/err")" 2 "both candidates"
t_eq "$(t_sql "$db" "SELECT count(*) FROM sheet WHERE voided_at IS NOT NULL")" 0 "nothing voided"
"$cli" void abcd1234-0000-4000-8000-2 --reason "duplicate" >/dev/null 2>"$T_TMP/err" ||
	t_fail "a longer prefix: $(cat "$T_TMP/err")"
t_eq "$(t_sql "$db" "SELECT id FROM sheet WHERE voided_at IS NOT NULL")" \
	abcd1234-0000-4000-8000-200000000000 "the one named voided"
"$cli" list | grep -q '^abcd1234  .*(voided)$' || t_fail "a voided sheet is marked: $("$cli" list)"

rc=0
"$cli" void ffff0000 --reason x >/dev/null 2>"$T_TMP/err" || rc=$?
t_eq "$rc" 1 "an unknown prefix fails"
grep -q "no sheet of yours has an id starting with 'ffff0000'" "$T_TMP/err" ||
	t_fail "says unknown: $(cat "$T_TMP/err")"
out=$(LANG=fr_FR.UTF-8 "$cli" void abcd1234 --reason x 2>&1) || true
[[ $out == *"est ambigu"* ]] ||
	t_fail "ambiguous, in French: $out"
rc=0
"$cli" void ab --reason x >/dev/null 2>"$T_TMP/err" || rc=$?
t_eq "$rc" 2 "too short a prefix is a usage error"

# --- another jurist, an admin, a reporter
t_eq "$(CALLSHEET_USER=jur2 "$cli" list 2>/dev/null | wc -l)" 0 "jur2 sees none of jur's"
rc=0
CALLSHEET_USER=jur2 "$cli" amend "${id:0:8}" --dept 75 >/dev/null 2>"$T_TMP/err" || rc=$?
t_eq "$rc" 1 "jur2 cannot find jur's sheet"
grep -q 'no sheet of yours' "$T_TMP/err" || t_fail "jur2: $(cat "$T_TMP/err")"
CALLSHEET_USER=boss "$cli" list >"$T_TMP/admin" || t_fail "admin list"
grep -q "^${id:0:8}  jur  " "$T_TMP/admin" || t_fail "an admin sees who logged: $(cat "$T_TMP/admin")"
t_eq "$(CALLSHEET_USER=boss "$cli" list --user jur2 | wc -l)" 0 "--user jur2"
CALLSHEET_USER=boss "$cli" void "${id:0:8}" --reason "admin" >/dev/null ||
	t_fail "an admin voids any sheet by its prefix"
rc=0
CALLSHEET_USER=rep "$cli" list >/dev/null 2>&1 || rc=$?
t_eq "$rc" 1 "a reporter lists no sheet"
"$cli" list --help | grep -q -- '--since DATE' || t_fail "list --help"
t_note "ok"
