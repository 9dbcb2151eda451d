/* cmd-import.c: "callsheet import": the sheet CSV checked whole first (by
 * its format, against the server's codes, then by the server's own rules
 * and stored sheets), and only then sent, pipelined; idempotent. */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "callsheet.h"
#include "sheet-csv.h"

#define CHUNK_MAX      500 /* sheets per CheckSheets request */
#define PROBLEMS_SHOWN 50
#define PROGRESS_MS    100

static int cmd_import_exec(struct cli *, int, char **);

enum { OPT_SKIP_BAD = 256, OPT_CHECK };
static const struct cmd_option import_options[] = {
        {"skip-bad", OPT_SKIP_BAD, false, 0},
        {"check", OPT_CHECK, false, 0},
        {NULL, 0, false, 0},
};

const struct cmd_entry cmd_import_entry = {
        .name = "import",
        .args = N_("[--skip-bad] [--check] FILE.csv"),
        .summary = N_("add the sheets of a CSV file (as export writes it)"),
        .help = N_("Options:\n"
                   "  --skip-bad  import the good rows of a file that has "
                   "bad ones, and list\n"
                   "              the rows skipped\n"
                   "  --check     check the whole file and say what an "
                   "import would do\n"
                   "  -h, --help  this help\n"
                   "\n"
                   "Columns, in any order:\n"
                   "%s"
                   "\n"
                   "call_start is ISO 8601 with its UTC offset; topics are "
                   "codes separated by\n';'; an empty field is what does not "
                   "apply (call_type: consultation).\n"
                   "\n"
                   "The whole file is checked before anything is sent: a bad "
                   "row is reported\nwith its line, column and reason, and "
                   "without --skip-bad nothing is imported.\nImporting a file "
                   "again adds nothing: a row's id (a UUID) says which sheet "
                   "it\nis; a row without one gets an id derived from its "
                   "content and from how many\nidentical rows come before it "
                   "in the file. The sheets are logged under the\nimporting "
                   "account (jurist or admin).\n"),
        .help_make = sheet_csv_header,
        .options = import_options,
        .exec = cmd_import_exec,
};

enum rec_state {
	REC_NEW,
	REC_BAD,
	REC_STORED, /* already in the database, the same call */
	REC_TWICE,  /* the same sheet on an earlier line */
};

struct problem {
	unsigned line;
	const char *column; /* NULL: the whole record */
	char *message;
};

/* A progress bar on standard error, when it is a terminal. */
struct progress {
	bool on;
	const char *label;
	long size;
	int64_t last_ms;
};

/* A request sent and not yet answered (the window's tag): which records
 * it carries. */
struct pending {
	size_t *recs;
	size_t n;
};

struct import {
	const char *path;
	bool skip_bad, check_only;
	FILE *f;
	struct cs_client *c;
	Callsheet__Taxonomy *tax;
	struct code_table codes;
	struct sheet_header header;
	/* one entry per record after the header, in file order */
	size_t n, cap;
	unsigned *lines;
	uint8_t (*ids)[CS_UUID_LEN];
	uint8_t *state;
	size_t nbad, nstored, ntwice, added, duplicates, refused;
	struct problem *problems;
	size_t nproblems;
	struct progress progress;
	/* what an answer of the pass under way does to the records */
	int (*answer)(struct import *, const struct pending *,
	              const Callsheet__Response *, struct cs_error *);
};

/* One sheet read from the file, while a request carries it. */
struct entry {
	struct csv_row row;
	struct sheet_in in;
	size_t rec;
};

/* ------------------------------------------------------------ progress */

static void
progress_start(struct import *im, const char *label)
{
	struct stat st;

	im->progress.on = isatty(STDERR_FILENO) == 1 &&
	                  fstat(fileno(im->f), &st) == 0 && st.st_size > 0;
	im->progress.size = im->progress.on ? (long)st.st_size : 0;
	im->progress.label = label;
	im->progress.last_ms = 0;
}

static void
progress_show(struct import *im, bool force)
{
	struct progress *p = &im->progress;
	int64_t now = clock_ms();
	long at;
	int pct;

	if (!p->on || (!force && now - p->last_ms < PROGRESS_MS))
		return;
	p->last_ms = now;
	at = ftell(im->f);
	pct = at <= 0 ? 0 : at >= p->size ? 100 : (int)(at * 100 / p->size);
	fprintf(stderr, "\r%-12s [%-40.*s] %3d%%", p->label, pct * 40 / 100,
	        "########################################", pct);
}

static void
progress_end(struct import *im)
{
	if (im->progress.on)
		fputs("\r\033[K", stderr);
	im->progress.on = false;
}

/* ------------------------------------------------------------ records */

static size_t
record_add(struct import *im, unsigned line)
{
	if (im->n == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 1024;
		im->lines =
		        xreallocarray(im->lines, im->cap, sizeof *im->lines);
		im->ids = xreallocarray(im->ids, im->cap, sizeof *im->ids);
		im->state = xreallocarray(im->state, im->cap, 1);
	}
	im->lines[im->n] = line;
	im->state[im->n] = REC_NEW;
	return im->n++;
}

static void problem(struct import *im, unsigned line, const char *column,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
problem(struct import *im, unsigned line, const char *column, const char *fmt,
        ...)
{
	struct problem *p;
	va_list ap;

	im->problems = xreallocarray(im->problems, im->nproblems + 1,
	                             sizeof *im->problems);
	p = &im->problems[im->nproblems++];
	p->line = line;
	p->column = column;
	va_start(ap, fmt);
	p->message = xvasprintf(fmt, ap);
	va_end(ap);
}

/* A record found bad: at most one problem each. */
static void record_bad(struct import *im, size_t rec, const char *column,
                       const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void
record_bad(struct import *im, size_t rec, const char *column, const char *fmt,
           ...)
{
	va_list ap;
	char *message;

	if (im->state[rec] == REC_BAD)
		return;
	if (im->state[rec] == REC_STORED)
		im->nstored--;
	im->state[rec] = REC_BAD;
	im->nbad++;
	va_start(ap, fmt);
	message = xvasprintf(fmt, ap);
	va_end(ap);
	problem(im, im->lines[rec], column, "%s", message);
	free(message);
}

/* The column a field of the file holds, by its number (from 1). */
static const char *
column_of_field(const struct import *im, size_t field)
{
	for (size_t c = 0; c < sheet_ncols(); c++)
		if (im->header.nfields > 0 && im->header.index[c] + 1 == field)
			return sheet_col_name((int)c);
	return NULL;
}

/* The column of a field the server named ("topic" is the topics one). */
static const char *
column_of_server_field(const char *field)
{
	if (field == NULL)
		return NULL;
	if (strcmp(field, "topic") == 0)
		return sheet_col_name(COL_TOPICS);
	return sheet_col_name(sheet_col_find(field));
}

/* A server's error about one sheet, in the user's language. */
static const char *
refusal_text(const Callsheet__Error *e)
{
	struct cs_error err;

	cs_error_from_response(&err, e);
	return sheet_error_text(&err);
}

/* ------------------------------------------------------------ pipeline */

static void
pending_free(void *arg, void *tag)
{
	struct pending *p = tag;

	(void)arg;
	free(p->recs);
	free(p);
}

/* The window's answer, to the pass under way. */
static int
pending_answer(void *arg, void *tag, Callsheet__Response **resp,
               struct cs_error *err)
{
	struct import *im = arg;
	int rv = im->answer(im, tag, *resp, err);

	pending_free(NULL, tag);
	return rv;
}

/* The chunk's request, through the library's window (recs is taken). */
static int
window_send(struct cs_window *w, Callsheet__Request *req, size_t *recs,
            size_t n, struct cs_error *err)
{
	struct pending *p = xmalloc(sizeof *p);

	p->recs = recs;
	p->n = n;
	if (cs_window_send(w, req, p, err) == 0)
		return 0;
	pending_free(NULL, p);
	return -1;
}

/* ------------------------------------------------------ pass 1: check */

static int
check_answer(struct import *im, const struct pending *p,
             const Callsheet__Response *resp, struct cs_error *err)
{
	const Callsheet__SheetCheck *sc = resp->sheet_check;

	if (resp->body_case == CALLSHEET__RESPONSE__BODY_ERROR) {
		cs_error_from_response(err, resp->error);
		return -1;
	}
	if (resp->body_case != CALLSHEET__RESPONSE__BODY_SHEET_CHECK) {
		cs_error_set(err, CALLSHEET__ERROR_CODE__INTERNAL, "%s",
		             _("the server answered a check with something "
		               "else"));
		return -1;
	}
	for (size_t i = 0; i < sc->n_stored; i++)
		if (sc->stored[i] < p->n &&
		    im->state[p->recs[sc->stored[i]]] == REC_NEW) {
			im->state[p->recs[sc->stored[i]]] = REC_STORED;
			im->nstored++;
		}
	for (size_t i = 0; i < sc->n_problems; i++) {
		const Callsheet__SheetProblem *sp = sc->problems[i];

		if (sp->index < p->n)
			record_bad(im, p->recs[sp->index],
			           column_of_server_field(sp->error->field),
			           "%s", refusal_text(sp->error));
	}
	return 0;
}

struct chunk {
	struct entry *e[CHUNK_MAX];
	size_t n, bytes;
};

static void
chunk_clear(struct chunk *ch)
{
	for (size_t i = 0; i < ch->n; i++) {
		csv_row_free(&ch->e[i]->row);
		free(ch->e[i]);
	}
	ch->n = ch->bytes = 0;
}

/* The chunk's sheets in one request: CheckSheets (pass 1) or LogSheets
 * (pass 2, log set). */
static int
chunk_send(struct cs_window *w, struct chunk *ch, bool log,
           struct cs_error *err)
{
	Callsheet__CheckSheets cs = CALLSHEET__CHECK_SHEETS__INIT;
	Callsheet__LogSheets ls = CALLSHEET__LOG_SHEETS__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Sheet *sheets[CHUNK_MAX];
	size_t *recs;
	int rv;

	if (ch->n == 0)
		return 0;
	recs = xcalloc(ch->n, sizeof *recs);
	for (size_t i = 0; i < ch->n; i++) {
		sheets[i] = &ch->e[i]->in.sheet;
		recs[i] = ch->e[i]->rec;
	}
	if (log) {
		ls.sheets = sheets;
		ls.n_sheets = ch->n;
		req.body_case = CALLSHEET__REQUEST__BODY_LOG_SHEETS;
		req.log_sheets = &ls;
	} else {
		cs.sheets = sheets;
		cs.n_sheets = ch->n;
		req.body_case = CALLSHEET__REQUEST__BODY_CHECK_SHEETS;
		req.check_sheets = &cs;
	}
	rv = window_send(w, &req, recs, ch->n, err);
	chunk_clear(ch);
	return rv;
}

/* Adds e to the chunk, after sending the chunk if e would not fit. */
static int
chunk_add(struct import *im, struct cs_window *w, struct chunk *ch,
          struct entry *e, bool log, struct cs_error *err)
{
	/* each sheet costs its size, a tag and a length in the request */
	size_t size = callsheet__sheet__get_packed_size(&e->in.sheet) + 6;

	if (ch->n == CHUNK_MAX ||
	    (ch->n > 0 && ch->bytes + size + 64 > cs_max_frame(im->c))) {
		if (chunk_send(w, ch, log, err) != 0) {
			csv_row_free(&e->row);
			free(e);
			return -1;
		}
	}
	ch->e[ch->n++] = e;
	ch->bytes += size;
	return 0;
}

/* Ids: a row's own (and then the same id twice must be the same call),
 * or one derived from its content. */
static bool
assign_id(struct import *im, struct id_seen *derived, struct id_seen *given,
          struct entry *e)
{
	uint8_t first_digest[CS_UUID_LEN];
	unsigned first_line, line = im->lines[e->rec];
	char id[CS_UUID_STRLEN];

	if (e->in.derived_id) {
		sheet_derive_id(&e->in,
		                id_seen_add(derived, e->in.digest, e->in.digest,
		                            line, &first_line, first_digest));
		memcpy(im->ids[e->rec], e->in.id, CS_UUID_LEN);
		return true;
	}
	memcpy(im->ids[e->rec], e->in.id, CS_UUID_LEN);
	if (id_seen_add(given, e->in.id, e->in.digest, line, &first_line,
	                first_digest) == 0)
		return true;
	uuid_format(e->in.id, id);
	if (memcmp(first_digest, e->in.digest, CS_UUID_LEN) == 0) {
		im->state[e->rec] = REC_TWICE;
		im->ntwice++;
		return false;
	}
	record_bad(im, e->rec, sheet_col_name(COL_ID),
	           _("id %s is already on line %u for another call"), id,
	           first_line);
	return false;
}

/* One record: parsed, checked against the codes, then in the chunk. */
static int
check_record(struct import *im, struct csv_row *row, struct chunk *ch,
             struct cs_window *w, struct id_seen *ids[2], struct cs_error *err)
{
	struct entry *e = xcalloc(1, sizeof *e);
	struct sheet_csv_error se;

	e->row = *row;
	memset(row, 0, sizeof *row);
	e->rec = record_add(im, e->row.line);
	if (sheet_from_row(&e->row, &im->header, &im->codes, &e->in, &se) !=
	            0 ||
	    !assign_id(im, ids[0], ids[1], e)) {
		if (im->state[e->rec] == REC_NEW)
			record_bad(im, e->rec,
			           se.column >= 0 ? sheet_col_name(se.column)
			                          : NULL,
			           "%s", se.message);
		csv_row_free(&e->row);
		free(e);
		return 0;
	}
	return chunk_add(im, w, ch, e, false, err);
}

static int
read_header(struct import *im, struct csv_reader *r, struct cs_error *err)
{
	struct csv_row row = {0};
	struct csv_error ce;
	struct sheet_csv_error se;
	int k = csv_read(r, &row, &ce);

	if (k == 0) {
		cs_error_set(err, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		             _("%s is empty; expected the header %s"), im->path,
		             sheet_csv_header());
		return -1;
	}
	if (k < 0 || sheet_header_parse(&row, &im->header, &se) != 0) {
		cs_error_set(err, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		             _("%s: line %u: %s"), im->path,
		             k < 0 ? ce.line : row.line,
		             k < 0 ? ce.message : se.message);
		csv_row_free(&row);
		return -1;
	}
	csv_row_free(&row);
	return 0;
}

/* The end of a pass over the file (check, send): the last chunk sent if
 * all went well, every answer awaited, the window, progress bar, reader
 * and chunk let go; rv, or -1 if the end failed (err). */
static int
pass_end(struct import *im, struct csv_reader *r, struct cs_window *w,
         struct chunk *ch, bool last, int rv, struct cs_error *err)
{
	if (rv == 0)
		rv = chunk_send(w, ch, last, err);
	chunk_clear(ch);
	if (cs_window_drain(w, err) != 0)
		rv = -1;
	cs_window_close(w, pending_free);
	progress_end(im);
	csv_reader_free(r);
	free(ch);
	return rv;
}

static int
check_file(struct import *im, struct cs_error *err)
{
	struct csv_reader r;
	struct csv_row row = {0};
	struct csv_error ce;
	struct chunk *ch = xcalloc(1, sizeof *ch);
	struct cs_window *w;
	struct id_seen *ids[2] = {id_seen_new(), id_seen_new()};
	int k, rv;

	csv_reader_init(&r, im->f);
	im->answer = check_answer;
	w = cs_window_open(im->c, pending_answer, im);
	progress_start(im, _("checking"));
	rv = read_header(im, &r, err);
	while (rv == 0 && (k = csv_read(&r, &row, &ce)) != 0) {
		if (k < 0) {
			record_bad(im, record_add(im, ce.line),
			           column_of_field(im, ce.field), "%s",
			           ce.message);
			continue;
		}
		rv = check_record(im, &row, ch, w, ids, err);
		progress_show(im, false);
	}
	rv = pass_end(im, &r, w, ch, false, rv, err);
	id_seen_free(ids[0]);
	id_seen_free(ids[1]);
	return rv;
}

/* ------------------------------------------------------- pass 2: send */

/* A sheet the server refused: said against its line, unless the refusal
 * is not about the sheet (the import stops: -1 with err set). */
static int
sheet_refused(struct import *im, size_t rec, const Callsheet__Error *e,
              struct cs_error *err)
{
	if (e->code != CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	    e->code != CALLSHEET__ERROR_CODE__CONFLICT) {
		cs_error_from_response(err, e);
		return -1;
	}
	im->refused++;
	problem(im, im->lines[rec], column_of_server_field(e->field), "%s",
	        refusal_text(e));
	return 0;
}

static int
send_answer(struct import *im, const struct pending *p,
            const Callsheet__Response *resp, struct cs_error *err)
{
	const Callsheet__SheetsLogged *sl = resp->sheets_logged;
	int rv = 0;

	if (resp->body_case == CALLSHEET__RESPONSE__BODY_ERROR) {
		cs_error_from_response(err, resp->error);
		return -1;
	}
	if (resp->body_case != CALLSHEET__RESPONSE__BODY_SHEETS_LOGGED ||
	    sl->n_duplicates + sl->n_refused > p->n) {
		cs_error_set(err, CALLSHEET__ERROR_CODE__INTERNAL, "%s",
		             _("the server answered sheets with something "
		               "else"));
		return -1;
	}
	im->duplicates += sl->n_duplicates;
	im->added += p->n - sl->n_duplicates - sl->n_refused;
	for (size_t i = 0; i < sl->n_refused && rv == 0; i++) {
		const Callsheet__SheetProblem *sp = sl->refused[i];

		if (sp->index < p->n)
			rv = sheet_refused(im, p->recs[sp->index], sp->error,
			                   err);
	}
	return rv;
}

/* The record again, as read now: it must be what pass 1 checked. */
static int
send_record(struct import *im, struct csv_row *row, size_t rec,
            struct chunk *ch, struct cs_window *w, struct cs_error *err)
{
	struct entry *e = xcalloc(1, sizeof *e);
	struct sheet_csv_error se;

	e->row = *row;
	memset(row, 0, sizeof *row);
	e->rec = rec;
	if (sheet_from_row(&e->row, &im->header, &im->codes, &e->in, &se) !=
	    0) {
		csv_row_free(&e->row);
		free(e);
		cs_error_set(err, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		             _("%s changed during the import (line %u); "
		               "import it again"),
		             im->path, im->lines[rec]);
		return -1;
	}
	memcpy(e->in.id, im->ids[rec], CS_UUID_LEN);
	return chunk_add(im, w, ch, e, true, err);
}

static int
send_file(struct import *im, struct cs_error *err)
{
	struct csv_reader r;
	struct csv_row row = {0};
	struct csv_error ce;
	struct chunk *ch = xcalloc(1, sizeof *ch);
	struct cs_window *w;
	size_t rec = 0;
	int k, rv;

	rewind(im->f);
	csv_reader_init(&r, im->f);
	im->answer = send_answer;
	w = cs_window_open(im->c, pending_answer, im);
	progress_start(im, _("importing"));
	rv = read_header(im, &r, err);
	while (rv == 0 && (k = csv_read(&r, &row, &ce)) != 0) {
		if (rec == im->n) {
			cs_error_set(err, CALLSHEET__ERROR_CODE__BAD_REQUEST,
			             _("%s grew during the import; import it "
			               "again"),
			             im->path);
			rv = -1;
		} else if (k > 0 && im->state[rec] == REC_NEW)
			rv = send_record(im, &row, rec, ch, w, err);
		csv_row_free(&row);
		rec++;
		progress_show(im, false);
	}
	return pass_end(im, &r, w, ch, true, rv, err);
}

/* ---------------------------------------------------------- reporting */

static int
problem_cmp(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

static void
print_problems(struct import *im)
{
	if (im->nproblems == 0)
		return;
	qsort(im->problems, im->nproblems, sizeof *im->problems, problem_cmp);
	for (size_t i = 0; i < im->nproblems && i < PROBLEMS_SHOWN; i++) {
		const struct problem *p = &im->problems[i];

		if (p->column != NULL)
			fprintf(stderr, _("%s: line %u, column %s: %s\n"),
			        im->path, p->line, p->column, p->message);
		else
			fprintf(stderr, _("%s: line %u: %s\n"), im->path,
			        p->line, p->message);
	}
	if (im->nproblems > PROBLEMS_SHOWN)
		fprintf(stderr, _("%s: ... and %zu more\n"), im->path,
		        im->nproblems - PROBLEMS_SHOWN);
}

static void
clear_problems(struct import *im)
{
	for (size_t i = 0; i < im->nproblems; i++)
		free(im->problems[i].message);
	im->nproblems = 0;
}

/* After the check: whether to go on, else the exit status. */
static int
judge_check(struct import *im)
{
	size_t fresh = im->n - im->nbad - im->nstored - im->ntwice;

	print_problems(im);
	clear_problems(im);
	if (im->nbad > 0 && !im->skip_bad) {
		cli_error(P_("%s: %zu bad row of %zu; nothing imported (fix "
		             "it, or give --skip-bad to import the others)",
		             "%s: %zu bad rows of %zu; nothing imported (fix "
		             "them, or give --skip-bad to import the others)",
		             (unsigned long)im->nbad),
		          im->path, im->nbad, im->n);
		return 1;
	}
	if (im->nbad > 0)
		cli_error(P_("%s: skipping the %zu bad row above",
		             "%s: skipping the %zu bad rows above",
		             (unsigned long)im->nbad),
		          im->path, im->nbad);
	if (im->check_only) {
		printf(_("%s: %zu rows checked: %zu new sheets, %zu already "
		         "stored\n"),
		       im->path, im->n, fresh, im->nstored);
		return 0;
	}
	return -1;
}

static int
import_failed(struct import *im, const struct cs_error *err)
{
	print_problems(im);
	cli_error("%s", cli_error_text(err));
	if (im->added > 0)
		cli_error(_("%zu sheets were added before this; importing the "
		            "file again adds the rest and nothing twice"),
		          im->added);
	return cli_exit_status(err);
}

static int
import_run(struct import *im)
{
	struct cs_error err;
	int rv;

	if (check_file(im, &err) != 0)
		return import_failed(im, &err);
	if ((rv = judge_check(im)) >= 0)
		return rv;
	if (send_file(im, &err) != 0)
		return import_failed(im, &err);
	print_problems(im);
	printf(_("%s: %zu sheets added; %zu already stored, %zu repeated in "
	         "the file, %zu bad rows skipped\n"),
	       im->path, im->added, im->nstored + im->duplicates, im->ntwice,
	       im->nbad);
	if (im->refused == 0)
		return 0;
	cli_error(_("%s: the server refused the %zu sheets above"), im->path,
	          im->refused);
	return 1;
}

static int
import_option(void *arg, int id, char *value)
{
	struct import *im = arg;

	(void)value;
	if (id == OPT_SKIP_BAD)
		im->skip_bad = true;
	else
		im->check_only = true;
	return 0;
}

static int
import_parse(struct import *im, int argc, char **argv)
{
	int rv;

	if ((rv = cli_options(&cmd_import_entry, argc, argv, import_option,
	                      im)) >= 0)
		return rv;
	if (argc - optind != 1)
		return cli_usage_error(&cmd_import_entry, "%s",
		                       _("give one CSV file"));
	im->path = argv[optind];
	return -1;
}

static void
import_free(struct import *im)
{
	clear_problems(im);
	free(im->problems);
	free(im->lines);
	free(im->ids);
	free(im->state);
	code_table_free(&im->codes);
	if (im->tax != NULL)
		callsheet__taxonomy__free_unpacked(im->tax, NULL);
	if (im->f != NULL)
		fclose(im->f);
	cs_close(im->c);
}

static int
cmd_import_exec(struct cli *cli, int argc, char **argv)
{
	struct import im = {0};
	struct cs_error err;
	int rv;

	if ((rv = import_parse(&im, argc, argv)) >= 0)
		return rv;
	/* read twice (checked whole, then sent): a pipe will not do */
	if ((im.f = fopen(im.path, "r")) == NULL) {
		cli_error(_("cannot read %s: %s"), im.path, strerror(errno));
		return 1;
	}
	/* sheets waiting in the spool go first, as with every command
	 * (cli_connect); the file is the import's own spool: its ids are
	 * derived from its rows, so a run that stops is simply run again */
	if (cli_connect(cli, &im.c, &err) != 0 ||
	    cs_get_taxonomy(im.c, &im.tax, &err) != 0) {
		cli_error("%s", cli_error_text(&err));
		rv = cli_exit_status(&err);
	} else {
		code_table_init(&im.codes, im.tax);
		rv = import_run(&im);
	}
	import_free(&im);
	return rv;
}
