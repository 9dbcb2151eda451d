#!/usr/bin/env bash
# po/check.sh XGETTEXT MSGCMP MSGFMT CLIENT_DIR PO_DIR [SERVER_POT]: every
# message the client sources mark with _(), N_() or P_(), and every message
# of the daemon in SERVER_POT (the build's client/server.pot, extracted from
# the daemon's sources as they are), has a translation in each catalog,
# and none is fuzzy or empty. Prints "N passed, N failed".
set -euo pipefail
xgettext=$1 msgcmp=$2 msgfmt=$3 client=$4 po=$5 server=${6:-}
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
passed=0 failed=0

"$xgettext" --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ \
	--keyword=P_:1,2 -o "$tmp/client.pot" "$client"/*/*.c "$client"/*/*.h
if [ -n "$server" ]; then
	[ -f "$server" ] || { printf '%s: missing; build first\n' "$server" >&2; exit 1; }
	msgcat --use-first -o "$tmp/callsheet.pot" "$tmp/client.pot" "$server"
else
	mv "$tmp/client.pot" "$tmp/callsheet.pot"
fi
for cat in "$po"/*.po; do
	if "$msgcmp" "$cat" "$tmp/callsheet.pot" 2>"$tmp/err"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		printf '%s: messages missing from the catalog:\n' "$cat" >&2
		sed 's/^/  /' "$tmp/err" >&2
	fi
	stats=$(LC_ALL=C "$msgfmt" --check --statistics -o /dev/null "$cat" 2>&1)
	case $stats in
	*untranslated* | *fuzzy*)
		failed=$((failed + 1))
		printf '%s: %s\n' "$cat" "$stats" >&2
		;;
	*) passed=$((passed + 1)) ;;
	esac
done
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
