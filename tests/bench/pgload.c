/* pgload.c: PostgreSQL alone, for the benchmarks' baselines: N direct
 * libpq connections with one prepared INSERT per transaction, or COPY
 * (also used to load the ten-year aggregate dataset). */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "gen.h"
#include "stats.h"

struct code {
	char dim[16];
	char code[40];
	int id, bit;
};

struct opts {
	const char *conninfo, *table, *mode;
	int conns;
	long per_conn;
	double rate; /* per connection per second; 0: flat out */
	int64_t from, span;
	uint64_t seed;
	bool no_triggers;
};

static struct code *codes;
static int ncodes;
static int *jurists;
static int njurists;

static void
die(PGconn *pg, const char *what)
{
	fprintf(stderr, "bench-pgload: %s: %s", what,
	        pg ? PQerrorMessage(pg) : "?\n");
	exit(1);
}

static PGconn *
connect_or_die(const char *conninfo)
{
	PGconn *pg = PQconnectdb(conninfo);

	if (PQstatus(pg) != CONNECTION_OK)
		die(pg, "connect");
	return pg;
}

static void
load_codes(PGconn *pg)
{
	PGresult *r = PQexec(pg, "SELECT dimension, code, id,"
	                         " coalesce(topic_bit, -1) FROM taxonomy");

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		die(pg, "taxonomy");
	ncodes = PQntuples(r);
	codes = xcalloc((size_t)ncodes, sizeof *codes);
	for (int i = 0; i < ncodes; i++) {
		snprintf(codes[i].dim, sizeof codes[i].dim, "%s",
		         PQgetvalue(r, i, 0));
		snprintf(codes[i].code, sizeof codes[i].code, "%s",
		         PQgetvalue(r, i, 1));
		codes[i].id = atoi(PQgetvalue(r, i, 2));
		codes[i].bit = atoi(PQgetvalue(r, i, 3));
	}
	PQclear(r);
	r = PQexec(pg, "SELECT id FROM account WHERE role = 'jurist'"
	               " ORDER BY id");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) == 0)
		die(pg, "no jurist account");
	njurists = PQntuples(r);
	jurists = xcalloc((size_t)njurists, sizeof *jurists);
	for (int i = 0; i < njurists; i++)
		jurists[i] = atoi(PQgetvalue(r, i, 0));
	PQclear(r);
}

static const struct code *
lookup(const char *dim, const char *code)
{
	if (code == NULL)
		return NULL;
	for (int i = 0; i < ncodes; i++)
		if (strcmp(codes[i].dim, dim) == 0 &&
		    strcmp(codes[i].code, code) == 0)
			return &codes[i];
	fprintf(stderr, "bench-pgload: unknown %s %s\n", dim, code);
	exit(1);
}

/* The sheet as the 12 text values of a row of the sheet table. */
struct row {
	char v[12][48];
	const char *p[12];
};

static void
id_or_null(struct row *r, int col, const char *dim, const char *code)
{
	const struct code *c = lookup(dim, code);

	if (c == NULL)
		r->p[col] = NULL;
	else {
		snprintf(r->v[col], sizeof r->v[col], "%d", c->id);
		r->p[col] = r->v[col];
	}
}

static void
to_row(const struct gen_sheet *g, long n, struct row *r)
{
	long long topics = 0;

	for (int i = 0; i < 12; i++)
		r->p[i] = r->v[i];
	uuid_format(g->id, r->v[0]);
	snprintf(r->v[1], sizeof r->v[1], "%d", jurists[n % njurists]);
	snprintf(r->v[2], sizeof r->v[2], "%lld", (long long)g->call_start);
	snprintf(r->v[3], sizeof r->v[3], "%u", g->duration_s);
	id_or_null(r, 4, "call_type", g->call_type);
	id_or_null(r, 5, "department", g->department);
	id_or_null(r, 6, "caller", g->caller);
	id_or_null(r, 7, "pro_kind", g->pro_kind);
	id_or_null(r, 8, "pro_sector", g->pro_sector);
	id_or_null(r, 9, "household", g->household);
	id_or_null(r, 10, "origin", g->origin);
	for (int i = 0; i < g->ntopics; i++)
		topics |= 1ll << lookup("topic", g->topics[i])->bit;
	snprintf(r->v[11], sizeof r->v[11], "%lld", topics);
}

static const char *columns =
        "(id, jurist_id, call_start, duration_s, call_type, department,"
        " caller, pro_kind, pro_sector, household, origin, topics)";

static void *
insert_main(void *arg)
{
	struct bench_worker *w = arg;
	const struct opts *o = w->opts;
	PGconn *pg = connect_or_die(o->conninfo);
	char *table = PQescapeIdentifier(pg, o->table, strlen(o->table));
	char *sql = xasprintf("INSERT INTO %s %s VALUES ($1, $2,"
	                      " to_timestamp($3), $4, $5, $6, $7, $8, $9, $10,"
	                      " $11, $12)",
	                      table, columns);
	struct gen g;
	PGresult *r;
	double next = now_s();

	gen_init(&g, o->seed * 1000003u + (uint64_t)w->index);
	r = PQprepare(pg, "ins", sql, 12, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die(pg, "prepare");
	PQclear(r);
	for (long i = 0; i < o->per_conn; i++) {
		struct gen_sheet gs;
		struct row row;
		double t0;

		if (o->rate > 0)
			pace(w, &next, o->rate);
		gen_sheet(&g, o->from, o->span, &gs);
		to_row(&gs, i, &row);
		t0 = now_s();
		r = PQexecPrepared(pg, "ins", 12, row.p, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			die(pg, "insert");
		PQclear(r);
		samples_add(&w->lat, (now_s() - t0) * 1000);
		w->done++;
	}
	PQfreemem(table);
	free(sql);
	PQfinish(pg);
	return NULL;
}

static void
add_timestamp(struct strbuf *sb, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char text[32];

	gmtime_r(&tt, &tm);
	strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S+00", &tm);
	sb_add(sb, text);
}

/* COPY rows in text format: tab-separated, \N for NULL. */
static void *
copy_main(void *arg)
{
	struct bench_worker *w = arg;
	const struct opts *o = w->opts;
	PGconn *pg = connect_or_die(o->conninfo);
	char *table = PQescapeIdentifier(pg, o->table, strlen(o->table));
	char *sql = xasprintf("COPY %s (id, jurist_id, call_start, duration_s,"
	                      " call_type, department, caller, pro_kind,"
	                      " pro_sector, household, origin, topics)"
	                      " FROM STDIN",
	                      table);
	struct strbuf buf = {0};
	struct gen g;
	PGresult *r;

	gen_init(&g, o->seed * 1000003u + (uint64_t)w->index);
	if (o->no_triggers) {
		r = PQexec(pg, "SET session_replication_role = replica");
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			die(pg, "disable triggers");
		PQclear(r);
	}
	r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN)
		die(pg, "copy");
	PQclear(r);
	for (long i = 0; i < o->per_conn; i++) {
		struct gen_sheet gs;
		struct row row;

		gen_sheet(&g, o->from, o->span, &gs);
		to_row(&gs, i, &row);
		for (int c = 0; c < 12; c++) {
			if (row.p[c] == NULL)
				sb_add(&buf, "\\N");
			else if (c == 2)
				add_timestamp(&buf, gs.call_start);
			else
				sb_add(&buf, row.p[c]);
			sb_add(&buf, c < 11 ? "\t" : "\n");
		}
		if (buf.len > 1 << 20 || i + 1 == o->per_conn) {
			if (PQputCopyData(pg, buf.buf, (int)buf.len) != 1)
				die(pg, "copy data");
			sb_reset(&buf);
		}
		w->done++;
	}
	if (PQputCopyEnd(pg, NULL) != 1)
		die(pg, "copy end");
	r = PQgetResult(pg);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die(pg, "copy result");
	PQclear(r);
	sb_free(&buf);
	PQfreemem(table);
	free(sql);
	PQfinish(pg);
	return NULL;
}

static void
usage(void)
{
	fputs("usage: bench-pgload -d CONNINFO insert|copy [-t TABLE]\n"
	      "                    [-c CONNS] [-n ROWS_PER_CONN] [-r RATE]\n"
	      "                    [--from EPOCH]"
	      "\n"
	      "                    [--span SECONDS] [--seed N] "
	      "[--no-triggers]\n"
	      "PostgreSQL alone: one prepared INSERT per transaction per\n"
	      "connection, or COPY; prints rows/s (and latency for insert).\n",
	      stderr);
	exit(2);
}

static void
parse(struct opts *o, int argc, char **argv)
{
	*o = (struct opts){.table = "sheet",
	                   .conns = 1,
	                   .per_conn = 1000,
	                   .from = 1735689600,
	                   .span = 365 * 86400,
	                   .seed = 2};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "insert") == 0 || strcmp(a, "copy") == 0) {
			o->mode = a;
			continue;
		}
		if (strcmp(a, "--no-triggers") == 0) {
			o->no_triggers = true;
			continue;
		}
		if (v == NULL)
			usage();
		if (strcmp(a, "-d") == 0)
			o->conninfo = v;
		else if (strcmp(a, "-t") == 0)
			o->table = v;
		else if (strcmp(a, "-c") == 0)
			o->conns = atoi(v);
		else if (strcmp(a, "-n") == 0)
			o->per_conn = atol(v);
		else if (strcmp(a, "-r") == 0)
			o->rate = atof(v);
		else if (strcmp(a, "--from") == 0)
			o->from = atoll(v);
		else if (strcmp(a, "--span") == 0)
			o->span = atoll(v);
		else if (strcmp(a, "--seed") == 0)
			o->seed = strtoull(v, NULL, 10);
		else
			usage();
		i++;
	}
	if (o->conninfo == NULL || o->mode == NULL || o->conns < 1)
		usage();
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct bench_worker all = {0};
	double secs;
	PGconn *pg;

	parse(&o, argc, argv);
	pg = connect_or_die(o.conninfo);
	load_codes(pg);
	PQfinish(pg);
	secs = bench_run(o.conns,
	                 strcmp(o.mode, "copy") == 0 ? copy_main : insert_main,
	                 &o, &all);
	printf("pgload mode=%s table=%s conns=%d rows=%ld secs=%.2f "
	       "rows_per_s=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f\n",
	       o.mode, o.table, o.conns, all.done, secs,
	       (double)all.done / secs, samples_pct(&all.lat, 0.50),
	       samples_pct(&all.lat, 0.99), samples_pct(&all.lat, 0.999));
	samples_free(&all.lat);
	free(codes);
	free(jurists);
	return 0;
}
