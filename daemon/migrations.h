/* migrations.h: the schema migrations embedded in the daemon at build. */
#ifndef CALLSHEETD_MIGRATIONS_H
#define CALLSHEETD_MIGRATIONS_H

struct migration {
	const char *version; /* file name without .sql: "0001_init" */
	const char *sql;
};
extern const struct migration migrations[];
extern const unsigned nmigrations;

#endif
