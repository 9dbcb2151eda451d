/* test_taxonomy_admin.c: an administrator changes the taxonomy of running
 * daemons: a client connected before the change gets the new topic and
 * logs with it, a second daemon learns it through NOTIFY, retired codes
 * are refused for new sheets yet counted under their successor, filters
 * on a successor match its predecessors, and bad changes are refused with
 * their field and reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "entry.h"
#include "harness.h"

static struct th_daemon a, b;
static struct cs_client *admin, *jurist;
static uint64_t added_version; /* the taxonomy version with housing */

static Callsheet__ErrorCode
change(struct cs_client *c, Callsheet__Request *req,
       Callsheet__TaxonomyChanged **ok, struct cs_error *err)
{
	memset(err, 0, sizeof *err);
	*ok = NULL;
	if (cs_taxonomy_change(c, req, ok, err) == 0)
		return CALLSHEET__ERROR_CODE__ERROR_NONE;
	return err->code;
}

static Callsheet__ErrorCode
add(struct cs_client *c, const char *dim, const char *code, const char *en,
    const char *fr, Callsheet__TaxonomyChanged **ok, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__TaxonomyAdd m = CALLSHEET__TAXONOMY_ADD__INIT;

	m.dimension = (char *)dim;
	m.code = (char *)code;
	m.label_en = (char *)en;
	m.label_fr = (char *)fr;
	req.body_case = CALLSHEET__REQUEST__BODY_TAXONOMY_ADD;
	req.taxonomy_add = &m;
	return change(c, &req, ok, err);
}

/* Retire (with a successor or none), or map a retired code. */
static Callsheet__ErrorCode
retire_or_map(struct cs_client *c, bool is_map, const char *dim,
              const char *code, const char *successor, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__TaxonomyRetire ret = CALLSHEET__TAXONOMY_RETIRE__INIT;
	Callsheet__TaxonomyMap m = CALLSHEET__TAXONOMY_MAP__INIT;
	Callsheet__TaxonomyChanged *ok;
	Callsheet__ErrorCode rc;

	ret.dimension = m.dimension = (char *)dim;
	ret.code = m.code = (char *)code;
	ret.successor = m.successor = (char *)successor;
	req.body_case = is_map ? CALLSHEET__REQUEST__BODY_TAXONOMY_MAP
	                       : CALLSHEET__REQUEST__BODY_TAXONOMY_RETIRE;
	if (is_map)
		req.taxonomy_map = &m;
	else
		req.taxonomy_retire = &ret;
	rc = change(c, &req, &ok, err);
	if (ok != NULL)
		callsheet__taxonomy_changed__free_unpacked(ok, NULL);
	return rc;
}

#define retire(c, d, code, s, e) retire_or_map(c, false, d, code, s, e)
#define map(c, d, code, s, e)    retire_or_map(c, true, d, code, s, e)

static Callsheet__ErrorCode
log_one(struct cs_client *c, const char *pro_kind, const char *topic1,
        const char *topic2, struct cs_error *err)
{
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	char *topics[2] = {(char *)topic1, (char *)topic2};

	th_sheet_init(&s, id);
	/* an hour ahead (the daemon allows a day): after every retirement
	 * this test makes, which a retired code is refused for */
	s.call_start = (int64_t)time(NULL) + 3600;
	s.topics = topics;
	s.n_topics = topic2 != NULL ? 2 : 1;
	if (pro_kind != NULL) {
		s.caller = "professional";
		s.household = s.origin = NULL;
		s.pro_kind = (char *)pro_kind;
	}
	memset(err, 0, sizeof *err);
	return cs_log_sheet(c, &s, NULL, err) == 0
	               ? CALLSHEET__ERROR_CODE__ERROR_NONE
	               : err->code;
}

static const Callsheet__TaxonomyEntry *
find(const Callsheet__Taxonomy *t, const char *dim, const char *code)
{
	return cs_tax_find(t, dim, code);
}

/* Count of the row whose first key is key; -1 if there is none. */
static long long
query(struct cs_client *c, const char *by, const char *fdim, const char *fval,
      const char *key, uint64_t *total)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Filter f = CALLSHEET__FILTER__INIT;
	Callsheet__Filter *fp[1] = {&f};
	char *group[1] = {(char *)by};
	Callsheet__QueryResult *r;
	struct cs_error err;
	long long n = -1;

	q.from = "2000-01-01";
	q.to = "2100-01-01";
	q.group_by = group;
	q.n_group_by = by != NULL;
	f.dimension = (char *)fdim;
	f.value = (char *)fval;
	q.filters = fp;
	q.n_filters = fdim != NULL;
	if (cs_query(c, &q, &r, &err) != 0)
		th_die("query: %s", err.message);
	for (size_t i = 0; i < r->n_rows; i++)
		if (key != NULL && strcmp(r->rows[i]->keys[0], key) == 0)
			n = (long long)r->rows[i]->count;
	if (total != NULL)
		*total = r->total;
	callsheet__query_result__free_unpacked(r, NULL);
	return n;
}

/* The key "callsheet new" gives each topic of the daemon's taxonomy now,
 * as "code=key ..." (retired codes have none). */
static char *
topic_keys(struct cs_client *c)
{
	Callsheet__Taxonomy *t;
	struct cs_error err;
	struct entry e;
	struct entry_answers ans = {0};
	struct strbuf sb = {0};
	const char *keys = "293\n2"; /* a professional's association: topics */

	if (cs_get_taxonomy(c, &t, &err) != 0)
		th_die("taxonomy: %s", err.message);
	entry_init(&e, t, false, &ans);
	for (const char *k = keys; *k != '\0'; k++)
		entry_key(&e, (unsigned char)*k);
	if (e.step != STEP_TOPICS)
		th_die("the keys %s did not lead to the topics", keys);
	for (size_t i = 0; i < e.nchoices; i++)
		sb_addf(&sb, "%s%s=%c", i > 0 ? " " : "", e.choices[i].code,
		        e.choices[i].key);
	entry_free(&e);
	answers_free(&ans);
	callsheet__taxonomy__free_unpacked(t, NULL);
	return sb_steal(&sb);
}

static void
test_add_seen_by_running_client(void)
{
	Callsheet__TaxonomyChanged *ok;
	Callsheet__Taxonomy *t;
	const Callsheet__TaxonomyEntry *e;
	struct cs_error err;
	uint64_t before = cs_taxonomy_version(jurist);
	char *keys;

	CHECK(log_one(jurist, NULL, "housing", NULL, &err) ==
	              CALLSHEET__ERROR_CODE__BAD_REQUEST,
	      "housing is not a topic yet");
	CHECK(add(jurist, "topic", "housing", "Housing", "Logement", &ok,
	          &err) == CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "a jurist may not change the taxonomy (%s)", err.message);
	CHECK(add(admin, "topic", "housing", "Housing", "Logement", &ok,
	          &err) == 0,
	      "admin adds a topic: %s", err.message);
	if (ok == NULL)
		th_die("no answer to the add");
	CHECK(ok->version > before, "the version moved on (%llu > %llu)",
	      (unsigned long long)ok->version, (unsigned long long)before);
	added_version = ok->version;
	CHECK(strcmp(ok->entry->code, "housing") == 0 &&
	              strcmp(ok->entry->label_fr, "Logement") == 0 &&
	              ok->entry->has_topic_bit && ok->entry->topic_bit == 9,
	      "the answer is the new code, with the next free bit (%d)",
	      ok->entry->topic_bit);
	callsheet__taxonomy_changed__free_unpacked(ok, NULL);

	/* the jurist's connection is the one opened before the change */
	if (cs_get_taxonomy(jurist, &t, &err) != 0)
		th_die("taxonomy: %s", err.message);
	e = find(t, "topic", "housing");
	CHECK(e != NULL && strcmp(e->label_en, "Housing") == 0 && !e->retired,
	      "a connected client fetches the new topic, no restart");
	callsheet__taxonomy__free_unpacked(t, NULL);
	CHECK(log_one(jurist, NULL, "housing", NULL, &err) == 0,
	      "and logs with it: %s", err.message);
	keys = topic_keys(jurist);
	CHECK(strstr(keys, "work=8 other=9 housing=a") != NULL,
	      "the new topic takes the next key: %s", keys);
	free(keys);
}

/* The other daemon hears NOTIFY callsheet_taxonomy and reloads. */
static void
test_second_daemon(void)
{
	struct cs_client *c = NULL;
	struct cs_error err;
	double deadline = th_now() + 20;
	Callsheet__ErrorCode rc;

	for (;;) {
		c = th_connect(&b, "jur", "secret");
		rc = log_one(c, NULL, "housing", NULL, &err);
		if (rc == 0 || th_now() > deadline)
			break;
		cs_close(c);
		usleep(50000);
	}
	CHECK(rc == 0, "daemon B accepts the topic added through A: %s",
	      err.message);
	/* B may have reloaded between that hello and the log: ask anew */
	cs_close(c);
	c = th_connect(&b, "jur", "secret");
	CHECK(cs_taxonomy_version(c) >= added_version,
	      "B's hello announces the new version (%llu >= %llu)",
	      (unsigned long long)cs_taxonomy_version(c),
	      (unsigned long long)added_version);
	cs_close(c);
}

static void
test_rename(void)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__TaxonomyRename m = CALLSHEET__TAXONOMY_RENAME__INIT;
	Callsheet__TaxonomyChanged *ok;
	struct cs_error err;

	m.dimension = "topic";
	m.code = "housing";
	m.label_fr = "Logement et hébergement";
	req.body_case = CALLSHEET__REQUEST__BODY_TAXONOMY_RENAME;
	req.taxonomy_rename = &m;
	CHECK(change(admin, &req, &ok, &err) == 0, "rename: %s", err.message);
	if (ok == NULL)
		return;
	CHECK(strcmp(ok->entry->code, "housing") == 0 &&
	              strcmp(ok->entry->label_fr, "Logement et hébergement") ==
	                      0 &&
	              strcmp(ok->entry->label_en, "Housing") == 0,
	      "new French label, same code and English label");
	callsheet__taxonomy_changed__free_unpacked(ok, NULL);
}

static void
test_retire_and_report(void)
{
	struct cs_error err;
	uint64_t total, total_work;
	long long residence, work;
	char *keys;

	/* sheets from before the change: 3 on work (one also residence), 2
	 * on residence only */
	for (int i = 0; i < 2; i++)
		CHECK(log_one(jurist, NULL, "work", NULL, &err) == 0, "%s",
		      err.message);
	CHECK(log_one(jurist, NULL, "work", "entry", &err) == 0, "%s",
	      err.message);
	for (int i = 0; i < 2; i++)
		CHECK(log_one(jurist, NULL, "residence", NULL, &err) == 0, "%s",
		      err.message);
	residence = query(jurist, "topic", NULL, NULL, "residence", NULL);
	work = query(jurist, "topic", NULL, NULL, "work", NULL);
	CHECK(work == 3, "before: work 3 (got %lld)", work);

	CHECK(retire(admin, "topic", "work", "residence", &err) == 0,
	      "retire work onto residence: %s", err.message);
	CHECK(log_one(jurist, NULL, "work", NULL, &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.reason, "retired") == 0 &&
	              strcmp(err.value, "work") == 0 &&
	              strcmp(err.allowed, "residence") == 0,
	      "a retired code is refused for a new sheet, with its "
	      "successor: %s (%s/%s/%s)",
	      err.message, err.reason, err.value, err.allowed);
	CHECK(query(jurist, "topic", NULL, NULL, "work", NULL) == -1,
	      "no work row any more");
	CHECK(query(jurist, "topic", NULL, NULL, "residence", NULL) ==
	              residence + work,
	      "work counted under residence: %lld + %lld", residence, work);
	query(jurist, NULL, "topic", "residence", NULL, &total);
	CHECK(total == (uint64_t)(residence + work),
	      "a filter on residence matches work's sheets (%llu)",
	      (unsigned long long)total);
	query(jurist, NULL, "topic", "work", NULL, &total_work);
	CHECK(total_work == total,
	      "a retired code is still valid in a filter, and matches its "
	      "successor's sheets (%llu, not 3)",
	      (unsigned long long)total_work);
	{
		Callsheet__Sheet s;
		uint8_t id[CS_UUID_LEN];
		char *topics[] = {"work"};

		th_sheet_init(&s, id); /* ten minutes ago */
		s.topics = topics;
		CHECK(cs_log_sheet(jurist, &s, NULL, &err) == 0,
		      "a call from before the retirement keeps work: %s",
		      err.message);
		query(jurist, NULL, "topic", "work", NULL, &total_work);
		CHECK(total_work == total + 1, "and is counted (%llu)",
		      (unsigned long long)total_work);
	}

	keys = topic_keys(jurist);
	CHECK(strstr(keys, "removal=7 other=9 housing=a") != NULL &&
	              strstr(keys, "work=") == NULL,
	      "retiring work moves no other topic's key: %s", keys);
	free(keys);
}

/* Retired first, mapped later: the professional kinds. */
static void
test_map_later(void)
{
	struct cs_error err;
	long long other;

	for (int i = 0; i < 2; i++)
		CHECK(log_one(jurist, "association", "entry", NULL, &err) == 0,
		      "%s", err.message);
	other = query(jurist, "pro_kind", NULL, NULL, "other", NULL);
	other = other < 0 ? 0 : other;
	CHECK(retire(admin, "pro_kind", "association", NULL, &err) == 0,
	      "retire without successor: %s", err.message);
	CHECK(query(jurist, "pro_kind", NULL, NULL, "association", NULL) == 2,
	      "retired without successor: still reported as itself");
	CHECK(log_one(jurist, "association", "entry", NULL, &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.reason, "retired") == 0 &&
	              err.allowed[0] == '\0',
	      "refused for new sheets, no successor to offer");
	CHECK(map(admin, "pro_kind", "association", "other", &err) == 0,
	      "map it onto other: %s", err.message);
	CHECK(query(jurist, "pro_kind", NULL, NULL, "association", NULL) ==
	                      -1 &&
	              query(jurist, "pro_kind", NULL, NULL, "other", NULL) ==
	                      other + 2,
	      "now reported under other");
}

static void
test_refused(void)
{
	static const struct {
		const char *dim, *code, *en, *fr;
		Callsheet__ErrorCode want;
		const char *field, *reason;
	} adds[] = {
	        {"topic", "housing", "Housing", "Logement",
	         CALLSHEET__ERROR_CODE__CONFLICT, "code", "exists"},
	        {"colour", "red", "Red", "Rouge",
	         CALLSHEET__ERROR_CODE__BAD_REQUEST, "dimension",
	         "unknown_dimension"},
	        {"topic", "Bad Code", "Bad", "Mauvais",
	         CALLSHEET__ERROR_CODE__BAD_REQUEST, "code", "bad_code"},
	        {"topic", "blank", "", "Vide",
	         CALLSHEET__ERROR_CODE__BAD_REQUEST, "label_en", "bad_label"},
	};
	Callsheet__TaxonomyChanged *ok;
	struct cs_error err;

	for (size_t i = 0; i < nitems(adds); i++) {
		CHECK(add(admin, adds[i].dim, adds[i].code, adds[i].en,
		          adds[i].fr, &ok, &err) == adds[i].want &&
		              strcmp(err.field, adds[i].field) == 0 &&
		              strcmp(err.reason, adds[i].reason) == 0,
		      "add %zu refused: %d %s (%s)", i, err.code, err.message,
		      err.reason);
		if (ok != NULL)
			callsheet__taxonomy_changed__free_unpacked(ok, NULL);
	}
	CHECK(retire(admin, "call_type", "consultation", NULL, &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.reason, "built_in") == 0,
	      "consultation cannot be retired: %s", err.message);
	CHECK(map(admin, "topic", "entry", "residence", &err) ==
	                      CALLSHEET__ERROR_CODE__CONFLICT &&
	              strcmp(err.reason, "not_retired") == 0,
	      "only a retired code is mapped: %s", err.message);
	CHECK(retire(admin, "topic", "family", "work", &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.reason, "bad_successor") == 0,
	      "a retired code cannot be a successor: %s", err.message);
}

int
main(void)
{
	char *conninfo = th_createdb("t_taxonomy_admin");
	const char *const quiet[] = {"--log-level", "warn", NULL};

	th_migrate(conninfo);
	th_create_user(conninfo, "boss", "admin", "secret2");
	th_create_user(conninfo, "jur", "jurist", "secret");
	th_daemon_start(&a, conninfo, quiet);
	th_daemon_start(&b, conninfo, quiet);
	admin = th_connect(&a, "boss", "secret2");
	jurist = th_connect(&a, "jur", "secret");

	test_add_seen_by_running_client();
	test_second_daemon();
	test_rename();
	test_retire_and_report();
	test_map_later();
	test_refused();

	cs_close(jurist);
	cs_close(admin);
	CHECK(th_daemon_stop(&a) == 0, "daemon A exits cleanly");
	CHECK(th_daemon_stop(&b) == 0, "daemon B exits cleanly");
	free(conninfo);
	return th_finish();
}
