/* batch.c: group commit. Sheets wait in two queues, a jurist's sheet
 * (LogSheet) ahead of an import's (LogSheets); each batch takes all that
 * is waiting (up to batch_max) into one statement and one commit, and
 * every sheet of it is acknowledged only once that commit is done. */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheetd.h"

/* The statement's arrays: id, call start, duration, jurist, one per coded
 * field (sheet_fields[] order), topics; then one more parameter, the late
 * window. */
#define NCOLS     SHEET_BATCH_NARRAYS
#define COL_CODES 4

struct pending {
	TAILQ_ENTRY(pending) entry;
	batch_settled_fn *settled;
	void *arg;
	size_t index; /* for settled: which sheet of its request */
	struct sheet_row row;
	enum batch_lane lane;
	bool solo; /* its batch failed: retried alone to find the culprit */
	char status;
	char period[2][11]; /* status 'p': the closed period, YYYY-MM-DD */
};
TAILQ_HEAD(pending_list, pending);

/* The call's state (db_call_new_state: one allocation with the call). */
struct batch {
	struct pending **items;
	size_t n;
	char *params[NCOLS + 1];
	int lengths[NCOLS + 1];
};

static struct pending_list interactive = TAILQ_HEAD_INITIALIZER(interactive);
static struct pending_list bulk = TAILQ_HEAD_INITIALIZER(bulk);
static struct pending_list *const queues[] = {
        [LANE_INTERACTIVE] = &interactive, [LANE_BULK] = &bulk};
static unsigned nqueued; /* in both */
static unsigned batches_in_flight;

static void batch_kick(void);

static void
ack(struct pending *p, bool duplicate)
{
	p->settled(p->arg, p->index, p->row.id,
	           duplicate ? SHEET_DUPLICATE : SHEET_STORED,
	           CALLSHEET__ERROR_CODE__ERROR_NONE, NULL);
	free(p);
}

static void
refuse_why(struct pending *p, Callsheet__ErrorCode code,
           const struct field_error *fe)
{
	p->settled(p->arg, p->index, p->row.id, SHEET_REFUSED, code, fe);
	free(p);
}

/* Not about the sheet's content: no field, the message says why. */
static void
refuse(struct pending *p, Callsheet__ErrorCode code, const char *msg)
{
	struct field_error fe = {.allowed_dim = -1};

	snprintf(fe.message, sizeof fe.message, "%s", msg);
	refuse_why(p, code, &fe);
}

static void
requeue(struct pending *p, bool solo)
{
	p->solo = solo;
	TAILQ_INSERT_HEAD(queues[p->lane], p, entry);
	nqueued++;
}

/* ------------------------------------------------ array parameters */

/*
 * The arrays travel in PostgreSQL's binary array format (array_send):
 * nothing printed here is parsed again there, which was most of an
 * import's cost in the daemon and in the server. A header (dimensions,
 * flags, element type, length, lower bound), then each element: its
 * length (-1: NULL) and its bytes, big-endian.
 */
#define OID_INT2 21
#define OID_INT4 23
#define OID_INT8 20
#define OID_UUID 2950

struct bin_array {
	char *buf, *p;
};

static void
put32(struct bin_array *a, uint32_t v)
{
	v = htonl(v);
	memcpy(a->p, &v, 4);
	a->p += 4;
}

static void
bin_start(struct bin_array *a, uint32_t oid, size_t elem, size_t n)
{
	a->buf = a->p = xmalloc(20 + n * (4 + elem));
	put32(a, 1); /* dimensions */
	put32(a, 0); /* flags: PostgreSQL finds the NULLs itself */
	put32(a, oid);
	put32(a, (uint32_t)n);
	put32(a, 1); /* lower bound */
}

static void
bin_int(struct bin_array *a, int64_t v, size_t size, bool null_if_zero)
{
	if (null_if_zero && v == 0) {
		put32(a, UINT32_MAX);
		return;
	}
	put32(a, (uint32_t)size);
	if (size == 8)
		put32(a, (uint32_t)((uint64_t)v >> 32));
	if (size >= 4)
		put32(a, (uint32_t)v);
	else {
		uint16_t h = htons((uint16_t)v);

		memcpy(a->p, &h, 2);
		a->p += 2;
	}
}

static void
build_params(struct batch *b)
{
	struct bin_array col[NCOLS];
	uint32_t days;

	bin_start(&col[0], OID_UUID, CS_UUID_LEN, b->n);
	bin_start(&col[1], OID_INT8, 8, b->n);
	bin_start(&col[2], OID_INT4, 4, b->n);
	bin_start(&col[3], OID_INT4, 4, b->n);
	for (size_t f = 0; f < SHEET_NCODES; f++)
		bin_start(&col[COL_CODES + f], OID_INT2, 2, b->n);
	bin_start(&col[NCOLS - 1], OID_INT8, 8, b->n);
	for (size_t i = 0; i < b->n; i++) {
		const struct sheet_row *r = &b->items[i]->row;

		put32(&col[0], CS_UUID_LEN);
		memcpy(col[0].p, r->id, CS_UUID_LEN);
		col[0].p += CS_UUID_LEN;
		bin_int(&col[1], r->call_start, 8, false);
		bin_int(&col[2], r->duration_s, 4, false);
		bin_int(&col[3], r->jurist_id, 4, false);
		for (size_t f = 0; f < SHEET_NCODES; f++)
			bin_int(&col[COL_CODES + f], r->code[f], 2,
			        sheet_fields[f].absent == NULL);
		bin_int(&col[NCOLS - 1], r->topics, 8, false);
	}
	for (size_t c = 0; c < NCOLS; c++) {
		b->params[c] = col[c].buf;
		b->lengths[c] = (int)(col[c].p - col[c].buf);
	}
	/* the late window, an int4 in binary as the arrays */
	days = htonl(cfg->amend_window_days);
	b->params[NCOLS] = xmalloc(sizeof days);
	memcpy(b->params[NCOLS], &days, sizeof days);
	b->lengths[NCOLS] = (int)sizeof days;
}

/* What the batch holds besides itself (itself goes with its call). */
static void
batch_free(struct batch *b)
{
	for (size_t c = 0; c < NCOLS + 1; c++)
		free(b->params[c]);
	free(b->items);
}

/* ------------------------------------------------------ the call */

/* A row of (ordinality, status, the closed period's first day and the
 * first day after) for each sheet not inserted. */
static void
batch_row(void *arg, const struct db_row *row)
{
	struct batch *b = arg;
	int64_t ord = db_int(row, 0);
	struct pending *p;

	if (ord < 1 || (uint64_t)ord > b->n)
		return;
	p = b->items[ord - 1];
	p->status = db_text(row, 1)[0];
	for (int k = 0; k < 2; k++)
		snprintf(p->period[k], sizeof p->period[k], "%s",
		         db_text(row, 2 + k));
}

static void
batch_settle(struct pending *p)
{
	struct field_error fe;

	switch (p->status) {
	case 'i':
		ack(p, false);
		break;
	case 'd':
		ack(p, true);
		break;
	case 'c':
		sheet_conflict_error(&fe, p->row.id);
		refuse_why(p, CALLSHEET__ERROR_CODE__CONFLICT, &fe);
		break;
	case 'p':
		/* BAD_REQUEST: this sheet, not the session, is refused, so a
		 * client's spool sets it aside instead of stopping there */
		sheet_closed_error(&fe, p->row.call_start, p->period[0],
		                   p->period[1], time(NULL),
		                   cfg->amend_window_days);
		refuse_why(p, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		break;
	case 'r':
		requeue(p, false);
		break;
	default:
		refuse(p, CALLSHEET__ERROR_CODE__INTERNAL,
		       "the database gave an unexpected answer for this sheet");
		break;
	}
}

static void
batch_done(void *arg, const struct db_end *e)
{
	struct batch *b = arg;
	enum db_status st = e->st;
	const char *err = e->error;

	batches_in_flight--;
	for (size_t i = b->n; i-- > 0;) {
		struct pending *p = b->items[i];

		if (st == DB_OK) {
			if (p->status == 0)
				p->status = 'i'; /* no row: inserted */
			batch_settle(p);
		} else if (st == DB_UNAVAILABLE)
			refuse(p, CALLSHEET__ERROR_CODE__UNAVAILABLE,
			       "not stored: the database is unreachable; "
			       "retry shortly");
		else if (b->n > 1)
			requeue(p, true);
		else {
			log_error("sheet refused by the database: %s",
			          err ? err : "?");
			refuse(p, CALLSHEET__ERROR_CODE__INTERNAL,
			       "not stored: the database refused it");
		}
	}
	if (st == DB_ERROR && b->n > 1)
		log_warn("a batch of %zu sheets failed (%s); retrying them one "
		         "by one",
		         b->n, err ? err : "?");
	batch_free(b);
	batch_kick();
}

/* The ids of a batch being taken, hashed (open addressing): an id goes
 * at most once per statement. */
struct id_set {
	const uint8_t **slot;
	size_t mask;
};

static bool
id_set_add(struct id_set *set, const uint8_t *id)
{
	uint64_t h;
	size_t i;

	memcpy(&h, id, sizeof h); /* UUIDs: random or a digest */
	for (i = (size_t)(h * 0x9e3779b97f4a7c15u >> 32) & set->mask;
	     set->slot[i] != NULL; i = (i + 1) & set->mask)
		if (memcmp(set->slot[i], id, CS_UUID_LEN) == 0)
			return false;
	set->slot[i] = id;
	return true;
}

/* Take what is waiting, the jurists' sheets first: a solo sheet goes
 * alone, and an id goes at most once per statement (a second copy waits
 * for the next batch). */
static struct db_call *
batch_take(void)
{
	struct batch *b;
	struct db_call *k = db_call_new_state("the sheets' insert", batch_done,
	                                      sizeof *b, (void **)&b);
	size_t max = nqueued < cfg->batch_max ? nqueued : cfg->batch_max;
	struct id_set ids = {.mask = 1};
	bool full = false;

	while (ids.mask + 1 < 2 * max)
		ids.mask = ids.mask * 2 + 1;
	ids.slot = xcalloc(ids.mask + 1, sizeof *ids.slot);
	b->items = xcalloc(max, sizeof *b->items);
	for (size_t q = 0; q < nitems(queues) && !full; q++) {
		struct pending *p, *next;

		for (p = TAILQ_FIRST(queues[q]); p != NULL; p = next) {
			next = TAILQ_NEXT(p, entry);
			if (b->n == max || (p->solo && b->n > 0)) {
				full = true;
				break;
			}
			if (!id_set_add(&ids, p->row.id))
				continue;
			TAILQ_REMOVE(queues[q], p, entry);
			nqueued--;
			p->status = 0;
			b->items[b->n++] = p;
			if (p->solo) {
				full = true;
				break;
			}
		}
	}
	free(ids.slot);
	build_params(b);
	db_call_stmt_binary(k, STMT_INSERT_SHEETS, NCOLS + 1,
	                    (const char *const *)b->params, b->lengths,
	                    batch_row);
	return k;
}

/*
 * One batch in flight per database connection: while one commits, the
 * next fills up. That is the whole of group commit.
 */
static void
batch_kick(void)
{
	while (nqueued > 0 && batches_in_flight < cfg->pg_pool) {
		unsigned before = batches_in_flight++;

		/* no database: done has refused the batch and kicked again */
		db_call_run(batch_take());
		if (batches_in_flight == before)
			return;
	}
}

void
batch_add(const struct sheet_row *row, enum batch_lane lane,
          batch_settled_fn *settled, void *arg, size_t index)
{
	struct pending *p = xcalloc(1, sizeof *p);

	p->settled = settled;
	p->arg = arg;
	p->index = index;
	p->row = *row;
	p->lane = lane;
	TAILQ_INSERT_TAIL(queues[lane], p, entry);
	nqueued++;
	batch_kick();
}

unsigned
batch_pending(void)
{
	return nqueued + batches_in_flight;
}
