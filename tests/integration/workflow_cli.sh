# tests/integration/workflow_cli.sh: callsheet amend, void, admin audit,
# admin close-period, and report showing published and restated figures,
# as a person types them: outputs, exit statuses, one-line errors.
. "$CALLSHEET_TEST_LIB/testlib.sh"

db=$(t_fresh_db)
t_start_daemon "$db"
t_create_user "$db" admin admin a-pass
t_create_user "$db" jur jurist j-pass
t_create_user "$db" rep reporter r-pass
export TZ=UTC

cs() { "$CALLSHEET_TEST_CLI" "$@"; }
as() {
	local user=$1 pass
	shift
	case $user in admin) pass=a-pass ;; jur) pass=j-pass ;; *) pass=r-pass ;; esac
	CALLSHEET_USER=$user CALLSHEET_PASSWORD=$pass cs "$@"
}
# fails CMD...: CMD must exit with status 1 or 2 and say why on stderr.
fails() {
	local want=$1 rc=0
	shift
	"$@" >"$T_TMP/out" 2>"$T_TMP/err" || rc=$?
	[ "$rc" -eq "$want" ] || t_fail "$*: exit $rc, want $want ($(cat "$T_TMP/err"))"
	[ "$(wc -l <"$T_TMP/err")" -eq 1 ] || t_fail "$*: not one line: $(cat "$T_TMP/err")"
}

log2020() {
	as jur log --caller individual --dept "$1" --household woman \
		--origin africa --topic residence --start "2020-$2T10:00:00+01:00"
}

# --------------------------------------------------------------- amend
id=$(as jur log --caller individual --dept 75 --household woman \
	--origin africa --topic residence)
out=$(as jur amend "$id" --caller professional --pro-kind association)
t_eq "$out" "sheet $id amended
  caller      individual -> professional
  pro_kind    (none) -> association
  household   woman -> (none)
  origin      africa -> (none)" "amend output"
out=$(as jur amend "$id" --pro-kind association)
t_eq "$out" "sheet $id: already so; nothing changed" "amend again"
as jur amend "$id" --clear pro-kind --caller individual --household man \
	--origin asia >/dev/null
fails 1 as jur amend "$id" --clear pro-sector --pro-sector other_public
grep -q "both given and cleared" "$T_TMP/err" || t_fail "given and cleared: $(cat "$T_TMP/err")"
fails 2 as jur amend "$id" --clear name
grep -q "invalid --clear 'name'" "$T_TMP/err" || t_fail "bad --clear: $(cat "$T_TMP/err")"
fails 2 as jur amend not-an-id --dept 93
fails 2 as jur amend "$id" --duration 7x
fails 1 as rep amend "$id" --dept 93

# ---------------------------------------------------------------- void
fails 2 as jur void "$id"
grep -q -- "--reason is required" "$T_TMP/err" || t_fail "void without reason"
out=$(as jur void "$id" --reason "test call")
t_eq "$out" "sheet $id voided" "void output"
out=$(as jur void "$id" --reason "again")
case $out in
"sheet $id was already voided on "*" by jur: test call") ;;
*) t_fail "void again: $out" ;;
esac

# --------------------------------------------------------------- audit
out=$(as admin admin audit --sheet "$id")
lines=$(printf '%s\n' "$out" | grep -c "^#")
t_eq "$lines" 3 "three changes to the sheet"
# a start of the id, as amend and void take it
t_eq "$(as admin admin audit --sheet "${id:0:8}")" "$out" "audit --sheet with a short id"
printf '%s\n' "$out" | grep -q "^    origin      africa -> (none)$" ||
	t_fail "audit shows old and new values: $out"
printf '%s\n' "$out" | grep -q "^    reason      test call$" ||
	t_fail "audit shows the reason: $out"
as jur admin audit --format json | grep -q '"action":"void","reason":"test call"' ||
	t_fail "a jurist sees the audit of their sheets as JSON"
fails 1 as rep admin audit
fails 2 as admin admin audit --from 2020-02-30
# times shown to people are the service's (Europe/Paris), not the
# workstation's (issue 15): the same change read from New York
at=$(as admin admin audit --sheet "$id" --format json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"][0]["at"])')
paris=$(TZ=Europe/Paris date -d "$at" '+%Y-%m-%d %H:%M')
out=$(TZ=America/New_York as admin admin audit --sheet "$id")
[[ $(printf '%s\n' "$out" | head -n 1) == "#"*"  $paris  "* ]] ||
	t_fail "audit in the service's zone ($paris, at $at): $out"
out=$(TZ=America/New_York as jur void "$id" --reason "again")
[[ $out == *"voided on $(TZ=Europe/Paris date -d "$(as admin admin audit --sheet "$id" --format json |
	python3 -c 'import json,sys; print([e for e in json.load(sys.stdin)["entries"] if e["action"] == "void"][0]["at"])')" '+%Y-%m-%d %H:%M')"* ]] ||
	t_fail "a void said again, in the service's zone: $out"

# ----------------------------------------------- closed period, report
a=$(log2020 75 03-04)
b=$(log2020 75 05-06)
log2020 93 07-08 >/dev/null
fails 1 as jur admin close-period --year 2020
fails 2 as admin admin close-period --from 2020-01-02 --to 2020-12-31
# the option given twice is named, not its second value
fails 2 as admin admin close-period --year 2020 --year 2021
grep -q -- "--year given twice" "$T_TMP/err" ||
	t_fail "close-period names the option given twice: $(cat "$T_TMP/err")"
out=$(as admin admin close-period --year 2020)
case $out in "2020 closed: its published figures are frozen ("*) ;;
*) t_fail "close: $out" ;; esac
out=$(as admin admin close-period --from 2020-01-01 --to 2020-12-31)
case $out in "2020 was already closed on "*" by admin") ;;
*) t_fail "close again: $out" ;; esac
# a year not over, and a reporter's year not closed: the period as a
# person names it, not the dates of the protocol (issue 13)
y=$(date +%Y)
fails 1 as admin admin close-period --year "$y"
grep -q "^.*$y is not over: a period can be closed once it has ended" "$T_TMP/err" ||
	t_fail "a year not over: $(cat "$T_TMP/err")"
LANG=fr_FR.UTF-8 fails 1 as admin admin close-period --year "$y"
grep -q "$y n'est pas terminé : une période peut être close" "$T_TMP/err" ||
	t_fail "a year not over, in French: $(cat "$T_TMP/err")"
fails 1 as rep report --year 2021
grep -q "2021 is not closed (2021-01 is in no closed period).*closed: 2020$" "$T_TMP/err" ||
	t_fail "a reporter's year not closed: $(cat "$T_TMP/err")"
grep -q "2022-01-01" "$T_TMP/err" && t_fail "the end date shown: $(cat "$T_TMP/err")"

fails 1 as jur amend "$a" --dept 94
grep -q "closed period 2020" "$T_TMP/err" || t_fail "jurist in closed period"
fails 1 as admin amend "$a" --dept 94
grep -q "reason: required" "$T_TMP/err" || t_fail "admin without reason"
out=$(as admin amend "$a" --dept 94 --reason "caller from Val-de-Marne")
t_eq "$(printf '%s\n' "$out" | tail -n 1)" \
	"restates the published figures of 2020" "a restatement"
as admin void "$b" --reason "duplicate" >/dev/null

out=$(as admin report --year 2020)
t_eq "$out" "total 2
2020 published 3, restated 2: caller from Val-de-Marne; voided: duplicate" \
	"report with the restatement"
# filtered: the changes listed are the period's, not this figure's
out=$(as admin report --year 2020 --where department=93)
t_eq "$(printf '%s\n' "$out" | tail -n 1)" \
	"2020 published 1, restated 1; the period's changes, every sheet: caller from Val-de-Marne; voided: duplicate" \
	"a filtered report says whose the changes are"
out=$(as admin report --year 2020 --by department)
t_eq "$out" "Département             count  percent
Seine-Saint-Denis (93)      1     50.0
Val-de-Marne (94)           1     50.0
total                       2
2020 published 3, restated 2: caller from Val-de-Marne; voided: duplicate
  Val-de-Marne (94): published 0, restated 1
  Paris (75): published 2, restated 0" "report by département, by name"
out=$(as admin report --year 2020 --by department --format csv)
t_eq "$out" "department,count,percent,published
93,1,50.00,1
94,1,50.00,0
75,0,0.00,2" "CSV with the published column"
as admin report --year 2020 --format json |
	grep -q '"restatements":\[{"period":{"from":"2020-01-01","to":"2021-01-01"},"compared":{"from":"2020-01-01","to":"2021-01-01"},"published_total":3,"restated_total":2,' ||
	t_fail "JSON with the restatements"
out=$(as admin report --year 2021 --format csv)
t_eq "$out" "count,percent
0,0.00" "a year with no closed period: the CSV of before"
# in French
out=$(LANG=fr_FR.UTF-8 as admin report --year 2020)
t_eq "$(printf '%s\n' "$out" | tail -n 1)" \
	"2020 publié 3, rectifié 2 : caller from Val-de-Marne ; annulée : duplicate" \
	"the restatement in French"
out=$(LANG=fr_FR.UTF-8 as jur void "$id" --reason "again")
case $out in "la fiche $id était déjà annulée le "*) ;;
*) t_fail "void again, in French: $out" ;; esac

# a reporter (the cell-key method) gets the two totals perturbed (the
# restated 2 reads 0), never the reasons
out=$(as rep report --year 2020 --by department)
case $out in *"Val-de-Marne"* | *"duplicate"*) t_fail "a reporter read the reasons: $out" ;; esac
case $out in
*"2020 published "*", restated 0"*"(totals perturbed for confidentiality; the rows and the changes are withheld)"*) ;;
*"2020 published"*) t_fail "restatements for a reporter: $out" ;;
esac
t_note "ok"
