/* req-query.c: the general aggregate: rows of (keys, count) and the total,
 * two statements in one pipeline sync, so one snapshot-consistent pair;
 * a reporter's read from the published rollup of closed periods only (a
 * period with a month not closed is refused);
 * with them, the call durations if asked, and the session role's
 * disclosure policy, applied (suppress.c, or the cell-key method of
 * perturb.c) before the answer leaves. The cell keys read beside the
 * counts stay here. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static void req_query(struct req *r);

const struct req_entry req_query_entry = {
        .body = CALLSHEET__REQUEST__BODY_QUERY,
        .name = "query",
        .roles = ANYONE | NEEDS_TAXONOMY | READS,
        .states = LOGGED_IN,
        .exec = req_query,
};

struct query {
	struct req *req;
	struct query_sql sql;
	bool remapped; /* a retired code was reported under its successor */
	Callsheet__QueryResult result;
	Callsheet__DurationStats duration;
	struct disclosure policy;
	struct qplan plan;  /* what was asked, canonical */
	uint64_t *row_keys; /* each row's sum of record keys: never sent */
	uint64_t total_key;
	uint32_t (*row_desc)[3]; /* describe_keys(): struct cell_keys */
	uint32_t total_desc;
	size_t nrows; /* rows allocated, shown or not */
	/* the durations histogram: seconds, counts, cell keys */
	bool has_durations;
	bool durations_withheld; /* asked with a département, of a reporter */
	uint32_t *dur_seconds;
	uint64_t *dur_counts, *dur_keys;
	size_t ndur;
	bool reporter;    /* reads published figures of closed periods */
	char *desc;       /* the total's description (cellkey.c) */
	char *open_month; /* the first month of the period not closed */
	char *closed;     /* then the closed periods, "from/to from/to" */
};

/* A reporter's period: its first month that no closed period holds, and
 * the closed periods (PostgreSQL 13 has no range_agg). */
#define OPEN_MONTH_SQL                                                         \
	"SELECT to_char(m, 'YYYY-MM'), (SELECT string_agg(to_char(lower(c."    \
	"months), 'YYYY-MM-DD') || '/' || to_char(upper(c.months),"            \
	" 'YYYY-MM-DD'), ' ' ORDER BY lower(c.months)) FROM closed_period c)"  \
	" FROM generate_series($1::date, $2::date - 1, interval '1 month') m"  \
	" WHERE NOT EXISTS (SELECT 1 FROM closed_period p WHERE p.months @>"   \
	" m::date) ORDER BY 1 LIMIT 1"
#define CLOSED_SPANS_MAX 16 /* listed in Error.allowed: the latest */

static char *
key_text(struct query *q, size_t col, const char *value, bool null)
{
	const struct tax_entry *e, *now;

	if (null)
		return xstrdup("");
	if (q->sql.key_kind[col] == KEY_TAXONOMY &&
	    (e = tax_by_id(taxonomy, (int16_t)atoi(value))) != NULL) {
		/* year-on-year: a retired code counts under its successor */
		now = tax_current(taxonomy, e);
		q->remapped |= now != e;
		return xstrdup(now->code);
	}
	return xstrdup(value);
}

static void
row_free(Callsheet__Row *row)
{
	for (size_t k = 0; k < row->n_keys; k++)
		free(row->keys[k]);
	free(row->keys);
	free(row);
}

static void
rows_row(void *arg, const struct db_row *dr)
{
	struct query *q = arg;
	Callsheet__QueryResult *r = &q->result;
	size_t ng = q->sql.ngroup;
	Callsheet__Row *row;

	/* without group-by, the count is the total alone: no rows */
	if (ng == 0)
		return;
	row = xmalloc(sizeof *row);
	callsheet__row__init(row);
	row->n_keys = ng;
	row->keys = xcalloc(ng, sizeof *row->keys);
	for (size_t k = 0; k < ng; k++)
		row->keys[k] = key_text(q, k, db_text(dr, (int)k),
		                        db_null(dr, (int)k));
	row->has_count = true;
	row->count = db_uint(dr, (int)ng);
	r->rows = xreallocarray(r->rows, r->n_rows + 2, sizeof *r->rows);
	q->row_keys =
	        xreallocarray(q->row_keys, r->n_rows + 2, sizeof *q->row_keys);
	q->row_keys[r->n_rows] = db_uint(dr, (int)ng + 1);
	r->rows[r->n_rows++] = row;
	r->rows[r->n_rows] = NULL;
	q->nrows = r->n_rows;
}

static void
total_row(void *arg, const struct db_row *row)
{
	struct query *q = arg;

	q->result.total = db_uint(row, 0);
	q->total_key = db_uint(row, 1);
}

/* the policy is read after the durations: both wait for it */
static void
duration_row(void *arg, const struct db_row *row)
{
	struct query *q = arg;
	size_t n = q->ndur++;

	q->dur_seconds =
	        xreallocarray(q->dur_seconds, n + 1, sizeof *q->dur_seconds);
	q->dur_counts =
	        xreallocarray(q->dur_counts, n + 1, sizeof *q->dur_counts);
	q->dur_keys = xreallocarray(q->dur_keys, n + 1, sizeof *q->dur_keys);
	q->dur_seconds[n] = (uint32_t)db_uint(row, 0);
	q->dur_counts[n] = db_uint(row, 1);
	q->dur_keys[n] = db_uint(row, 2);
}

static void
policy_row(void *arg, const struct db_row *row)
{
	struct query *q = arg;

	disclosure_from_row(&q->policy, row);
}

static void
open_month_row(void *arg, const struct db_row *row)
{
	struct query *q = arg;

	if (!db_null(row, 0) && q->open_month == NULL) {
		q->open_month = xstrdup(db_text(row, 0));
		q->closed = xstrdup(db_null(row, 1) ? "" : db_text(row, 1));
	}
}

static void
query_free(struct query *q)
{
	Callsheet__QueryResult *r = &q->result;

	for (size_t i = 0; i < q->nrows; i++)
		row_free(r->rows[i]);
	free(r->rows);
	free(q->row_keys);
	free(q->row_desc);
	qplan_free(&q->plan);
	free(q->dur_seconds);
	free(q->dur_counts);
	free(q->dur_keys);
	free(q->open_month);
	free(q->closed);
	free(q->desc);
	suppress_result_free(r);
	query_sql_free(&q->sql);
	free(q);
}

/* The description's part of the key of a cell of the answer (keys: a
 * row's, NULL for the total), into *desc if desc is not NULL. */
static uint32_t
desc_key(const struct query *q, const char *const *keys, char **desc)
{
	struct qplan cell;
	char *d;
	uint32_t k;

	qplan_cell(&q->plan, taxonomy, keys, &cell);
	d = cell_desc(&cell);
	k = cell_desc_key(q->policy.salt, d);
	qplan_free(&cell);
	if (desc != NULL)
		*desc = d;
	else
		free(d);
	return k;
}

/* Each cell's key gets its description's part (cellkey.c): the same
 * sheets asked for again, however, the same noise; another set, even one
 * the data make equal, independent noise. On the loop's thread: a row's
 * key becomes a filter through the taxonomy. */
static void
describe_keys(struct query *q)
{
	const Callsheet__QueryResult *r = &q->result;
	bool cross = r->n_group_by == 2;
	/* a margin's part, the same for every cell on its line or column:
	 * made once per key (a few hundred at most) */
	const char **seen[2] = {NULL, NULL};
	uint32_t *seen_desc[2] = {NULL, NULL};
	size_t nseen[2] = {0, 0};

	q->total_desc = desc_key(q, NULL, &q->desc);
	q->row_desc = xcalloc(r->n_rows + 1, sizeof *q->row_desc);
	for (size_t i = 0; i < r->n_rows; i++) {
		char *const *k = r->rows[i]->keys;
		const char *cell[2] = {k[0], cross ? k[1] : NULL};

		q->row_desc[i][0] = desc_key(q, cell, NULL);
		for (size_t d = 0; cross && d < 2; d++) {
			const char *margin[2] = {d == 0 ? k[0] : NULL,
			                         d == 1 ? k[1] : NULL};
			size_t j = 0;

			while (j < nseen[d] && strcmp(seen[d][j], k[d]) != 0)
				j++;
			if (j == nseen[d]) {
				seen[d] = xreallocarray(seen[d], j + 1,
				                        sizeof *seen[d]);
				seen_desc[d] =
				        xreallocarray(seen_desc[d], j + 1,
				                      sizeof *seen_desc[d]);
				seen[d][j] = k[d];
				seen_desc[d][j] = desc_key(q, margin, NULL);
				nseen[d]++;
			}
			/* its line's margin, then its column's */
			q->row_desc[i][1 + d] = seen_desc[d][j];
		}
	}
	for (size_t d = 0; d < 2; d++) {
		free(seen[d]);
		free(seen_desc[d]);
	}
	for (size_t i = 0; i < q->ndur; i++) {
		char *d = xasprintf("%s|duration=%u", q->desc,
		                    (unsigned)q->dur_seconds[i]);

		q->dur_keys[i] += cell_desc_key(q->policy.salt, d);
		free(d);
	}
}

/* On a worker thread: a cross table's secondary suppression may take a
 * while on a large one. */
static void
query_suppress(void *arg)
{
	struct query *q = arg;
	Callsheet__QueryResult *r = &q->result;
	bool perturb = q->policy.method == DISCLOSE_PERTURB;

	if (q->has_durations) {
		if (perturb)
			perturb_durations(q->dur_seconds, q->dur_counts,
			                  q->dur_keys, q->ndur, &q->policy,
			                  &q->duration);
		else
			query_duration_stats(q->dur_seconds, q->dur_counts,
			                     q->ndur, &q->duration);
		r->duration = &q->duration;
	}
	if (q->durations_withheld) {
		/* asked for, and left out: the proto's "withheld" */
		r->has_duration_suppressed = true;
		r->duration_suppressed = true;
	}
	if (perturb) {
		struct cell_keys k = {q->row_keys,
		                      (const uint32_t(*)[3])q->row_desc,
		                      q->total_key, q->total_desc};

		r->n_rows = perturb_result(r, &k, &q->policy);
	} else
		suppress_result(r, q->policy.min_cell);
}

static void
query_answer(void *arg)
{
	struct query *q = arg;
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;

	resp.body_case = CALLSHEET__RESPONSE__BODY_QUERY_RESULT;
	resp.query_result = &q->result;
	req_reply(q->req, &resp);
	query_free(q);
}

/* FORBIDDEN: a month no closed period holds; value the month, allowed
 * the closed spans (the latest CLOSED_SPANS_MAX). */
static void
refuse_open_month(struct query *q)
{
	const char *spans[CLOSED_SPANS_MAX + 1] = {NULL};
	char span[CLOSED_SPANS_MAX][24];
	size_t n = 0;
	char *save = NULL;
	struct field_error fe;

	/* "from/to" in calendar order: adjacent ones as one span */
	for (char *t = strtok_r(q->closed, " ", &save); t != NULL;
	     t = strtok_r(NULL, " ", &save)) {
		if (n > 0 && strncmp(span[n - 1] + 11, t, 10) == 0) {
			memcpy(span[n - 1] + 11, t + 11, 10);
			continue;
		}
		if (n == CLOSED_SPANS_MAX) {
			memmove(span, span + 1, (n - 1) * sizeof *span);
			n--;
		}
		snprintf(span[n++], sizeof *span, "%.21s", t);
	}
	for (size_t i = 0; i < n; i++)
		spans[i] = span[i];
	field_error_set(&fe, "from",
	                "'%s' to '%s' includes %s, which no closed period "
	                "holds: reporters see closed periods only, as "
	                "published when they were closed (an administrator "
	                "closes one with 'callsheet admin close-period')",
	                q->req->msg->query->from, q->req->msg->query->to,
	                q->open_month);
	field_error_list(&fe, "disclosure", q->open_month, spans);
	req_fail(q->req, CALLSHEET__ERROR_CODE__FORBIDDEN, &fe);
}

/* FORBIDDEN: a breakdown the published figures do not keep; value the
 * dimensions named, allowed those that may go with the first. */
static void
refuse_shape(struct req *r, const struct qplan *p)
{
	const char *with[QD_N + 1] = {NULL};
	char named[256] = "";
	int first = -1;
	size_t n = 0;
	struct field_error fe;

	for (int pass = 0; pass < 2; pass++)
		for (int qd = 0; qd < QD_N; qd++) {
			/* group_by first, then filters; the call type is
			 * always kept */
			if (qd == DIM_CALL_TYPE ||
			    (pass == 0 ? !qplan_mentions_group(p, qd)
			               : qplan_mentions_group(p, qd) ||
			                         !qplan_mentions(p, qd)))
				continue;
			if (first < 0)
				first = qd;
			snprintf(named + strlen(named),
			         sizeof named - strlen(named), "%s%s",
			         named[0] != '\0' ? "," : "", qdim(qd)->name);
		}
	for (int qd = 0; first >= 0 && qd < QD_N; qd++) {
		struct qplan two;
		int extra;

		memset(&two, 0, sizeof two);
		two.from = p->from;
		two.to = p->to;
		two.group[0] = first;
		two.group[1] = qd;
		two.ngroup = 2;
		if (qd != first && qd != QD_JURIST &&
		    query_sql_rollup_keeps(&two, &extra))
			with[n++] = qdim(qd)->name;
	}
	field_error_set(&fe, "group_by",
	                "%s: this combination is not kept in the published "
	                "figures a reporter reads: they hold département "
	                "with one other dimension (weekday with hour; "
	                "weekday, hour and durations without département; "
	                "one topic at a time)",
	                named);
	field_error_list(&fe, "disclosure", named, with);
	req_fail(r, CALLSHEET__ERROR_CODE__FORBIDDEN, &fe);
}

static void
query_done(void *arg, const struct db_end *e)
{
	struct query *q = arg;
	Callsheet__QueryResult *r = &q->result;

	if (e->st != DB_OK) {
		req_db_error(q->req, e, "the query");
		query_free(q);
		return;
	}
	if (q->remapped)
		r->n_rows = q->nrows = query_merge_rows(r->rows, q->row_keys,
		                                        r->n_rows, row_free);
	q->has_durations = q->sql.duration_sql != NULL;
	if (q->open_month != NULL) {
		refuse_open_month(q);
		query_free(q);
		return;
	}
	q->result.n_group_by = q->sql.ngroup;
	q->result.group_by = (char **)q->sql.group_name;
	if (q->policy.method == DISCLOSE_PERTURB)
		describe_keys(q);
	if (q->sql.ngroup == 2 && q->policy.min_cell > 1)
		worker_run(query_suppress, query_answer, q);
	else {
		query_suppress(q);
		query_answer(q);
	}
}

/* Rows and total in one snapshot, the durations, the role's policy, and
 * for a reporter the first month of the period no closed period holds. */
static struct db_call *
query_call(struct query *q)
{
	const struct query_sql *s = &q->sql;
	const char *role[1] = {role_name(q->req->conn->session.role)};
	struct db_call *k = db_call_new("the query", query_done, q);

	db_call_sql(k, s->rows_sql, QS_ROWS_COLS(s), s->nparams, s->params,
	            rows_row);
	db_call_sql(k, s->total_sql, QS_TOTAL_COLS, s->nparams, s->params,
	            total_row);
	if (s->duration_sql != NULL)
		db_call_sql(k, s->duration_sql, QS_DURATION_COLS, s->nparams,
		            s->params, duration_row);
	db_call_stmt(k, STMT_MIN_CELL, 1, role, policy_row);
	/* from_rollup's first two parameters are the period's bounds */
	if (q->reporter)
		db_call_sql(k, OPEN_MONTH_SQL, 2, 2, s->params, open_month_row);
	return k;
}

static void
req_query(struct req *r)
{
	struct query *q;
	struct qplan plan;
	struct field_error fe;

	if (qplan_build(r->msg->query, taxonomy, &plan, &fe) != 0) {
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return;
	}
	if (r->conn->session.role == CALLSHEET__ROLE__REPORTER) {
		if (reporter_query_check(r->msg->query, &fe) != 0) {
			qplan_free(&plan);
			req_fail(r, CALLSHEET__ERROR_CODE__FORBIDDEN, &fe);
			return;
		}
		plan.released = true;
		plan.rollup = "published_rollup";
	}
	q = xcalloc(1, sizeof *q);
	callsheet__query_result__init(&q->result);
	q->result.has_total = true; /* 0 when nothing matched */
	q->result.rows = xcalloc(1, sizeof *q->result.rows);
	q->row_keys = xcalloc(1, sizeof *q->row_keys);
	q->reporter = plan.rollup != NULL;
	query_sql_build(&plan, cfg->use_rollup || q->reporter, &q->sql);
	if (q->reporter && !q->sql.from_rollup && plan.durations) {
		/* durations are kept for all départements together: a
		 * reporter's answer then comes without them */
		query_sql_free(&q->sql);
		plan.durations = false;
		q->durations_withheld = true;
		query_sql_build(&plan, true, &q->sql);
	}
	if (q->reporter && !q->sql.from_rollup) {
		refuse_shape(r, &plan);
		qplan_free(&plan);
		query_free(q);
		return;
	}
	q->plan = plan; /* q's now */
	q->req = r;
	disclosure_default(&q->policy, r->conn->session.role);
	if (req_call(r, query_call(q)) != 0)
		query_free(q);
}
