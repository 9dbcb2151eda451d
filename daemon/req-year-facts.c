/* req-year-facts.c: what the annual report states beside the counts, per
 * year: the départements' populations and the action's budget with its
 * funders' shares. SetYearFacts (admin) replaces them, GetYearFacts
 * (anyone: the annual report asks) reads them; both answer YearFacts. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static void req_set_year_facts(struct req *r);
static void req_get_year_facts(struct req *r);

/* funder: populations and budget (not personal data) */
const struct req_entry req_set_year_facts_entry = {
        .body = CALLSHEET__REQUEST__BODY_SET_YEAR_FACTS,
        .name = "year figures",
        .roles = ROLE(ADMIN),
        .states = LOGGED_IN,
        .exec = req_set_year_facts,
};

const struct req_entry req_get_year_facts_entry = {
        .body = CALLSHEET__REQUEST__BODY_GET_YEAR_FACTS,
        .name = "year figures",
        .roles = ANYONE,
        .states = LOGGED_IN,
        .exec = req_get_year_facts,
};

/* each limit also as text, for Error.allowed */
#define YEAR_MIN              1900
#define YEAR_MIN_TEXT         "1900"
#define YEAR_MAX              2999 /* as the tables' CHECK says */
#define YEAR_MAX_TEXT         "2999"
#define POPULATIONS_MAX       200
#define POPULATIONS_MAX_TEXT  "200"
#define POPULATION_MAX        UINT64_C(100000000)
#define POPULATION_MAX_TEXT   "100000000"
#define FUNDERS_MAX           20
#define FUNDERS_MAX_TEXT      "20"
#define FUNDER_NAME_MAX       100
#define SOURCE_MAX            200
#define BUDGET_CENTS_MAX      UINT64_C(100000000000000) /* a trillion euros */
#define BUDGET_CENTS_MAX_TEXT "100000000000000"

struct facts {
	struct req *req;
	bool set_pop, set_budget;
	char year[8], total[24], *user;
	struct strbuf depts, pops, funders, cents;
	Callsheet__YearFacts out;
};

/* ---------------------------------------------------------- checking */

/* An INSEE code of a département the map knows: 01-95 (not 20), 2A, 2B,
 * 971-976. */
static bool
department_code(const char *s)
{
	size_t n = strlen(s);

	if (n == 2 && s[0] == '2' && (s[1] == 'A' || s[1] == 'B'))
		return true;
	if (n == 2 && isdigit((unsigned char)s[0]) &&
	    isdigit((unsigned char)s[1]))
		return strcmp(s, "00") != 0 && strcmp(s, "20") != 0 &&
		       strcmp(s, "96") < 0;
	return n == 3 && strncmp(s, "97", 2) == 0 && s[2] >= '1' && s[2] <= '6';
}

/* Printable text of 1 to max bytes, no quote or backslash trouble: any
 * character but control characters. */
static bool
plain_text(const char *s, size_t max)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

#define BAD CALLSHEET__ERROR_CODE__BAD_REQUEST

static int
check_populations(struct req *r, const Callsheet__SetYearFacts *f)
{
	char v[32];

	if (f->n_populations > POPULATIONS_MAX) {
		snprintf(v, sizeof v, "%zu", f->n_populations);
		return req_field_error(r, BAD, "populations", "too_many", v,
		                       NULL, POPULATIONS_MAX_TEXT,
		                       "%s départements; at most %s", v,
		                       POPULATIONS_MAX_TEXT);
	}
	for (size_t i = 0; i < f->n_populations; i++) {
		const Callsheet__DepartmentPopulation *p = f->populations[i];

		if (p->department == NULL || *p->department == '\0')
			return req_field_error(
			        r, BAD, "department", "missing", "", NULL, NULL,
			        "missing; give the département's INSEE code "
			        "(01 ... 95, 2A, 2B, 971 ... 976)");
		if (!department_code(p->department))
			return req_field_error(
			        r, BAD, "department", "unknown_code",
			        p->department, NULL, NULL,
			        "'%.16s' is not a département; allowed: 01 ... "
			        "95, 2A, 2B, 971 ... 976",
			        p->department);
		snprintf(v, sizeof v, "%" PRIu64, p->population);
		if (!p->has_population || p->population == 0 ||
		    p->population > POPULATION_MAX)
			return req_field_error(
			        r, BAD, "population",
			        p->has_population ? "out_of_range" : "missing",
			        p->has_population ? v : "", "1",
			        POPULATION_MAX_TEXT,
			        "%s for %s; allowed: 1 to %s",
			        p->has_population ? v : "missing",
			        p->department, POPULATION_MAX_TEXT);
		for (size_t k = 0; k < i; k++)
			if (strcmp(f->populations[k]->department,
			           p->department) == 0)
				return req_field_error(
				        r, BAD, "department", "repeated",
				        p->department, NULL, NULL,
				        "%s is given twice; each département "
				        "once",
				        p->department);
	}
	if (f->population_source != NULL &&
	    !plain_text(f->population_source, SOURCE_MAX))
		return req_field_error(r, BAD, "population_source", "bad_label",
		                       f->population_source, NULL, NULL,
		                       "give 1 to %d bytes, no control "
		                       "character",
		                       SOURCE_MAX);
	return 0;
}

static int
check_budget(struct req *r, const Callsheet__SetYearFacts *f)
{
	uint64_t sum = 0;
	char v[32], left[32];

	snprintf(v, sizeof v, "%" PRIu64, f->budget_cents);
	if (f->budget_cents == 0 || f->budget_cents > BUDGET_CENTS_MAX)
		return req_field_error(r, BAD, "budget_cents", "out_of_range",
		                       v, "1", BUDGET_CENTS_MAX_TEXT,
		                       "%s; allowed: 1 to %s cents", v,
		                       BUDGET_CENTS_MAX_TEXT);
	if (f->n_funders > FUNDERS_MAX) {
		snprintf(v, sizeof v, "%zu", f->n_funders);
		return req_field_error(r, BAD, "funders", "too_many", v, NULL,
		                       FUNDERS_MAX_TEXT, "%s given; at most %s",
		                       v, FUNDERS_MAX_TEXT);
	}
	for (size_t i = 0; i < f->n_funders; i++) {
		const Callsheet__FunderShare *s = f->funders[i];

		if (!plain_text(s->funder, FUNDER_NAME_MAX))
			return req_field_error(
			        r, BAD, "funder",
			        s->funder == NULL || *s->funder == '\0'
			                ? "missing"
			                : "bad_label",
			        s->funder, NULL, NULL,
			        "give a name of 1 to %d bytes, no control "
			        "character",
			        FUNDER_NAME_MAX);
		for (size_t k = 0; k < i; k++)
			if (strcmp(f->funders[k]->funder, s->funder) == 0)
				return req_field_error(
				        r, BAD, "funder", "repeated", s->funder,
				        NULL, NULL, "'%.100s' is given twice",
				        s->funder);
		if (s->cents > f->budget_cents - sum) {
			snprintf(v, sizeof v, "%" PRIu64, s->cents);
			snprintf(left, sizeof left, "%" PRIu64,
			         f->budget_cents - sum);
			return req_field_error(
			        r, BAD, "cents", "out_of_range", v, "0", left,
			        "%s, the share of '%.100s', is more than the "
			        "budget leaves (%s of %" PRIu64
			        " cents): the funders' shares add up to no "
			        "more than budget_cents",
			        v, s->funder, left, f->budget_cents);
		}
		sum += s->cents;
	}
	return 0;
}

static int
check_year(struct req *r, bool has, int32_t year)
{
	char v[16];

	if (has && year >= YEAR_MIN && year <= YEAR_MAX)
		return 0;
	snprintf(v, sizeof v, "%d", (int)year);
	return req_field_error(r, BAD, "year", has ? "out_of_range" : "missing",
	                       has ? v : "", YEAR_MIN_TEXT, YEAR_MAX_TEXT,
	                       "%s; give a calendar year, %s to %s",
	                       has ? v : "missing", YEAR_MIN_TEXT,
	                       YEAR_MAX_TEXT);
}

/* ---------------------------------------------------------- the op */

/* A PostgreSQL array literal element: quoted, \ and " escaped. */
static void
array_add(struct strbuf *sb, const char *s)
{
	sb_add(sb, sb->len == 0 ? "{\"" : ",\"");
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			sb_add(sb, "\\");
		sb_addn(sb, s, 1);
	}
	sb_add(sb, "\"");
}

static const char *
array_end(struct strbuf *sb)
{
	if (sb->len == 0)
		sb_add(sb, "{");
	sb_add(sb, "}");
	return sb->buf;
}

static void facts_done(void *arg, const struct db_end *e);

/* source, département, population: one row per département */
static void
population_row(void *arg, const struct db_row *row)
{
	Callsheet__YearFacts *o = &((struct facts *)arg)->out;
	Callsheet__DepartmentPopulation *p = xmalloc(sizeof *p);

	if (db_rowno(row) == 0) {
		o->populations = xcalloc((size_t)db_nrows(row) + 1,
		                         sizeof *o->populations);
		if (*db_text(row, 0) != '\0')
			o->population_source = xstrdup(db_text(row, 0));
	}
	callsheet__department_population__init(p);
	p->department = xstrdup(db_text(row, 1));
	p->has_population = 1;
	p->population = db_uint(row, 2);
	o->populations[o->n_populations++] = p;
}

/* total, funder, cents: one row per funder, or one without */
static void
budget_row(void *arg, const struct db_row *row)
{
	Callsheet__YearFacts *o = &((struct facts *)arg)->out;
	Callsheet__FunderShare *s;

	if (db_rowno(row) == 0)
		o->funders =
		        xcalloc((size_t)db_nrows(row) + 1, sizeof *o->funders);
	o->has_budget_cents = 1;
	o->budget_cents = db_uint(row, 0);
	if (db_null(row, 1))
		return; /* a budget without funders */
	s = xmalloc(sizeof *s);
	callsheet__funder_share__init(s);
	s->funder = xstrdup(db_text(row, 1));
	s->has_cents = 1;
	s->cents = db_uint(row, 2);
	o->funders[o->n_funders++] = s;
}

/* What is set, then what is now, in one transaction. */
static struct db_call *
facts_call(struct facts *f)
{
	const char *year[1] = {f->year};
	struct db_call *k = db_call_new("year figures", facts_done, f);

	if (f->set_pop) {
		const Callsheet__SetYearFacts *s = f->req->msg->set_year_facts;
		const char *p[5] = {f->year,
		                    s->population_source ? s->population_source
		                                         : "",
		                    f->depts.buf, f->pops.buf, f->user};

		db_call_stmt(k, STMT_SET_POPULATION, 5, p, NULL);
	}
	if (f->set_budget) {
		const char *p[5] = {f->year, f->total, f->funders.buf,
		                    f->cents.buf, f->user};

		db_call_stmt(k, STMT_SET_BUDGET, 5, p, NULL);
	}
	db_call_stmt(k, STMT_YEAR_POPULATION, 1, year, population_row);
	db_call_stmt(k, STMT_YEAR_BUDGET, 1, year, budget_row);
	return k;
}

static void
facts_free(struct facts *f)
{
	Callsheet__YearFacts *o = &f->out;

	for (size_t i = 0; i < o->n_populations; i++) {
		free(o->populations[i]->department);
		free(o->populations[i]);
	}
	free(o->populations);
	for (size_t i = 0; i < o->n_funders; i++) {
		free(o->funders[i]->funder);
		free(o->funders[i]);
	}
	free(o->funders);
	free(o->population_source);
	free(f->user);
	sb_free(&f->depts);
	sb_free(&f->pops);
	sb_free(&f->funders);
	sb_free(&f->cents);
	free(f);
}

static void
facts_done(void *arg, const struct db_end *e)
{
	struct facts *f = arg;
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;

	if (e->st != DB_OK)
		req_db_error(f->req, e, "year figures");
	else {
		if (f->set_pop || f->set_budget)
			log_info("conn %llu: %s set the %s%s%s of %s",
			         (unsigned long long)f->req->conn->serial,
			         f->user, f->set_pop ? "populations" : "",
			         f->set_pop && f->set_budget ? " and " : "",
			         f->set_budget ? "budget" : "", f->year);
		resp.body_case = CALLSHEET__RESPONSE__BODY_YEAR_FACTS;
		resp.year_facts = &f->out;
		req_reply(f->req, &resp);
	}
	facts_free(f);
}

static void
facts_start(struct req *r, struct facts *f, int32_t year)
{
	callsheet__year_facts__init(&f->out);
	f->out.has_year = 1;
	f->out.year = year;
	f->req = r;
	snprintf(f->year, sizeof f->year, "%d", (int)year);
	if (req_call(r, facts_call(f)) != 0)
		facts_free(f);
}

static void
req_set_year_facts(struct req *r)
{
	const Callsheet__SetYearFacts *s = r->msg->set_year_facts;
	struct facts *f;

	if (check_year(r, s->has_year, s->year) != 0)
		return;
	if (s->n_funders > 0 && !s->has_budget_cents) {
		req_field_error(r, BAD, "budget_cents", "missing", "", NULL,
		                NULL,
		                "missing; funders' shares are of a budget");
		return;
	}
	if (s->n_populations == 0 && !s->has_budget_cents) {
		req_refuse(r, BAD, "missing", "",
		           "set_year_facts: nothing to set; give populations, "
		           "budget_cents or both");
		return;
	}
	if (check_populations(r, s) != 0 ||
	    (s->has_budget_cents && check_budget(r, s) != 0))
		return;
	f = xcalloc(1, sizeof *f);
	f->user = xstrdup(r->conn->session.user);
	f->set_pop = s->n_populations > 0;
	f->set_budget = s->has_budget_cents;
	for (size_t i = 0; i < s->n_populations; i++) {
		char n[24];

		array_add(&f->depts, s->populations[i]->department);
		snprintf(n, sizeof n, "%" PRIu64,
		         s->populations[i]->population);
		array_add(&f->pops, n);
	}
	array_end(&f->depts);
	array_end(&f->pops);
	snprintf(f->total, sizeof f->total, "%" PRIu64, s->budget_cents);
	for (size_t i = 0; i < s->n_funders; i++) {
		char n[24];

		array_add(&f->funders, s->funders[i]->funder);
		snprintf(n, sizeof n, "%" PRIu64, s->funders[i]->cents);
		array_add(&f->cents, n);
	}
	array_end(&f->funders);
	array_end(&f->cents);
	facts_start(r, f, s->year);
}

static void
req_get_year_facts(struct req *r)
{
	const Callsheet__GetYearFacts *g = r->msg->get_year_facts;

	if (check_year(r, g->has_year, g->year) != 0)
		return;
	facts_start(r, xcalloc(1, sizeof(struct facts)), g->year);
}
