#!/usr/bin/env bash
# tests/integration/schema_current.sh: schema/CURRENT.sql is what the
# migrations make: a database migrated from nothing, dumped as
# scripts/schema-dump normalises it, is that file without its header.
. "$CALLSHEET_TEST_LIB/testlib.sh"

: "${CALLSHEET_TEST_SOURCE:?run me through ctest}"
db=$(t_fresh_db)
t_migrate "$db"
"$CALLSHEET_TEST_SOURCE/scripts/schema-dump" "$db" >"$T_TMP/dump.sql" ||
	t_fail "scripts/schema-dump failed"
sed '/^--/d' "$CALLSHEET_TEST_SOURCE/schema/CURRENT.sql" | sed '1{/^$/d}' \
	>"$T_TMP/current.sql"
if ! diff -u "$T_TMP/current.sql" "$T_TMP/dump.sql" >"$T_TMP/diff"; then
	head -n 60 "$T_TMP/diff" >&2
	t_fail "schema/CURRENT.sql is not what the migrations make (diff above:" \
		"- CURRENT.sql, + the migrations); regenerate it with" \
		"scripts/schema-current and commit it with the migration"
fi
t_note "ok"
