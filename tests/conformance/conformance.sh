#!/usr/bin/env bash
# conformance.sh: a daemon with four accounts for conformance.py, the
# protocol client written from docs/PROTOCOL.md and proto/callsheet.proto
# alone (it shares no code with libcallsheet).
set -euo pipefail
# shellcheck source=../lib/testlib.sh
. "$CALLSHEET_TEST_LIB/testlib.sh"

# python3-protobuf is Debian's: the interpreter first in PATH may be
# another one without it
py=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import google.protobuf' 2>/dev/null; then
		py=$p
		break
	fi
done
[ -n "$py" ] || t_fail "no python3 with google.protobuf (Debian: python3-protobuf)"
command -v protoc >/dev/null || t_fail "no protoc (Debian: protobuf-compiler)"

db=$(t_fresh_db)
t_start_daemon "$db"
for u in admin:admin j1:jurist j2:jurist rep:reporter; do
	t_create_user "$db" "${u%%:*}" "${u#*:}" secret-pass
done
CALLSHEET_USER=j1 CALLSHEET_PASSWORD=secret-pass t_wait_ready

PYTHONDONTWRITEBYTECODE=1 "$py" "$(dirname "${BASH_SOURCE[0]}")/conformance.py" \
	--server "$CALLSHEET_SERVER" \
	--proto "$CALLSHEET_TEST_SOURCE/proto/callsheet.proto" \
	--password secret-pass ${CS_CONFORMANCE_DUMP:+--dump "$CS_CONFORMANCE_DUMP"}
