#!/usr/bin/env bash
# admin_cli.sh: "callsheet admin user ..." as an administrator types it:
# add (password from stdin), list, passwd, disable, enable; its mistakes
# (exit 2, one line naming the fix); a non-admin refused; French output.
. "$CALLSHEET_TEST_LIB/testlib.sh"

db=$(t_fresh_db)
t_start_daemon "$db"
t_create_user "$db" boss admin boss-password
t_create_user "$db" jurist1 jurist j1-pass
cs() { CALLSHEET_USER=boss CALLSHEET_PASSWORD=boss-password "$CALLSHEET_TEST_CLI" "$@"; }

out=$(printf 'lea-password-1\n' | cs admin user add lea --role reporter --password-stdin)
t_eq "$out" "account 'lea' created, role reporter" "add"
# a reporter sees closed periods only
cs admin close-period --year 2025 >/dev/null || t_fail "close 2025"
out=$(CALLSHEET_USER=lea CALLSHEET_PASSWORD=lea-password-1 "$CALLSHEET_TEST_CLI" report --year 2025 --format csv | head -n 1)
t_eq "$out" "count,percent" "the new reporter reports"

out=$(cs admin user list | awk 'NR > 1 { print $1, $2, $3 }' | paste -sd ' ')
t_eq "$out" "boss admin active jurist1 jurist active lea reporter active" "list"

out=$(printf 'lea-password-2\n' | cs admin user passwd lea --password-stdin)
t_eq "$out" "password of 'lea' changed; its other sessions were closed and its session tokens revoked" "passwd"
CALLSHEET_USER=lea CALLSHEET_PASSWORD=lea-password-1 "$CALLSHEET_TEST_CLI" report --year 2025 >/dev/null 2>&1 &&
	t_fail "the old password still works"

out=$(cs admin user disable lea)
t_eq "$out" "account 'lea' disabled; its sessions were closed" "disable"
out=$(cs admin user list | awk '$1 == "lea" { print $3 }')
t_eq "$out" "disabled" "list shows it"
err=$(CALLSHEET_USER=lea CALLSHEET_PASSWORD=lea-password-2 "$CALLSHEET_TEST_CLI" report --year 2025 2>&1 >/dev/null) &&
	t_fail "a disabled account logged in"
t_eq "$err" "callsheet: this account is disabled; ask an administrator" "disabled login"
out=$(cs admin user enable lea)
t_eq "$out" "account 'lea' enabled" "enable"

# Mistakes: exit 2 before anything is sent, with what to do.
expect_usage() { # WHAT NEEDLE ARGS...
	local what=$1 needle=$2 rc=0 err
	shift 2
	err=$(cs "$@" 2>&1 </dev/null) || rc=$?
	t_eq "$rc" 2 "$what: exit status"
	case $err in *"$needle"*) ;; *) t_fail "$what: got [$err]" ;; esac
}
expect_usage "no role" "needs --role jurist, reporter or admin" admin user add x --password-stdin
expect_usage "bad role" "(got boss)" admin user add x --role boss --password-stdin
expect_usage "no name" "takes one account name" admin user disable
expect_usage "unknown action" "unknown action 'delete'" admin user delete lea
expect_usage "stray option" "--role does not apply to 'user passwd'" admin user passwd lea --role admin
expect_usage "unknown admin command" "unknown subcommand 'users'" admin users list

rc=0
err=$(printf '\n' | cs admin user add y --role jurist --password-stdin 2>&1) || rc=$?
t_eq "$rc" 1 "an empty password: exit status"
case $err in *"too short"*) ;; *) t_fail "empty password: got [$err]" ;; esac
rc=0
err=$(cs admin user add y --role jurist 2>&1 </dev/null) || rc=$?
case $err in *"--password-stdin"*) ;; *) t_fail "no terminal: got [$err] ($rc)" ;; esac

# Only an admin administers.
rc=0
err=$(CALLSHEET_USER=jurist1 CALLSHEET_PASSWORD=j1-pass "$CALLSHEET_TEST_CLI" admin user list 2>&1) || rc=$?
t_eq "$rc" 1 "a jurist: exit status"
t_eq "$err" "callsheet: Only an administrator can list the accounts." "a jurist is refused, in words a person understands"
err=$(LANG=fr_FR.UTF-8 CALLSHEET_USER=jurist1 CALLSHEET_PASSWORD=j1-pass "$CALLSHEET_TEST_CLI" admin user list 2>&1) || true
t_eq "$err" "callsheet: Seul un administrateur peut lister les comptes." "a jurist is refused, in French"

# French when the locale says so.
out=$(LANG=fr_FR.UTF-8 cs admin user enable lea)
t_eq "$out" "compte « lea » réactivé" "French"
out=$(LANG=fr_FR.UTF-8 cs admin user list | head -n 1 | awk '{ print $1, $2, $3 }')
t_eq "$out" "nom rôle état" "French headers"
# columns line up although "rôle" and "état" take more bytes than letters
LANG=fr_FR.UTF-8 cs admin user list >"$T_TMP/list"
head=$(head -n 1 "$T_TMP/list") row=$(grep '^lea ' "$T_TMP/list")
head=${head%%créé*} row=${row%%20[0-9][0-9]-*}
t_eq "${#head}" "${#row}" "the French columns line up"
t_note "ok"
