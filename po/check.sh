#!/usr/bin/env bash
# po/check.sh XGETTEXT MSGCMP MSGFMT CLIENT_DIR PO_DIR [SERVER_POT]: every
# message the client sources mark with _(), N_() or P_(), and every message
# of the daemon in SERVER_POT (the build's client/server.pot, extracted from
# the daemon's sources as they are), has a translation in each catalog,
# none is fuzzy or empty, and no catalog keeps a message no source has
# any more. Prints "N passed, N failed".
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
	"$(dirname "$msgcmp")/msgmerge" -q --no-fuzzy-matching \
		-o "$tmp/merged.po" "$cat" "$tmp/callsheet.pot"
	stale=$(grep -c '^#~ msgid' "$tmp/merged.po" || true)
	if [ "$stale" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		printf '%s: %d messages no source has any more (docs/I18N.md:' \
			"$cat" "$stale" >&2
		printf ' msgattrib --no-obsolete after msgmerge), e.g.:\n' >&2
		grep -A1 '^#~ msgid' "$tmp/merged.po" | head -n 6 | sed 's/^/  /' >&2
	fi
done
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
