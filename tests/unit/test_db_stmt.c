/* test_db_stmt.c: the statements that name the coded fields
 * (daemon/db-stmt.c) name each of sheet_fields[], in its order, with the
 * parameters numbered from there, whatever the fields are. */
#include <stdio.h>
#include <string.h>

#include "callsheetd.h"
#include "unit.h"

static const char *
sql_of(const char *name)
{
	for (size_t i = 0; i < db_nstmts; i++)
		if (strcmp(db_stmts[i].name, name) == 0)
			return db_stmts[i].sql;
	return "";
}

/* Each of the strings fmt makes of a field's name and n + f (a format
 * may use either), in the fields' order. */
static int
in_order(const char *sql, const char *fmt, int n)
{
	const char *at = sql;
	char want[128];

	for (size_t f = 0; f < SHEET_NCODES; f++) {
		snprintf(want, sizeof want, fmt, sheet_fields[f].name,
		         n + (int)f);
		if ((at = strstr(at, want)) == NULL)
			return 0;
	}
	return 1;
}

static int
has(const char *sql, const char *fmt, int n)
{
	char want[128];

	snprintf(want, sizeof want, fmt, n);
	return strstr(sql, want) != NULL;
}

int
main(void)
{
	const char *sql;
	size_t n = 0;

	db_stmts_init();
	db_stmts_init(); /* once */
	for (size_t i = 0; i < db_nstmts; i++)
		CHECK(strstr(db_stmts[i].sql, "{{") == NULL &&
		              strstr(db_stmts[i].sql, "$+") == NULL &&
		              strstr(db_stmts[i].sql, "%f") == NULL,
		      "%s: every field spelled out", db_stmts[i].name);

	sql = sql_of(STMT_INSERT_SHEETS);
	for (const char *p = sql; (p = strstr(p, "::smallint[]")) != NULL; p++)
		n++;
	CHECK(n == SHEET_NCODES && in_order(sql, "%.0s$%d::smallint[]", 5) &&
	              has(sql, "$%d::bigint[]", 5 + SHEET_NCODES) &&
	              has(sql, "$%d::int)", SHEET_BATCH_NPARAMS),
	      "the batch: an array per field, then topics and the window");

	sql = sql_of(STMT_SHEET_AMEND);
	CHECK(in_order(sql, "%s = $%d", 12) &&
	              has(sql, "topics = $%d", 12 + SHEET_NCODES) &&
	              has(sql, "jsonb_object($%d::text[]", 13 + SHEET_NCODES) &&
	              has(sql, "$%d::text[])", SHEET_AMEND_NPARAMS),
	      "amend: the fields from $12, then topics and the diff");

	CHECK(in_order(sql_of(STMT_AUDIT_LIST), "'%s'", 0),
	      "the audit's fields in the order of the Sheet message");
	CHECK(in_order(sql_of(STMT_SHEET_LOAD), "coalesce(s.%s, 0)", 0) &&
	              in_order(sql_of(STMT_EXPORT_PAGE), "coalesce(s.%s, 0)",
	                       0),
	      "the columns a stored sheet is read from");
	return unit_finish();
}
