# tests/integration/i18n.sh: the callsheet command in French and in
# English: the language follows LC_ALL, LC_MESSAGES and LANG (French when
# the first set starts with fr), works although fr_FR.UTF-8 may not be
# installed, covers the server's validation errors, and never changes a
# machine-readable output.
. "$CALLSHEET_TEST_LIB/testlib.sh"

db=$(t_fresh_db)
t_start_daemon "$db"
t_create_user "$db" jur jurist secret
export CALLSHEET_USER=jur CALLSHEET_PASSWORD=secret
cli=$CALLSHEET_TEST_CLI

# expect_err WANT_TEXT ENV... -- ARGS...: the command fails and its stderr
# has WANT_TEXT.
expect_err() {
	local want=$1 rc=0
	shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]}" "$cli" "$@" >"$T_TMP/out" 2>"$T_TMP/err" || rc=$?
	[ "$rc" -ne 0 ] || t_fail "$* succeeded (${envs[*]})"
	grep -qF -- "$want" "$T_TMP/err" ||
		t_fail "${envs[*]} $*: no '$want' in: $(cat "$T_TMP/err")"
}

robot=(log --caller robot --topic entry --dept 75)
# the server refuses the sheet; the client says why in the user's language
expect_err "caller: 'robot' is not a known code; allowed: individual, professional" \
	LANG=C.UTF-8 -- "${robot[@]}"
expect_err "caller : « robot » n'est pas un code connu ; permis : individual, professional ; fiche" \
	LANG=fr_FR.UTF-8 -- "${robot[@]}"
expect_err "n'est pas un code connu" LANG=fr -- "${robot[@]}"
expect_err "is not a known code" LC_ALL=en_US.UTF-8 LANG=fr_FR.UTF-8 -- "${robot[@]}"
expect_err "n'est pas un code connu" LC_MESSAGES=fr_CA.UTF-8 LANG=en_US.UTF-8 -- "${robot[@]}"
expect_err "is not a known code" LANGUAGE=fr LANG=en_US.UTF-8 -- "${robot[@]}"
expect_err "« 20 » n'est pas un code connu ; permis : un code de département" \
	LANG=fr_FR.UTF-8 -- log --caller individual --topic entry --dept 20
expect_err "household : ne s'applique qu'aux particuliers" \
	LANG=fr_FR.UTF-8 -- log --caller professional --topic entry --dept 75 --household man

# an amendment is checked like a new sheet, and said the same way
id=$("$cli" log --caller individual --topic entry --dept 75) || t_fail "log"
expect_err "household : ne s'applique qu'aux particuliers" \
	LANG=fr_FR.UTF-8 -- amend "$id" --caller professional --household man
expect_err "« robot » n'est pas un code connu" LANG=fr_FR.UTF-8 -- \
	amend "$id" --origin robot

# the server's errors without a reason: said again from the catalog
expect_err "nom d'utilisateur ou mot de passe incorrect" LANG=fr_FR.UTF-8 \
	CALLSHEET_PASSWORD=wrong-password -- report
expect_err "group_by : « nope » n'est pas une dimension ; permis :" LANG=fr_FR.UTF-8 -- \
	report --by nope
# what is allowed is the server's list, every query dimension
expect_err "month, weekday, hour" LANG=C.UTF-8 -- report --by duration
grep -qF "jurist" "$T_TMP/err" || t_fail "the dimensions allowed: $(cat "$T_TMP/err")"
future=(log --caller individual --topic entry --dept 75 --start 2030-01-01T10:00:00Z)
# in the service's zone (Europe/Paris), whatever the workstation's
expect_err "call_start : 2030-01-01 11:00 +0100 " \
	LANG=fr_FR.UTF-8 TZ=UTC -- "${future[@]}"
expect_err "call_start: 2030-01-01 11:00 +0100 " \
	LANG=C.UTF-8 TZ=America/New_York -- "${future[@]}"
grep -q 1893492000 "$T_TMP/err" && t_fail "a raw Unix time: $(cat "$T_TMP/err")"

# every command's --help, in French
for c in log report new amend void admin watch import export login logout passwd \
	"admin user" "admin taxonomy" "admin min-cell" "admin audit" "admin close-period" \
	"report annual"; do
	LANG=fr_FR.UTF-8 "$cli" $c --help >"$T_TMP/fr" || t_fail "$c --help"
	LANG=C.UTF-8 "$cli" $c --help >"$T_TMP/en" || t_fail "$c --help"
	! cmp -s "$T_TMP/fr" "$T_TMP/en" || t_fail "$c --help is English in French"
	# the usage line too, with the placeholders the French help names
	! head -2 "$T_TMP/fr" | grep -q 'Y-M\|--year Y\|FILE\|NAME\|PREFIX\|yearly' ||
		t_fail "$c: the French usage line is English: $(head -2 "$T_TMP/fr")"
done
for c in "admin population" "admin budget" list spool; do
	LANG=fr_FR.UTF-8 "$cli" $c --help >"$T_TMP/fr" || t_fail "$c --help"
	! head -2 "$T_TMP/fr" | grep -q 'Y-M\|--year Y\|FILE\|NAME\|PREFIX\|yearly' ||
		t_fail "$c: the French usage line is English: $(head -2 "$T_TMP/fr")"
done

# the client's own errors, before any connection
expect_err "--duration « 1h30 » invalide" LANG=fr_FR.UTF-8 -- log --caller individual \
	--topic entry --duration 1h30
expect_err "invalid --duration '1h30'" LANG=C.UTF-8 -- log --caller individual \
	--topic entry --duration 1h30
expect_err "commande inconnue « lgo »" LANG=fr_FR.UTF-8 -- lgo
expect_err "aucun compte : donnez -u COMPTE" LANG=fr_FR.UTF-8 CALLSHEET_USER= -- \
	log --caller individual --topic entry --dept 75
expect_err "impossible de se connecter à 127.0.0.1:1" LANG=fr_FR.UTF-8 \
	CALLSHEET_SERVER=127.0.0.1:1 -- report

LANG=fr_FR.UTF-8 "$cli" --help >"$T_TMP/help" || t_fail "--help"
grep -q '^Commandes :' "$T_TMP/help" || t_fail "French --help: $(head -3 "$T_TMP/help")"
grep -q 'saisie guidée' "$T_TMP/help" || t_fail "French command summaries"
LANG=C.UTF-8 "$cli" --help | grep -q '^Commands:' || t_fail "English --help"

# a human table is translated; CSV and JSON are not
"$cli" log --caller individual --topic entry --dept 75 >/dev/null || t_fail "log"
LANG=fr_FR.UTF-8 "$cli" report --by caller >"$T_TMP/table" || t_fail "report"
head -n 1 "$T_TMP/table" | grep -q 'nombre *pourcentage' ||
	t_fail "French table header: $(head -n 1 "$T_TMP/table")"
LANG=fr_FR.UTF-8 "$cli" report --by caller --format csv >"$T_TMP/csv" || t_fail "csv"
t_eq "$(head -n 1 "$T_TMP/csv")" "caller,count,percent" "CSV header in French"
t_eq "$(sed -n 2p "$T_TMP/csv")" "individual,2,100.00" "CSV numbers keep their point"
LANG=fr_FR.UTF-8 "$cli" report --format json | grep -q '"total":2' ||
	t_fail "JSON in French"

# a table says labels, not codes (issue 15): the caller, the département
# by name, the weekday, the call type; in French and in English
grep -q '^Particulier  *2  *100,0\|^Particulier  *2  *100\.0' "$T_TMP/table" ||
	t_fail "French label of individual: $(cat "$T_TMP/table")"
! grep -q 'individual' "$T_TMP/table" || t_fail "no code in the table: $(cat "$T_TMP/table")"
"$cli" report --by caller | grep -q '^Individual ' || t_fail "English label of individual"
LANG=fr_FR.UTF-8 "$cli" report --by department,caller >"$T_TMP/cross" || t_fail "cross"
grep -q '^Paris (75) ' "$T_TMP/cross" || t_fail "département by name: $(cat "$T_TMP/cross")"
grep -q 'Particulier' "$T_TMP/cross" || t_fail "cross table labels: $(cat "$T_TMP/cross")"
"$cli" log --call-type silent >/dev/null || t_fail "log a silent call"
LANG=fr_FR.UTF-8 "$cli" report --by call_type >"$T_TMP/types" || t_fail "by call type"
grep -q '^Consultation ' "$T_TMP/types" && grep -q '^Appel muet ' "$T_TMP/types" ||
	t_fail "call types in French: $(cat "$T_TMP/types")"
# the report says what it counted, and what it left out (issue 15)
"$cli" report >"$T_TMP/what" || t_fail "report"
grep -qx '2 consultations; 1 other call not counted: --where call_type=TYPE or --by call_type counts it' \
	"$T_TMP/what" || t_fail "says what it counts: $(cat "$T_TMP/what")"
LANG=fr_FR.UTF-8 "$cli" report --by caller >"$T_TMP/what" || t_fail "report"
grep -q '^2 consultations ; 1 autre appel non compté : --where call_type=TYPE' \
	"$T_TMP/what" || t_fail "in French: $(cat "$T_TMP/what")"
"$cli" report --by call_type | grep -q 'not counted' && t_fail "by call type: every call counts"
"$cli" report --where call_type=silent | grep -q 'not counted' && t_fail "a call type named"
LANG=C.UTF-8 "$cli" report --by weekday | grep -q "^[A-Z][a-z]*day " ||
	t_fail "weekday by name: $("$cli" report --by weekday)"
LANG=fr_FR.UTF-8 "$cli" report --by month | grep -q "^[a-zéû]* $(date +%Y) " ||
	t_fail "month by name: $(LANG=fr_FR.UTF-8 "$cli" report --by month)"
t_eq "$(LANG=fr_FR.UTF-8 "$cli" report --by household,caller --format csv | sed -n 2p | cut -d, -f2)" \
	"individual" "CSV keeps the codes"
t_note "ok"
