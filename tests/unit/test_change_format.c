/* test_change_format.c: what people and programs read of changes: the
 * answer to an amend or a void, the audit trail, and the published and
 * restated figures next to a report, in table, CSV and JSON. */
#include <stdlib.h>
#include <string.h>

#include "change-format.h"
#include "report-format.h"
#include "libcallsheet.h"
#include "unit.h"

#define CHECK_STR(got, want)                                                   \
	CHECK(strcmp((got), (want)) == 0, "\n--- got\n%s\n--- want\n%s",       \
	      (got), (want))

static uint8_t sheet_id[CS_UUID_LEN] = {0x12, 0x34, 0x56, 0x78, 1, 2,  3,  4,
                                        5,    6,    7,    8,    9, 10, 11, 12};
#define SHEET_TEXT "12345678-0102-0304-0506-0708090a0b0c"

static void
test_change_text(void)
{
	Callsheet__SheetChanged sc = CALLSHEET__SHEET_CHANGED__INIT;
	Callsheet__FieldChange fc[2] = {CALLSHEET__FIELD_CHANGE__INIT,
	                                CALLSHEET__FIELD_CHANGE__INIT};
	Callsheet__FieldChange *fcp[2] = {&fc[0], &fc[1]};
	Callsheet__ClosedPeriod cp = {
	        PROTOBUF_C_MESSAGE_INIT(&callsheet__closed_period__descriptor),
	        "2020-01-01", "2021-01-01"};
	Callsheet__ClosedPeriod *cpp = &cp;
	struct strbuf sb = {0};

	sc.id.data = sheet_id;
	sc.id.len = CS_UUID_LEN;
	sc.action = "amend";
	fc[0].field = "department";
	fc[0].old = "75";
	fc[0].new_ = "93";
	fc[1].field = "household";
	fc[1].old = "woman";
	sc.changes = fcp;
	sc.n_changes = 2;
	sc.restated = &cpp;
	sc.n_restated = 1;
	change_text(&sb, &sc);
	CHECK_STR(sb.buf, "sheet " SHEET_TEXT " amended\n"
	                  "  department  75 -> 93\n"
	                  "  household   woman -> (none)\n"
	                  "restates the published figures of 2020\n");
	sb_reset(&sb);

	sc.duplicate = true;
	sc.n_changes = sc.n_restated = 0;
	change_text(&sb, &sc);
	CHECK_STR(sb.buf,
	          "sheet " SHEET_TEXT ": already so; nothing changed\n");
	sb_reset(&sb);

	sc.action = "void";
	sc.by = "admin";
	sc.reason = "duplicate";
	sc.has_at = true;
	sc.at = 0;
	change_text(&sb, &sc);
	CHECK(strstr(sb.buf, "was already voided on ") != NULL &&
	              strstr(sb.buf, " by admin: duplicate\n") != NULL,
	      "a voided sheet says how: %s", sb.buf);
	sb_free(&sb);
}

/*
 * A report of 2020 by département. Published: 93 8, 75 2, 92 1 (11).
 * Since: a 75 sheet voided, the 92 one moved to 94, so 93 8, 75 1, 94 1
 * (10), and a late sheet (in no row here).
 */
struct sample {
	Callsheet__QueryResult r;
	Callsheet__Row rows[3], *rowp[3];
	char *keys[3][1];
	char *group_by[1];
	Callsheet__Restatements rs;
	Callsheet__PeriodRestatements p, *pp;
	Callsheet__ClosedPeriod period;
	Callsheet__RestatedRow rr[3], *rrp[3];
	char *rkeys[3][1];
	Callsheet__Restatement ch[3], *chp[3];
};

static void
sample_init(struct sample *s, size_t ngroup)
{
	static const char *reasons[] = {"duplicate", "caller was from 94",
	                                NULL};
	static const char *actions[] = {"void", "amend", "late_log"};
	static const char *now_keys[] = {"93", "75", "94"};
	static const uint64_t now_counts[] = {8, 1, 1};
	static const char *restated_keys[] = {"75", "92", "94"};
	static const uint64_t published[] = {2, 1, 0}, restated[] = {1, 0, 1};

	memset(s, 0, sizeof *s);
	callsheet__query_result__init(&s->r);
	s->group_by[0] = "department";
	s->r.group_by = s->group_by;
	s->r.n_group_by = ngroup;
	s->r.total = 10;
	for (size_t i = 0; i < 3; i++) {
		callsheet__row__init(&s->rows[i]);
		s->keys[i][0] = (char *)now_keys[i];
		s->rows[i].keys = s->keys[i];
		s->rows[i].n_keys = 1;
		s->rows[i].count = now_counts[i];
		s->rowp[i] = &s->rows[i];
	}
	s->r.rows = s->rowp;
	s->r.n_rows = ngroup > 0 ? 3 : 0;

	callsheet__restatements__init(&s->rs);
	s->rs.group_by = s->group_by;
	s->rs.n_group_by = ngroup;
	callsheet__period_restatements__init(&s->p);
	callsheet__closed_period__init(&s->period);
	s->period.from = "2020-01-01";
	s->period.to = "2021-01-01";
	s->p.period = &s->period;
	s->p.compared = &s->period;
	s->p.has_published_total = s->p.has_restated_total = true;
	s->p.published_total = 11;
	s->p.restated_total = 10;
	for (size_t i = 0; i < 3; i++) {
		callsheet__restated_row__init(&s->rr[i]);
		s->rkeys[i][0] = (char *)restated_keys[i];
		s->rr[i].keys = s->rkeys[i];
		s->rr[i].n_keys = 1;
		s->rr[i].published = published[i];
		s->rr[i].restated = restated[i];
		s->rrp[i] = &s->rr[i];
	}
	s->p.rows = s->rrp;
	s->p.n_rows = ngroup > 0 ? 3 : 0;
	for (size_t i = 0; i < 3; i++) {
		callsheet__restatement__init(&s->ch[i]);
		s->ch[i].at = 1612345678;
		s->ch[i].user = "admin";
		s->ch[i].sheet_id.data = sheet_id;
		s->ch[i].sheet_id.len = CS_UUID_LEN;
		s->ch[i].action = (char *)actions[i];
		s->ch[i].reason = (char *)reasons[i];
		s->chp[i] = &s->ch[i];
	}
	s->p.changes = s->chp;
	s->p.n_changes = 3;
	s->pp = &s->p;
	s->rs.periods = &s->pp;
	s->rs.n_periods = 1;
}

static void
test_restate_table(void)
{
	struct sample s;
	struct strbuf sb = {0};

	sample_init(&s, 0);
	restate_table(&sb, &s.rs, false);
	CHECK_STR(sb.buf, "2020 published 11, restated 10: voided: duplicate; "
	                  "caller was from 94; 1 sheet logged after "
	                  "closing\n");
	sb_reset(&sb);

	sample_init(&s, 0);
	restate_table(&sb, &s.rs, true); /* --where: not this figure's */
	CHECK_STR(sb.buf, "2020 published 11, restated 10; the period's "
	                  "changes, every sheet: voided: duplicate; caller "
	                  "was from 94; 1 sheet logged after closing\n");
	sb_reset(&sb);

	sample_init(&s, 1);
	restate_table(&sb, &s.rs, false);
	CHECK_STR(sb.buf, "2020 published 11, restated 10: voided: duplicate; "
	                  "caller was from 94; 1 sheet logged after closing\n"
	                  "  75: published 2, restated 1\n"
	                  "  92: published 1, restated 0\n"
	                  "  94: published 0, restated 1\n");
	sb_reset(&sb);

	s.p.compared = NULL;
	s.p.has_published_total = false;
	s.p.published_total = s.p.restated_total = 0;
	s.p.n_rows = 0;
	s.p.n_changes = 1;
	restate_table(&sb, &s.rs, false);
	CHECK(strncmp(sb.buf, "2020 restated (its published figures", 36) ==
	                      0 &&
	              strstr(sb.buf, "): voided: duplicate\n") != NULL,
	      "no figures, the reasons: %s", sb.buf);
	sb_reset(&sb);

	s.p.n_changes = 0;
	CHECK(!restate_shown(&s.rs), "nothing changed: nothing shown");
	restate_table(&sb, &s.rs, false);
	CHECK(sb.len == 0, "and nothing printed");
	sb_free(&sb);
}

static void
test_restate_csv(void)
{
	struct sample s;
	struct strbuf sb = {0};

	sample_init(&s, 1);
	restate_csv(&sb, &s.r, &s.rs);
	/* 92 is gone from the report but was published */
	CHECK_STR(sb.buf, "department,count,percent,published\n"
	                  "93,8,80.00,8\n"
	                  "75,1,10.00,2\n"
	                  "94,1,10.00,0\n"
	                  "92,0,0.00,1\n");
	sb_reset(&sb);

	sample_init(&s, 0);
	restate_csv(&sb, &s.r, &s.rs);
	CHECK_STR(sb.buf, "count,percent,published\n10,100.00,11\n");
	sb_free(&sb);
}

static void
test_restate_json(void)
{
	struct sample s;
	struct strbuf sb = {0};

	sample_init(&s, 1);
	s.p.n_changes = 1;
	report_json(&sb, "2020-01-01", "2021-01-01", &s.r);
	restate_json(&sb, &s.rs);
	CHECK(strstr(sb.buf,
	             "],\"restatements\":[{\"period\":{\"from\":\"2020-01-01\","
	             "\"to\":\"2021-01-01\"},\"compared\":{\"from\":"
	             "\"2020-01-01\",\"to\":\"2021-01-01\"},"
	             "\"published_total\":11,\"restated_total\":10,"
	             "\"rows\":[{\"keys\":{\"department\":\"75\"},"
	             "\"published\":2,\"restated\":1},{\"keys\":{"
	             "\"department\":\"92\"},\"published\":1,\"restated\":0},"
	             "{\"keys\":{\"department\":\"94\"},\"published\":0,"
	             "\"restated\":1}],"
	             "\"changes\":[{\"at\":\"2021-02-03T09:47:58Z\","
	             "\"user\":\"admin\",\"sheet\":\"" SHEET_TEXT "\","
	             "\"action\":\"void\",\"reason\":\"duplicate\"}]}]}\n") !=
	              NULL,
	      "restatements inside the report's object: %s", sb.buf);
	sb_free(&sb);
}

static void
test_audit(void)
{
	Callsheet__AuditList l = CALLSHEET__AUDIT_LIST__INIT;
	Callsheet__AuditEntry e = CALLSHEET__AUDIT_ENTRY__INIT, *ep = &e;
	Callsheet__FieldChange fc = CALLSHEET__FIELD_CHANGE__INIT, *fcp = &fc;
	struct strbuf sb = {0};

	e.id = 7;
	e.at = 1612345678;
	e.user = "j\"1";
	e.sheet_id.data = sheet_id;
	e.sheet_id.len = CS_UUID_LEN;
	e.action = "amend";
	fc.field = "origin";
	fc.old = "africa";
	e.changes = &fcp;
	e.n_changes = 1;
	e.reason = "typo";
	l.entries = &ep;
	l.n_entries = 1;
	audit_json(&sb, &l);
	CHECK_STR(sb.buf,
	          "{\"entries\":[{\"id\":7,\"at\":\"2021-02-03T09:47:58Z\","
	          "\"user\":\"j\\\"1\",\"sheet\":\"" SHEET_TEXT "\","
	          "\"action\":\"amend\",\"reason\":\"typo\","
	          "\"changes\":[{\"field\":\"origin\",\"old\":"
	          "\"africa\",\"new\":null}],\"restates\":[]}],"
	          "\"truncated\":false}\n");
	sb_reset(&sb);
	audit_table(&sb, &l);
	CHECK(strstr(sb.buf, "#7  2021-02-03 ") == sb.buf &&
	              strstr(sb.buf, "  j\"1  amend  " SHEET_TEXT "\n"
	                             "    origin      africa -> (none)\n"
	                             "    reason      typo\n") != NULL,
	      "audit table: %s", sb.buf);
	sb_free(&sb);
}

/* The same answers for a French locale. */
static void
test_french(void)
{
	struct sample s;
	struct strbuf sb = {0};

	setenv("LANG", "fr_FR.UTF-8", 1);
	cs_i18n_init(); /* the catalog of the build tree */
	sample_init(&s, 1);
	restate_table(&sb, &s.rs, false);
	CHECK_STR(sb.buf, "2020 publié 11, rectifié 10 : annulée : duplicate ; "
	                  "caller was from 94 ; 1 fiche saisie après la "
	                  "clôture\n"
	                  "  75 : publié 2, rectifié 1\n"
	                  "  92 : publié 1, rectifié 0\n"
	                  "  94 : publié 0, rectifié 1\n");
	setenv("LANG", "C", 1);
	cs_i18n_init();
	sb_free(&sb);
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	setenv("LANG", "C", 1);
	test_change_text();
	test_restate_table();
	test_restate_csv();
	test_restate_json();
	test_audit();
	test_french();
	return unit_finish();
}
