/* db-row.c: one row of a database result, read column by column: the
 * only way code outside the database layer sees what a statement
 * returned (db-req.c has checked the columns are there). */
#include <stdlib.h>

#include "callsheetd.h"

struct db_row {
	const PGresult *res;
	int i;
};

/* Each row of res, in order, to fn. */
void
db_rows_each(const PGresult *res, db_row_fn *fn, void *arg)
{
	struct db_row row = {res, 0};

	for (row.i = 0; row.i < PQntuples(res); row.i++)
		fn(arg, &row);
}

const char *
db_text(const struct db_row *row, int col)
{
	return PQgetvalue(row->res, row->i, col);
}

bool
db_null(const struct db_row *row, int col)
{
	return PQgetisnull(row->res, row->i, col) == 1;
}

int64_t
db_int(const struct db_row *row, int col)
{
	return strtoll(db_text(row, col), NULL, 10);
}

uint64_t
db_uint(const struct db_row *row, int col)
{
	return strtoull(db_text(row, col), NULL, 10);
}

double
db_double(const struct db_row *row, int col)
{
	return strtod(db_text(row, col), NULL);
}

bool
db_bool(const struct db_row *row, int col)
{
	return db_text(row, col)[0] == 't';
}

/* A copy of the value, or NULL for SQL NULL. */
char *
db_strdup(const struct db_row *row, int col)
{
	return db_null(row, col) ? NULL : xstrdup(db_text(row, col));
}

/* This row's number in its result, and the result's rows. */
int
db_rowno(const struct db_row *row)
{
	return row->i;
}

int
db_nrows(const struct db_row *row)
{
	return PQntuples(row->res);
}
