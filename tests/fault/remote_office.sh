#!/usr/bin/env bash
# remote_office.sh: callsheet across a real network boundary. Two network
# namespaces joined by a veth pair (10.77.0.1 the office with callsheetd,
# 10.77.0.2 a remote workstation), addresses that exist only inside them.
# Checks: TLS login, logging and reporting work; plaintext, an untrusted CA
# and the system store are refused; a daemon without TLS will not listen
# there; with the link cut (ip link set down) in the middle of a batch of
# `callsheet log` calls, the sheets wait in the spool and, once the link is
# back, are delivered exactly once. The daemon runs as a PostgreSQL role
# with only the grants of scripts/pg-app-role.sql, through the cluster's
# unix socket (the namespaces share the file system).
#
# Needs root and `ip netns` (iproute2); otherwise it reports itself skipped
# (exit 77) with the reason.
. "$CALLSHEET_TEST_LIB/testlib.sh"

skip() {
	t_note "SKIPPED: $*"
	exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root to create network namespaces"
command -v ip >/dev/null || skip "no 'ip' command (package iproute2)"
command -v openssl >/dev/null || skip "no 'openssl' command"
command -v psql >/dev/null || skip "no 'psql' command"

srv_ns=cs-office-$$
cli_ns=cs-remote-$$
srv_if=csv$$a
cli_if=csv$$b
srv_ip=10.77.0.1
cli_ip=10.77.0.2
port=7420

# The namespaces go whatever happens; the daemon inside is stopped by
# testlib's own cleanup (a namespace lives on until its last process
# exits, so the order does not matter).
_remote_cleanup() {
	local rc=$?
	ip netns del "$srv_ns" 2>/dev/null || true
	ip netns del "$cli_ns" 2>/dev/null || true
	(exit "$rc")
	_t_cleanup
}
trap _remote_cleanup EXIT

ip netns add "$srv_ns" 2>"$T_TMP/netns.err" ||
	skip "cannot create a network namespace: $(head -n 1 "$T_TMP/netns.err")"
ip netns add "$cli_ns"
ip link add "$srv_if" type veth peer name "$cli_if"
ip link set "$srv_if" netns "$srv_ns"
ip link set "$cli_if" netns "$cli_ns"
ip -n "$srv_ns" addr add "$srv_ip/24" dev "$srv_if"
ip -n "$cli_ns" addr add "$cli_ip/24" dev "$cli_if"
for ns in "$srv_ns" "$cli_ns"; do ip -n "$ns" link set lo up; done
ip -n "$srv_ns" link set "$srv_if" up
ip -n "$cli_ns" link set "$cli_if" up

# TLS material: the office's CA and certificate (for its address), and
# another CA nobody should trust.
tls=$T_TMP/tls
mkdir -p "$tls"
bash "$CALLSHEET_TEST_LIB/mkcert.sh" ca "$tls" office-ca
bash "$CALLSHEET_TEST_LIB/mkcert.sh" ca "$tls" other-ca
bash "$CALLSHEET_TEST_LIB/mkcert.sh" server "$tls" office-ca office "IP:$srv_ip"

# The database, and a least-privilege role for the daemon.
db=$(t_fresh_db)
t_migrate "$db"
t_create_user "$db" jurist1 jurist j1-pass
t_create_user "$db" reporter1 reporter rep-pass
src=$(cd "$CALLSHEET_TEST_SCHEMA/.." && pwd)
psql -X -q -d "$db" -v app_role=callsheet_app -f "$src/scripts/pg-app-role.sql" >/dev/null
app_db="$(printf '%s' "$db" | sed 's/user=[^ ]*/user=callsheet_app/')"

# Without TLS the daemon refuses a listener beyond loopback.
rc=0
ip netns exec "$srv_ns" "$CALLSHEET_TEST_DAEMON" --pg "$app_db" \
	--listen "$srv_ip:$((port + 1))" >"$T_TMP/plain.out" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || t_fail "a plaintext daemon listened on $srv_ip"
grep -q "refusing to serve plaintext" "$T_TMP/plain.out" ||
	t_fail "no reason given: $(cat "$T_TMP/plain.out")"

portfile=$T_TMP/port.0
ip netns exec "$srv_ns" "$CALLSHEET_TEST_DAEMON" --pg "$app_db" \
	--listen "$srv_ip:$port" --port-file "$portfile" \
	--tls-cert "$tls/office.pem" --tls-key "$tls/office.key" \
	--log-level debug 2>"$T_TMP/callsheetd.0.log" &
t_daemon_pids+=("$!")
t_wait_for 30 _t_listening "$portfile" "$!"

# The workstation's side of things.
export CALLSHEET_SERVER=$srv_ip:$port
remote() { # USER PASSWORD CALLSHEET-ARGS...
	CALLSHEET_USER=$1 CALLSHEET_PASSWORD=$2 \
		ip netns exec "$cli_ns" "$CALLSHEET_TEST_CLI" --timeout 2 "${@:3}"
}
# remote_log [GLOBAL-OPTION...]: one sheet from the jurist, counted in
# `sent` (expect_refused takes back those a refusal does not keep).
sent=0
remote_log() {
	sent=$((sent + 1))
	remote jurist1 j1-pass "$@" log --caller individual --dept 75 \
		--household woman --origin africa --topic residence
}
uuid_re='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

# TLS works; the daemon may still be reaching PostgreSQL: retry until then.
_logs_once() { remote_log --ca "$tls/office-ca.pem" >"$T_TMP/first.out" 2>&1; }
t_wait_for 20 _logs_once
grep -Eq "^$uuid_re\$" "$T_TMP/first.out" || t_fail "log over TLS: $(cat "$T_TMP/first.out")"
grep -q "TLS handshake done: TLSv1.[23]" "$T_TMP/callsheetd.0.log" ||
	t_fail "the daemon did not record a TLS 1.2+ session"

# Refusals, each with its reason.
spooled() { find "$CALLSHEET_SPOOL_DIR" -name '*.sheet' -not -path '*/rejected/*' | wc -l; }
expect_refused() { # WHAT NEEDLE ARGS...
	local what=$1 needle=$2 rc=0 out
	shift 2
	remote_log "$@" >"$T_TMP/refused.out" 2>&1 || rc=$?
	out=$(cat "$T_TMP/refused.out")
	[ "$rc" -eq 1 ] || t_fail "$what: exit status $rc, want 1 ($out)"
	case $out in *"$needle"*) ;; *) t_fail "$what: got [$out]" ;; esac
	# a refusal keeps nothing: the same command run again, once the
	# setting is fixed, must not store the sheet twice
	sent=$((sent - 1))
	t_eq "$(spooled)" 0 "$what: nothing kept in the spool"
}
expect_refused "plaintext" "only accepts TLS" --tls off
expect_refused "another CA" "cannot verify the certificate of $srv_ip:$port" --ca "$tls/other-ca.pem"
expect_refused "the system store" "cannot verify the certificate" --tls on
remote_log --ca "$tls/office-ca.pem" >"$T_TMP/after-refusals.out" 2>&1 ||
	t_fail "log after the refusals: $(cat "$T_TMP/after-refusals.out")"

# A batch of logs with the link cut in its middle.
export CALLSHEET_CA=$tls/office-ca.pem
batch() { # N WANT-STATUS LABEL
	local i rc
	for ((i = 0; i < $1; i++)); do
		rc=0
		remote_log >>"$T_TMP/batch.out" 2>&1 || rc=$?
		[ "$rc" -eq "$2" ] || t_fail "$3: callsheet log exited $rc, want $2 ($(tail -n 2 "$T_TMP/batch.out"))"
	done
}
batch 4 0 "link up"
ip -n "$cli_ns" link set "$cli_if" down
batch 4 75 "link down"
t_eq "$(spooled)" 4 "sheets waiting in the spool while the link is down"
ip -n "$cli_ns" link set "$cli_if" up
batch 4 0 "link back"
t_eq "$(spooled)" 0 "the spool is empty once the link is back"

# Exactly once: every id the batch printed or spooled is stored once, and
# the office's report counts every sheet sent and not refused.
mapfile -t ids < <(grep -Eo "$uuid_re" "$T_TMP/batch.out" | sort -u)
t_eq "${#ids[@]}" 12 "distinct sheet ids in the batch"
list=$(printf "'%s'," "${ids[@]}")
stored=$(psql -X -tA -d "$db" -c "SELECT count(*) FROM sheet WHERE id IN (${list%,})")
t_eq "$stored" 12 "the batch's sheets in PostgreSQL"
t_eq "$(psql -X -tA -d "$db" -c 'SELECT count(*) FROM sheet')" "$sent" "sheets in PostgreSQL"
year=$(TZ=Europe/Paris date +%Y)
total=$(remote jurist1 j1-pass report --year "$year" --format csv | sed -n 2p | cut -d, -f1)
t_eq "$total" "$sent" "the remote office's count over TLS"
# a reporter reads closed periods only: this year is refused, and says why
remote reporter1 rep-pass report --year "$year" >"$T_TMP/rep.out" 2>&1 &&
	t_fail "the remote reporter read an open year: $(cat "$T_TMP/rep.out")"
grep -q "closed periods only" "$T_TMP/rep.out" ||
	t_fail "the remote reporter's report: $(cat "$T_TMP/rep.out")"
t_note "ok: $sent sheets sent across namespaces over TLS, 4 spooled during the cut, each stored once"
