#!/usr/bin/env bash
# unix_socket.sh: listen_unix. The daemon also listens on a unix-domain
# socket (plaintext, the same logins); callsheet reaches it with -s PATH
# or -s unix:PATH; the kernel's peer credentials are logged; a stale
# socket is replaced at start, and the socket is removed at exit.
. "$CALLSHEET_TEST_LIB/testlib.sh"

db=$(t_fresh_db)
sock=$T_TMP/cs.sock
# a stale socket from a daemon that died: replaced
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$sock"
t_start_daemon "$db" --listen-unix "$sock"
t_create_user "$db" jurist1 jurist secret
export CALLSHEET_USER=jurist1 CALLSHEET_PASSWORD=secret
cli=$CALLSHEET_TEST_CLI
[ -S "$sock" ] || t_fail "no socket at $sock"

log() { "$cli" -s "$1" log --start 2025-03-04T10:15:00+01:00 --duration 7m \
	--caller individual --dept 75 --topic residence; }
id=$(log "$sock") || t_fail "log through $sock"
log "unix:$sock" >/dev/null || t_fail "log through unix:$sock"
t_eq "$("$cli" -s "$sock" report --year 2025 --format csv)" "count,percent
2,100.00" "report through the socket"
# the same daemon over TCP sees them
t_eq "$("$cli" report --year 2025 --format csv)" "count,percent
2,100.00" "the same sheets over TCP"
# the same logins: a wrong password is refused there too
if CALLSHEET_PASSWORD=wrong "$cli" -s "$sock" report --year 2025 \
	>/dev/null 2>&1; then
	t_fail "a wrong password was accepted on the unix socket"
fi
grep -q "unix connection from pid [0-9]*, uid $(id -u)" "$T_TMP"/callsheetd.0.log ||
	t_fail "peer credentials not logged"
[[ $id =~ ^[0-9a-f-]{36}$ ]] || t_fail "log prints the id, got [$id]"

# a path that does not exist: a clear error
if err=$("$cli" -s "$T_TMP/none.sock" report --year 2025 2>&1); then
	t_fail "a missing socket was reached"
fi
[[ $err == *"$T_TMP/none.sock"* ]] || t_fail "the error names the path: [$err]"

t_stop_daemon "$T_DAEMON_PID"
[ ! -e "$sock" ] || t_fail "the socket is left behind at exit"
