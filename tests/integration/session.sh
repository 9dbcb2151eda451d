# shellcheck shell=bash
# session.sh: callsheet login / logout / passwd. One login gives a token
# (kept 0600, stored hashed) that the next commands use instead of the
# password; logout, an expiry, a password change or disabling the account
# on another daemon ends it, and the command then asks for the password
# (here: none can be asked, no terminal, so it says so and fails).
. "$CALLSHEET_TEST_LIB/testlib.sh"

cs() { "$CALLSHEET_TEST_CLI" "$@"; }
db=$(t_fresh_db)
t_start_daemon "$db"
A=$CALLSHEET_SERVER
t_start_daemon "$db"
B=$CALLSHEET_SERVER
t_create_user "$db" jur jurist first-pw
t_create_user "$db" jur2 jurist jur2-pass
t_create_user "$db" boss admin admin-pw
export CALLSHEET_USER=jur CALLSHEET_SERVER=$A
unset CALLSHEET_PASSWORD
sessions=$CALLSHEET_STATE_DIR/sessions
log_one() { cs "$@" log --caller individual --dept 75 --topic residence; }
asks_password() { # the command needed the password (and had none)
	! log_one "$@" >"$T_TMP/out" 2>&1 &&
		grep -q "cannot read a password from the terminal" "$T_TMP/out"
}

asks_password || t_fail "without a session, log needs the password: $(cat "$T_TMP/out")"

# ------------------------------------------------------------ login
CALLSHEET_PASSWORD=first-pw TZ=UTC cs login >"$T_TMP/out" 2>&1 || t_fail "login: $(cat "$T_TMP/out")"
grep -q "logged in as jur on $A until " "$T_TMP/out" || t_fail "login says: $(cat "$T_TMP/out")"
# "until" in the service's zone (Europe/Paris by default), whatever the
# workstation's (TZ=UTC here): the hour of now + 12 h there, or the next
# one if the minute turned meanwhile
until=$(sed -n 's/.* until [0-9-]* \([0-9][0-9]\):.*/\1/p' "$T_TMP/out")
want=$(TZ=Europe/Paris date -d '+12 hours' +%H)
next=$(TZ=Europe/Paris date -d '+12 hours +1 minute' +%H)
[ "$until" = "$want" ] || [ "$until" = "$next" ] ||
	t_fail "login's 'until' is not in the service's zone: $(cat "$T_TMP/out") (want hour $want)"
file=$(find "$sessions" -type f)
t_eq "$(stat -c %a "$file")" 600 "the session file's mode"
t_eq "$(stat -c %a "$sessions")" 700 "the sessions folder's mode"
token=$(cut -d' ' -f1 "$file")
t_eq "${#token}" 64 "a token of 256 bits in hex"
t_eq "$(t_sql "$db" "SELECT count(*) FROM session_token WHERE token_sha256 = sha256(convert_to('$token', 'UTF8')) AND revoked_at IS NULL")" 1 \
	"the database holds the token's SHA-256"
t_eq "$(t_sql "$db" "SELECT count(*) FROM session_token t WHERE encode(t.token_sha256, 'hex') = '$token'")" 0 \
	"and not the token"

id=$(log_one) || t_fail "log with the session, no password: $id"
[ ${#id} -eq 36 ] || t_fail "log prints the sheet id: $id"
grep -q "logged in as jur" "$T_TMP/callsheetd.0.log" || t_fail "the daemon logged the login"
cs report --year 2026 --format csv >/dev/null || t_fail "report with the session"
# another server has no session of its own: the password is asked there
asks_password -s "$B" || t_fail "a session is for its server: $(cat "$T_TMP/out")"

# ------------------------------------------------------------ logout
cs logout >"$T_TMP/out" 2>&1 || t_fail "logout: $(cat "$T_TMP/out")"
grep -q "logged out" "$T_TMP/out" || t_fail "logout says: $(cat "$T_TMP/out")"
[ ! -e "$file" ] || t_fail "logout forgets the token"
t_eq "$(t_sql "$db" "SELECT count(*) FROM session_token WHERE revoked_at IS NULL")" 0 "logout revokes the token"
asks_password || t_fail "after logout, log asks for the password: $(cat "$T_TMP/out")"
# the token itself, presented again, is refused
printf '%s %s\n' "$token" $(($(date +%s) + 3600)) >"$file"
asks_password || t_fail "an ended token is refused: $(cat "$T_TMP/out")"
grep -q "the session of jur on $A has ended; password needed" "$T_TMP/out" ||
	t_fail "the ended session is named: $(cat "$T_TMP/out")"
[ ! -e "$file" ] || t_fail "a refused token is forgotten"

# ------------------------------------------------- passwd, on another daemon
CALLSHEET_PASSWORD=first-pw cs -s "$B" login >/dev/null 2>&1 || t_fail "login on B"
log_one -s "$B" >/dev/null 2>&1 || t_fail "log on B with its session"
printf 'wrong-pw\nsecond-pw\nsecond-pw\n' | cs passwd --password-stdin >"$T_TMP/out" 2>&1 &&
	t_fail "passwd with a wrong current password"
grep -q "wrong user name or password" "$T_TMP/out" || t_fail "wrong current password: $(cat "$T_TMP/out")"
printf 'first-pw\nsecond-pw\n' | cs passwd --password-stdin >"$T_TMP/out" 2>&1 ||
	t_fail "passwd: $(cat "$T_TMP/out")"
grep -q "password of jur changed" "$T_TMP/out" || t_fail "passwd says: $(cat "$T_TMP/out")"
asks_password -s "$B" || t_fail "passwd on A ends the session on B: $(cat "$T_TMP/out")"
CALLSHEET_PASSWORD=first-pw log_one >"$T_TMP/out" 2>&1 && t_fail "the old password still works"
CALLSHEET_PASSWORD=second-pw log_one >/dev/null || t_fail "the new password works"

# passwd with a session: the workstation stays logged in, with a new token
CALLSHEET_PASSWORD=second-pw cs login >/dev/null 2>&1 || t_fail "login again"
before=$(cut -d' ' -f1 "$(find "$sessions" -type f -name "*$(echo "$A" | tr : _)*")")
printf 'second-pw\nthird-pw-3\n' | cs passwd --password-stdin >"$T_TMP/out" 2>&1 ||
	t_fail "passwd with a session: $(cat "$T_TMP/out")"
grep -q "this workstation stays logged in" "$T_TMP/out" || t_fail "passwd renews: $(cat "$T_TMP/out")"
after=$(cut -d' ' -f1 "$(find "$sessions" -type f -name "*$(echo "$A" | tr : _)*")")
[ "$before" != "$after" ] || t_fail "a new token after passwd"
log_one >/dev/null 2>&1 || t_fail "log after passwd, with the renewed session"

# ------------------------------------------------------------ expiry
# Login throttling counts a refused token as a failed login, and failures
# stay counted for a while whatever succeeds in between: what follows
# runs as another jurist, whose count starts afresh.
export CALLSHEET_USER=jur2
CALLSHEET_PASSWORD=jur2-pass cs login >/dev/null 2>&1 || t_fail "login as jur2"
t_sql "$db" "UPDATE session_token SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL" >/dev/null
asks_password || t_fail "an expired session asks for the password: $(cat "$T_TMP/out")"
# with the password at hand, the session is renewed on the way
CALLSHEET_PASSWORD=jur2-pass cs login >/dev/null 2>&1 || t_fail "login after expiry"
t_sql "$db" "UPDATE session_token SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL" >/dev/null
CALLSHEET_PASSWORD=jur2-pass log_one >"$T_TMP/out" 2>&1 || t_fail "log with the password after expiry: $(cat "$T_TMP/out")"
log_one >/dev/null 2>&1 || t_fail "the password renewed the ended session"
# an expiry the workstation knows: no attempt at all
f=$(find "$sessions" -type f -name "*$(echo "$A" | tr : _)-jur2")
printf '%s %s\n' "$(cut -d' ' -f1 "$f")" $(($(date +%s) - 1)) >"$f"
asks_password || t_fail "a session expired by its file: $(cat "$T_TMP/out")"

# ------------------------------------------------------------ disable
CALLSHEET_PASSWORD=jur2-pass cs login >/dev/null 2>&1 || t_fail "login before disable"
CALLSHEET_PASSWORD=admin-pw cs -s "$B" -u boss admin user disable jur2 >/dev/null || t_fail "disable"
t_eq "$(t_sql "$db" "SELECT count(*) FROM session_token t JOIN account a ON a.id = t.account_id WHERE t.revoked_at IS NULL AND a.name = 'jur2'")" 0 \
	"disable revokes every token of the account"
CALLSHEET_PASSWORD=admin-pw cs -s "$B" -u boss admin user enable jur2 >/dev/null || t_fail "enable"
asks_password || t_fail "a session does not outlive a disable: $(cat "$T_TMP/out")"

# throttled and counted like a password: wrong tokens lock the account out
for _ in 1 2 3 4 5 6; do
	printf '%064d %s\n' 7 $(($(date +%s) + 3600)) >"$f"
	log_one >/dev/null 2>&1 || true
done
printf '%064d %s\n' 7 $(($(date +%s) + 3600)) >"$f"
log_one >"$T_TMP/out" 2>&1 && t_fail "a forged token logged in"
grep -q "too many attempts" "$T_TMP/out" || t_fail "forged tokens are throttled: $(cat "$T_TMP/out")"
t_note "ok"
