/* sheet-csv.c: the sheet CSV of docs/DESIGN.md: header, records checked and
 * turned into sheets, sheets written as records, ids derived for rows
 * that carry none; pure. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "libcallsheet.h"
#include "parse.h"
#include "callsheet.h"
#include "report-format.h"
#include "sheet-csv.h"

#define DURATION_MAX (24 * 3600)

/* A column's field: id, call_start and duration_s first, as the proto
 * numbers them; every other is a coded field or topics (checked once). */
static const ProtobufCFieldDescriptor *
col_field(int col)
{
	static bool checked;
	const ProtobufCMessageDescriptor *d = &callsheet__sheet__descriptor;

	if (!checked) {
		static const char *const fixed[] = {
		        [COL_ID] = "id",
		        [COL_CALL_START] = "call_start",
		        [COL_DURATION] = "duration_s",
		};

		for (unsigned c = 0; c < d->n_fields; c++)
			if (c < nitems(fixed)
			            ? strcmp(d->fields[c].name, fixed[c]) != 0
			            : sheet_code_find(d->fields[c].name) < 0 &&
			                      strcmp(d->fields[c].name,
			                             "topics") != 0) {
				fprintf(stderr,
				        "callsheet: no CSV column for the "
				        "Sheet field %s\n",
				        d->fields[c].name);
				abort();
			}
		checked = true;
	}
	return col >= 0 && (unsigned)col < d->n_fields ? &d->fields[col] : NULL;
}

size_t
sheet_ncols(void)
{
	return callsheet__sheet__descriptor.n_fields;
}

const char *
sheet_col_name(int col)
{
	const ProtobufCFieldDescriptor *f = col_field(col);

	return f != NULL ? f->name : NULL;
}

/* The coded field a column holds (its index in sheet-codes.h), or -1. */
static int
col_code(int col)
{
	return col > COL_DURATION ? sheet_code_find(sheet_col_name(col)) : -1;
}

/* What an empty coded field stands for, where it is not "none". */
static const char *
code_absent(size_t code)
{
	return strcmp(sheet_code_name(code), "call_type") == 0 ? "consultation"
	                                                       : NULL;
}

int
sheet_col_find(const char *name)
{
	for (int c = 0; (size_t)c < sheet_ncols(); c++)
		if (strcmp(sheet_col_name(c), name) == 0)
			return c;
	return -1;
}

const char *
sheet_csv_header(void)
{
	static char *header;

	if (header == NULL) {
		struct strbuf sb = {0};

		for (int c = 0; (size_t)c < sheet_ncols(); c++)
			sb_addf(&sb, "%s%s", c > 0 ? "," : "",
			        sheet_col_name(c));
		header = sb_steal(&sb);
	}
	return header;
}

/* Derived ids live in a namespace of their own (RFC 4122 version 5). */
static const uint8_t id_namespace[CS_UUID_LEN] = {
        0x6b, 0x1d, 0x3c, 0x52, 0x0e, 0x8a, 0x4f, 0x61,
        0x9d, 0x27, 0x40, 0xc3, 0x5a, 0xe1, 0x77, 0x0f};

static int sheet_fail(struct sheet_csv_error *err, int column, const char *fmt,
                      ...) __attribute__((format(printf, 3, 4)));

static int
sheet_fail(struct sheet_csv_error *err, int column, const char *fmt, ...)
{
	va_list ap;

	err->column = column;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---------------------------------------------------------------- header */

int
sheet_header_parse(const struct csv_row *row, struct sheet_header *h,
                   struct sheet_csv_error *err)
{
	bool seen[SHEET_COLS_MAX] = {false};
	size_t ncols = sheet_ncols();

	h->nfields = row->n;
	for (size_t i = 0; i < row->n; i++) {
		int c = sheet_col_find(row->fields[i]);

		if (c < 0)
			return sheet_fail(
			        err, -1,
			        _("unknown column '%.64s' in the header; "
			          "expected %s"),
			        row->fields[i], sheet_csv_header());
		if (seen[c])
			return sheet_fail(err, -1,
			                  _("column '%s' appears twice in the "
			                    "header"),
			                  sheet_col_name(c));
		seen[c] = true;
		h->index[c] = i;
	}
	for (size_t c = 0; c < ncols; c++)
		if (!seen[c] && (int)c > COL_TOPICS)
			h->index[c] =
			        SHEET_COL_NONE; /* a file from before it */
		else if (!seen[c])
			return sheet_fail(
			        err, -1,
			        _("the header lacks column '%s'; expected %s"),
			        sheet_col_name((int)c), sheet_csv_header());
	return 0;
}

/* ----------------------------------------------------------------- codes */

static int
entry_cmp(const char *dim_a, const char *code_a, const char *dim_b,
          const char *code_b)
{
	int d = strcmp(dim_a, dim_b);

	return d != 0 ? d : strcmp(code_a, code_b);
}

static int
entry_sort_cmp(const void *a, const void *b)
{
	const Callsheet__TaxonomyEntry *x = *(const void *const *)a;
	const Callsheet__TaxonomyEntry *y = *(const void *const *)b;

	return entry_cmp(x->dimension, x->code, y->dimension, y->code);
}

void
code_table_init(struct code_table *t, const Callsheet__Taxonomy *tax)
{
	t->n = tax->n_entries;
	t->e = xcalloc(t->n + 1, sizeof *t->e);
	for (size_t i = 0; i < t->n; i++)
		t->e[i] = tax->entries[i];
	qsort(t->e, t->n, sizeof *t->e, entry_sort_cmp);
}

void
code_table_free(struct code_table *t)
{
	free(t->e);
	t->e = NULL;
	t->n = 0;
}

const Callsheet__TaxonomyEntry *
code_find(const struct code_table *t, const char *dimension, const char *code)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = entry_cmp(dimension, code, t->e[mid]->dimension,
		                  t->e[mid]->code);

		if (c == 0)
			return t->e[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* What went wrong with one field, in the user's language, without the
 * field's name in front (a column or the context says it). */
const char *
sheet_error_text(const struct cs_error *err)
{
	const char *text = cli_error_text(err);
	size_t n = strlen(err->field);

	if (n > 0 && strncmp(text, err->field, n) == 0) {
		if (strncmp(text + n, ": ", 2) == 0)
			return text + n + 2;
		if (strncmp(text + n, " : ", 3) == 0)
			return text + n + 3;
	}
	return text;
}

/* A code the server would refuse, said as the server's refusal is. */
static int
code_refused(struct sheet_csv_error *err, int col, const char *dimension,
             const char *reason, const char *code, const char *allowed)
{
	struct cs_error e = {0};

	snprintf(e.field, sizeof e.field, "%s", dimension);
	snprintf(e.reason, sizeof e.reason, "%s", reason);
	snprintf(e.value, sizeof e.value, "%s", code);
	snprintf(e.allowed, sizeof e.allowed, "%s", allowed);
	return sheet_fail(err, col, "%s", sheet_error_text(&e));
}

static int
check_code(const struct code_table *t, const char *dimension, int col,
           const char *code, struct sheet_csv_error *err)
{
	const Callsheet__TaxonomyEntry *e = code_find(t, dimension, code);
	struct strbuf list = {0};
	int rv;

	/* a retired code stays valid for the calls before its retirement:
	 * the server, which knows when that was, judges it (pass 1) */
	if (e != NULL)
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->e[i]->dimension, dimension) == 0 &&
		    !(t->e[i]->has_retired && t->e[i]->retired)) {
			sb_add(&list, list.len > 0 ? ", " : "");
			sb_add(&list, t->e[i]->code);
		}
	rv = code_refused(err, col, dimension, "unknown_code", code,
	                  list.buf != NULL ? list.buf : "");
	sb_free(&list);
	return rv;
}

/* -------------------------------------------------------------- records */

static int
check_call_start(const char *v, Callsheet__Sheet *s,
                 struct sheet_csv_error *err)
{
	/* without an offset the time would depend on this machine's zone */
	if (strlen(v) < 16 || strpbrk(v + 16, "Zz+-") == NULL ||
	    parse_iso8601(v, &s->call_start) != 0)
		return sheet_fail(err, COL_CALL_START,
		                  _("'%.64s' is not a date and time with its "
		                    "UTC offset, such as "
		                    "2025-03-04T10:15:00+01:00"),
		                  v);
	return 0;
}

static int
check_duration(const char *v, Callsheet__Sheet *s, struct sheet_csv_error *err)
{
	uint64_t d;

	if (parse_uint(v, DURATION_MAX, &d) != 0)
		return sheet_fail(err, COL_DURATION,
		                  _("'%.64s' is not a number of seconds from "
		                    "0 to %d"),
		                  v, DURATION_MAX);
	s->duration_s = (uint32_t)d;
	return 0;
}

/* "a;b;c", cut in place. */
static int
split_topics(char *v, const struct code_table *t, struct sheet_in *in,
             struct sheet_csv_error *err)
{
	char *p = v;

	if (*v == '\0')
		return 0;
	for (;;) {
		char *end = p + strcspn(p, ";");
		bool last = *end == '\0';

		*end = '\0';
		if (*p == '\0')
			return sheet_fail(err, COL_TOPICS,
			                  _("an empty topic; separate topic "
			                    "codes with a single ';'"));
		if (in->sheet.n_topics == SHEET_TOPICS_MAX)
			return sheet_fail(err, COL_TOPICS,
			                  _("more than %d topics"),
			                  SHEET_TOPICS_MAX);
		if (check_code(t, "topic", COL_TOPICS, p, err) != 0)
			return -1;
		in->topics[in->sheet.n_topics++] = p;
		if (last)
			return 0;
		p = end + 1;
	}
}

static void
v5(const uint8_t ns[CS_UUID_LEN], const char *name, uint8_t out[CS_UUID_LEN])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, ns, CS_UUID_LEN) != 1 ||
	    EVP_DigestUpdate(ctx, name, strlen(name)) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen < CS_UUID_LEN) {
		fprintf(stderr, "callsheet: SHA-1 is not available\n");
		abort();
	}
	EVP_MD_CTX_free(ctx);
	memcpy(out, md, CS_UUID_LEN);
	out[6] = (uint8_t)((out[6] & 0x0f) | 0x50);
	out[8] = (uint8_t)((out[8] & 0x3f) | 0x80);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The content in one canonical text: the same call, the same text. The
 * coded fields before topics are there by place; one added after topics
 * only when given, by name, so that the ids derived from a file before it
 * was added stay the same.
 */
static char *
canonical(const Callsheet__Sheet *s)
{
	struct strbuf sb = {0};
	char *topics[SHEET_TOPICS_MAX];
	int topics_col = COL_TOPICS;

	sb_addf(&sb, "%lld,%u", (long long)s->call_start, s->duration_s);
	for (int c = COL_DURATION + 1; c < topics_col; c++) {
		const char *v = sheet_code_value(s, (size_t)col_code(c));

		if (v == NULL)
			v = code_absent((size_t)col_code(c));
		sb_addf(&sb, ",%s", v != NULL ? v : "");
	}
	memcpy(topics, s->topics, s->n_topics * sizeof *topics);
	qsort(topics, s->n_topics, sizeof *topics, str_cmp);
	for (size_t i = 0; i < s->n_topics; i++)
		if (i == 0 || strcmp(topics[i], topics[i - 1]) != 0)
			sb_addf(&sb, "%s%s", i == 0 ? "," : ";", topics[i]);
	for (int c = topics_col + 1; (size_t)c < sheet_ncols(); c++) {
		const char *v = sheet_code_value(s, (size_t)col_code(c));

		if (v != NULL)
			sb_addf(&sb, ",%s=%s", sheet_col_name(c), v);
	}
	return sb_steal(&sb);
}

void
sheet_derive_id(struct sheet_in *in, unsigned occurrence)
{
	char *text = canonical(&in->sheet);
	char *name = xasprintf("%s#%u", text, occurrence);

	v5(id_namespace, name, in->id);
	free(name);
	free(text);
}

int
sheet_from_row(struct csv_row *row, const struct sheet_header *h,
               const struct code_table *codes, struct sheet_in *in,
               struct sheet_csv_error *err)
{
	Callsheet__Sheet *s = &in->sheet;
	char *v[SHEET_COLS_MAX], *text, empty[] = "";

	memset(in, 0, sizeof *in);
	callsheet__sheet__init(s);
	s->topics = in->topics;
	if (row->n != h->nfields)
		return sheet_fail(err, -1,
		                  _("%zu fields where the header has %zu"),
		                  row->n, h->nfields);
	for (size_t c = 0; c < sheet_ncols(); c++)
		v[c] = h->index[c] != SHEET_COL_NONE ? row->fields[h->index[c]]
		                                     : empty;
	if (*v[COL_ID] != '\0' && uuid_parse(v[COL_ID], in->id) != 0)
		return sheet_fail(err, COL_ID,
		                  _("'%.64s' is not a UUID; leave it empty to "
		                    "derive one from the row"),
		                  v[COL_ID]);
	if (check_call_start(v[COL_CALL_START], s, err) != 0 ||
	    check_duration(v[COL_DURATION], s, err) != 0)
		return -1;
	for (int c = COL_DURATION + 1; (size_t)c < sheet_ncols(); c++) {
		int k = col_code(c);

		if (k < 0 || *v[c] == '\0')
			continue;
		if (check_code(codes, sheet_col_name(c), c, v[c], err) != 0)
			return -1;
		*sheet_code_slot(s, (size_t)k) = v[c];
	}
	if (split_topics(v[COL_TOPICS], codes, in, err) != 0)
		return -1;
	text = canonical(s);
	v5(id_namespace, text, in->digest);
	free(text);
	in->derived_id = *v[COL_ID] == '\0';
	s->id.data = in->id;
	s->id.len = CS_UUID_LEN;
	s->has_id = s->has_call_start = s->has_duration_s = true;
	return 0;
}

/* --------------------------------------------------------- seen ids */

struct id_slot {
	uint8_t key[CS_UUID_LEN];
	uint8_t digest[CS_UUID_LEN];
	unsigned line;
	unsigned count; /* 0: a free slot */
};

struct id_seen {
	struct id_slot *slots;
	size_t cap, used;
};

struct id_seen *
id_seen_new(void)
{
	struct id_seen *m = xcalloc(1, sizeof *m);

	m->cap = 1024;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	return m;
}

void
id_seen_free(struct id_seen *m)
{
	if (m == NULL)
		return;
	free(m->slots);
	free(m);
}

/* Keys are UUIDs or hashes: their first bytes spread well enough. */
static struct id_slot *
slot_for(struct id_slot *slots, size_t cap, const uint8_t key[CS_UUID_LEN])
{
	size_t h;

	memcpy(&h, key + 8, sizeof h);
	for (h &= cap - 1;; h = (h + 1) & (cap - 1))
		if (slots[h].count == 0 ||
		    memcmp(slots[h].key, key, CS_UUID_LEN) == 0)
			return &slots[h];
}

static void
grow(struct id_seen *m)
{
	struct id_slot *old = m->slots;
	size_t oldcap = m->cap;

	m->cap *= 2;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].count != 0)
			*slot_for(m->slots, m->cap, old[i].key) = old[i];
	free(old);
}

unsigned
id_seen_add(struct id_seen *m, const uint8_t key[CS_UUID_LEN],
            const uint8_t digest[CS_UUID_LEN], unsigned line,
            unsigned *first_line, uint8_t first_digest[CS_UUID_LEN])
{
	struct id_slot *s;

	if ((m->used + 1) * 2 > m->cap)
		grow(m);
	s = slot_for(m->slots, m->cap, key);
	if (s->count == 0) {
		memcpy(s->key, key, CS_UUID_LEN);
		memcpy(s->digest, digest, CS_UUID_LEN);
		s->line = line;
		m->used++;
	}
	*first_line = s->line;
	memcpy(first_digest, s->digest, CS_UUID_LEN);
	return s->count++;
}

/* --------------------------------------------------------------- export */

void
sheet_csv_format(struct strbuf *sb, const Callsheet__Sheet *s,
                 const char *call_start)
{
	char id[CS_UUID_STRLEN] = "";
	struct strbuf topics = {0};

	if (s->id.len == CS_UUID_LEN)
		uuid_format(s->id.data, id);
	for (size_t i = 0; i < s->n_topics; i++) {
		sb_add(&topics, i > 0 ? ";" : "");
		sb_add(&topics, s->topics[i]);
	}
	sb_addf(sb, "%s,", id);
	csv_field(sb, call_start);
	sb_addf(sb, ",%u", s->duration_s);
	for (int c = COL_DURATION + 1; (size_t)c < sheet_ncols(); c++) {
		int k = col_code(c);
		const char *v = k >= 0 ? sheet_code_value(s, (size_t)k)
		                : topics.buf != NULL ? topics.buf
		                                     : "";

		sb_add(sb, ",");
		if (v != NULL)
			csv_field(sb, v);
	}
	sb_add(sb, "\n");
	sb_free(&topics);
}
