/* test_entry.c: the questions of "callsheet new" driven key by key (a
 * terminal) and line by line (a pipe): which questions apply, keystroke
 * counts, wrong keys, going back, the summary, resuming a draft. */
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "libcallsheet.h"
#include "unit.h"

/* --------------------------------------------------- a small taxonomy */

struct tx {
	const char *dim, *code, *en, *fr;
	bool retired;
};

static const struct tx codes[] = {
        {"call_type", "consultation", "Consultation", "Consultation", false},
        {"call_type", "silent", "Silent call", "Appel muet", false},
        {"call_type", "hang_up", "Hung up", "Raccroché", false},
        {"call_type", "test", "Test call", "Appel de test", false},
        {"caller", "individual", "Individual", "Particulier", false},
        {"caller", "professional", "Professional", "Professionnel", false},
        {"department", "75", "Paris", "Paris", false},
        {"department", "07", "Ardèche", "Ardèche", false},
        {"department", "2A", "Corse-du-Sud", "Corse-du-Sud", false},
        {"department", "93", "Seine-Saint-Denis", "Seine-Saint-Denis", false},
        {"department", "971", "Guadeloupe", "Guadeloupe", false},
        {"department", "974", "Réunion", "La Réunion", false},
        {"department", "99", "Abroad", "Étranger", false},
        {"department", "unknown", "Unknown", "Inconnu", false},
        {"pro_kind", "public_body", "Public body", "Organisme public", false},
        {"pro_kind", "association", "Association", "Association", false},
        {"pro_sector", "local_social_services", "Social services",
         "Services sociaux", false},
        {"pro_sector", "hospital_medico_social", "Hospital", "Hôpital", false},
        {"household", "man", "Man", "Homme", false},
        {"household", "woman", "Woman", "Femme", false},
        {"household", "couple", "Couple", "Couple", false},
        {"origin", "africa", "Africa", "Afrique", false},
        {"origin", "maghreb", "Maghreb", "Maghreb", false},
        {"topic", "entry", "Entry", "Entrée", false},
        {"topic", "residence", "Residence", "Séjour", false},
        {"topic", "papers", "Papers", "Papiers", true},
        {"topic", "family", "Family", "Famille", false},
};

static Callsheet__TaxonomyEntry entries[nitems(codes)];
static Callsheet__TaxonomyEntry *entry_ptrs[nitems(codes)];
static Callsheet__Taxonomy tax = CALLSHEET__TAXONOMY__INIT;

static void
tax_init(void)
{
	for (size_t i = 0; i < nitems(codes); i++) {
		callsheet__taxonomy_entry__init(&entries[i]);
		entries[i].dimension = (char *)codes[i].dim;
		entries[i].code = (char *)codes[i].code;
		entries[i].label = (char *)codes[i].en;
		entries[i].label_en = (char *)codes[i].en;
		entries[i].label_fr = (char *)codes[i].fr;
		entries[i].has_retired = true;
		entries[i].retired = codes[i].retired;
		entry_ptrs[i] = &entries[i];
	}
	tax.version = 3;
	tax.entries = entry_ptrs;
	tax.n_entries = nitems(codes);
}

/* ---------------------------------------------------------- driving */

struct run {
	struct entry e;
	struct entry_answers a;
	int keys, wrong;
	enum entry_event last;
};

static void
start(struct run *r, bool french)
{
	memset(r, 0, sizeof *r);
	entry_init(&r->e, &tax, french, &r->a);
}

static void
finish(struct run *r)
{
	entry_free(&r->e);
	answers_free(&r->a);
}

/* Keys as a terminal sends them; "\n" is Enter. */
static void
type(struct run *r, const char *keys)
{
	for (const char *k = keys; *k != '\0'; k++) {
		r->keys++;
		r->last = entry_key(&r->e, (unsigned char)*k);
		r->wrong += r->last == ENTRY_WRONG;
	}
}

static void
lines(struct run *r, const char *const *l)
{
	for (; *l != NULL; l++) {
		r->last = entry_line(&r->e, *l);
		r->wrong += r->last == ENTRY_WRONG;
	}
}

static bool
eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static bool
has_topic(const struct entry_answers *a, const char *code)
{
	for (size_t i = 0; i < a->ntopics; i++)
		if (strcmp(a->topics[i], code) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------ tests */

/* The typical consultation: caller, département, household, origin, one
 * topic, confirm. */
static void
test_typical_keystrokes(void)
{
	struct run r;
	Callsheet__Sheet s = CALLSHEET__SHEET__INIT;

	start(&r, false);
	CHECK(r.e.step == STEP_KIND, "starts with who is calling");
	type(&r, "1");
	CHECK(r.e.step == entry_step_of("department"),
	      "individual: département next");
	type(&r, "75\n");
	CHECK(r.e.step == entry_step_of("household"),
	      "then the household (step %zu)", r.e.step);
	CHECK(strcmp(r.e.echo, "75 Paris") == 0,
	      "the département's name is echoed: '%s'", r.e.echo);
	type(&r, "2");
	CHECK(r.e.step == entry_step_of("origin"), "then the origin");
	type(&r, "2");
	CHECK(r.e.step == STEP_TOPICS, "then the topics");
	type(&r, "2\n");
	CHECK(r.e.step == STEP_CONFIRM, "then the summary");
	type(&r, "\n");
	CHECK(r.last == ENTRY_DONE && r.e.step == STEP_DONE, "confirmed");
	CHECK(r.keys == 9 && r.keys < 10,
	      "a typical consultation takes 9 keystrokes (got %d)", r.keys);
	CHECK(r.wrong == 0, "no key was wrong");
	entry_to_sheet(&r.e, &s);
	CHECK(eq(s.call_type, "consultation") && eq(s.caller, "individual") &&
	              eq(s.department, "75") && eq(s.household, "woman") &&
	              eq(s.origin, "maghreb") && s.pro_kind == NULL &&
	              s.pro_sector == NULL,
	      "the sheet's codes");
	CHECK(s.n_topics == 1 && eq(s.topics[0], "residence"),
	      "one topic: residence");
	finish(&r);
}

static void
test_professional(void)
{
	struct run r;
	Callsheet__Sheet s = CALLSHEET__SHEET__INIT;

	start(&r, false);
	type(&r, "2");
	type(&r, "93\n");
	CHECK(r.e.step == entry_step_of("pro_kind"),
	      "professional: kind after the département, no household");
	type(&r, "1");
	CHECK(r.e.step == entry_step_of("pro_sector"),
	      "public body: the sector is asked");
	type(&r, "2");
	CHECK(r.e.step == STEP_TOPICS, "then the topics");
	type(&r, "14\n\n");
	CHECK(r.last == ENTRY_DONE, "done");
	entry_to_sheet(&r.e, &s);
	CHECK(eq(s.caller, "professional") && eq(s.pro_kind, "public_body") &&
	              eq(s.pro_sector, "hospital_medico_social") &&
	              s.household == NULL && s.origin == NULL,
	      "professional codes only");
	CHECK(s.n_topics == 2 && has_topic(&r.a, "entry") &&
	              has_topic(&r.a, "family"),
	      "keys 1 and 4: entry and family (the retired code is not "
	      "offered, and keeps its key)");
	finish(&r);

	/* an association has no sector */
	start(&r, false);
	type(&r, "293\n2");
	CHECK(r.e.step == STEP_TOPICS, "association: no sector question");
	finish(&r);
}

static void
test_not_a_consultation(void)
{
	static const char *const want[] = {"silent", "hang_up", "test"};

	for (size_t i = 0; i < nitems(want); i++) {
		struct run r;
		char key[2] = {(char)('3' + i), '\0'};
		Callsheet__Sheet s = CALLSHEET__SHEET__INIT;

		start(&r, false);
		type(&r, key);
		CHECK(r.last == ENTRY_ANSWERED && r.e.step == STEP_CONFIRM,
		      "%s: one key, then a confirmation (a stray key never "
		      "logs a call)",
		      want[i]);
		type(&r, "-");
		CHECK(r.e.step == STEP_KIND, "%s: - undoes it", want[i]);
		type(&r, key);
		type(&r, "\n");
		CHECK(r.keys == 4 && r.last == ENTRY_DONE,
		      "%s: the key and Enter log it", want[i]);
		entry_to_sheet(&r.e, &s);
		CHECK(eq(s.call_type, want[i]) && s.caller == NULL &&
		              s.department == NULL && s.n_topics == 0,
		      "%s: only the call type", want[i]);
		finish(&r);
	}
}

static void
test_wrong_keys(void)
{
	struct run r;

	start(&r, false);
	type(&r, "9x\n");
	CHECK(r.wrong == 3 && r.e.step == STEP_KIND,
	      "wrong keys re-ask the same question");
	CHECK(strstr(r.e.hint, "press 1 to 5") != NULL,
	      "the hint says which keys: '%s'", r.e.hint);
	type(&r, "-");
	CHECK(r.last == ENTRY_WRONG && strstr(r.e.hint, "first") != NULL,
	      "nothing before the first question");
	type(&r, "1");
	/* département: keys that no code starts with are refused at once */
	type(&r, "8");
	CHECK(r.last == ENTRY_WRONG && strstr(r.e.hint, "starts with 8"),
	      "no code starts with 8: '%s'", r.e.hint);
	type(&r, "97\n");
	CHECK(r.last == ENTRY_WRONG && strstr(r.e.hint, "97 is not"),
	      "97 is only the start of a code: '%s'", r.e.hint);
	CHECK(r.e.step == entry_step_of("department") &&
	              strcmp(r.e.typed, "97") == 0,
	      "what was typed stays");
	type(&r, "\x7f\x7f");
	CHECK(r.e.ntyped == 0, "backspace erases");
	type(&r, "2a\n");
	CHECK(eq(*entry_code(&r.a, "department"), "2A"), "2a is 2A");
	type(&r, "-");
	type(&r, "7\n");
	CHECK(eq(*entry_code(&r.a, "department"), "07"), "7 is 07: %s",
	      *entry_code(&r.a, "department"));
	type(&r, "5");
	CHECK(r.last == ENTRY_WRONG && r.e.step == entry_step_of("household") &&
	              strstr(r.e.hint, "0 if not stated"),
	      "household: 5 is not a choice: '%s'", r.e.hint);
	type(&r, "0");
	CHECK(eq(*entry_code(&r.a, "household"), ""), "0: not stated");
	type(&r, "1");
	type(&r, "\n");
	CHECK(r.last == ENTRY_WRONG && strstr(r.e.hint, "at least one"),
	      "no topic chosen: '%s'", r.e.hint);
	type(&r, "22");
	CHECK(r.a.ntopics == 0, "a second press unchooses");
	type(&r, "z");
	CHECK(r.last == ENTRY_WRONG, "z is not a topic");
	type(&r, "1\n");
	type(&r, "x");
	CHECK(r.last == ENTRY_WRONG && strstr(r.e.hint, "from 1 to 5"),
	      "summary: five answers to change: '%s'", r.e.hint);
	type(&r, "\n");
	CHECK(r.last == ENTRY_DONE, "wrong keys never abort: done");
	finish(&r);
}

static void
test_back_and_change(void)
{
	Callsheet__Sheet s = CALLSHEET__SHEET__INIT;
	struct run r;

	start(&r, false);
	type(&r, "175\n12");
	CHECK(r.e.step == STEP_TOPICS, "at the topics");
	type(&r, "-");
	CHECK(r.e.step == entry_step_of("origin") &&
	              eq(*entry_code(&r.a, "origin"), "maghreb"),
	      "- goes back, the answer kept");
	type(&r, "\n");
	CHECK(r.e.step == STEP_TOPICS, "Enter keeps the answer");
	type(&r, "1\n");
	CHECK(r.e.step == STEP_CONFIRM, "summary");
	type(&r, "1");
	CHECK(r.e.step == STEP_KIND, "1 at the summary: change the caller");
	type(&r, "2");
	CHECK(eq(*entry_code(&r.a, "department"), "75") && r.a.ntopics == 1,
	      "now a professional: the département and topics kept");
	CHECK(r.e.step == entry_step_of("pro_kind"), "and the kind is asked");
	type(&r, "2");
	CHECK(r.e.step == STEP_CONFIRM, "back at the summary");
	entry_to_sheet(&r.e, &s);
	CHECK(s.household == NULL && s.origin == NULL && eq(s.department, "75"),
	      "the household and origin, kept aside for a change back, are "
	      "not sent");
	/* issue 15: 1 then 3 on the summary, then - and 1: nothing lost */
	type(&r, "13");
	CHECK(r.e.step == STEP_CONFIRM &&
	              eq(*entry_code(&r.a, "call_type"), "silent"),
	      "a silent call");
	memset(&s, 0, sizeof s);
	entry_to_sheet(&r.e, &s);
	CHECK(s.caller == NULL && s.department == NULL && s.n_topics == 0,
	      "a silent call sends its call type alone");
	type(&r, "-2");
	CHECK(r.e.step == STEP_CONFIRM &&
	              eq(*entry_code(&r.a, "pro_kind"), "association") &&
	              eq(*entry_code(&r.a, "department"), "75") &&
	              r.a.ntopics == 1,
	      "- and the caller's key: the consultation back whole");
	type(&r, "\n");
	CHECK(r.last == ENTRY_DONE, "done");
	finish(&r);
}

/* 1 9 4 Backspace x3 9 3: a département typo fixed; the third Backspace
 * must not leave the question, where 3 would log a silent call. */
static void
test_backspace_stays(void)
{
	struct run r;

	start(&r, false);
	type(&r, "19\x7f\x7f\x7f");
	CHECK(r.e.step == entry_step_of("department") &&
	              r.last == ENTRY_WRONG &&
	              strstr(r.e.hint, "Nothing to erase") != NULL,
	      "Backspace with nothing typed stays on the question: '%s'",
	      r.e.hint);
	type(&r, "93\n");
	CHECK(eq(*entry_code(&r.a, "department"), "93") &&
	              eq(*entry_code(&r.a, "call_type"), "consultation") &&
	              r.e.step == entry_step_of("household"),
	      "the typo fixed, still a consultation");
	type(&r, "\x7f");
	CHECK(r.e.step == entry_step_of("household") && r.last == ENTRY_WRONG,
	      "Backspace on a one-key question stays too");
	type(&r, "11");
	CHECK(r.e.step == STEP_TOPICS, "at the topics");
	type(&r, "14\x7f"); /* 3 is the retired code's key */
	CHECK(r.a.ntopics == 1 && has_topic(&r.a, "entry"),
	      "Backspace unchooses the topic chosen last");
	type(&r, "\x7f\x7f");
	CHECK(r.a.ntopics == 0 && r.e.step == STEP_TOPICS,
	      "and never leaves the question");
	type(&r, "1\n\x7f");
	CHECK(r.e.step == STEP_CONFIRM && r.last == ENTRY_WRONG,
	      "Backspace at the summary does nothing");
	type(&r, "-");
	CHECK(r.e.step == STEP_TOPICS, "- goes back");
	finish(&r);
}

static void
test_lines(void)
{
	static const char *const session[] = {
	        "x", "individual", "",         "8",   "? ", "woman",
	        "0", "1 9",        "2, entry", "oui", NULL,
	};
	struct run r;

	start(&r, true);
	lines(&r, session);
	CHECK(r.last == ENTRY_DONE, "a piped session ends");
	CHECK(r.wrong == 4, "four lines were not answers (got %d)", r.wrong);
	CHECK(eq(*entry_code(&r.a, "caller"), "individual") &&
	              eq(*entry_code(&r.a, "department"), "unknown") &&
	              eq(*entry_code(&r.a, "household"), "woman") &&
	              eq(*entry_code(&r.a, "origin"), ""),
	      "codes are answers too; ? is unknown");
	CHECK(r.a.ntopics == 2 && has_topic(&r.a, "residence") &&
	              has_topic(&r.a, "entry"),
	      "topics by key and by code");
	finish(&r);
}

static void
test_french(void)
{
	struct run r;
	struct strbuf sb = {0};

	start(&r, true);
	entry_question(&r.e, &sb);
	CHECK(strstr(sb.buf, "1 Particulier") && strstr(sb.buf, "3 Appel muet"),
	      "labels in French: %s", sb.buf);
	sb_free(&sb);
	type(&r, "1974\n");
	CHECK(strcmp(r.e.echo, "974 La Réunion") == 0, "echo: '%s'", r.e.echo);
	finish(&r);
}

static void
test_resume(void)
{
	Callsheet__Sheet s = CALLSHEET__SHEET__INIT;
	struct run r;

	memset(&r, 0, sizeof r);
	*entry_code(&r.a, "call_type") = xstrdup("consultation");
	*entry_code(&r.a, "caller") = xstrdup("professional");
	*entry_code(&r.a, "department") = xstrdup("93");
	*entry_code(&r.a, "household") =
	        xstrdup("man"); /* does not apply: dropped */
	r.a.topics = xcalloc(1, sizeof *r.a.topics);
	r.a.topics[r.a.ntopics++] = xstrdup("entry");
	entry_init(&r.e, &tax, false, &r.a);
	CHECK(r.e.step == entry_step_of("pro_kind"),
	      "resumes at the first question "
	      "not answered");
	CHECK(eq(*entry_code(&r.a, "household"), "man"),
	      "an answer that does not apply is "
	      "kept aside");
	type(&r, "2");
	CHECK(r.e.step == STEP_TOPICS && r.a.ntopics == 1,
	      "topics chosen before the crash are still chosen");
	type(&r, "\n\n");
	CHECK(r.last == ENTRY_DONE, "done");
	entry_to_sheet(&r.e, &s);
	CHECK(s.household == NULL, "and never sent");
	finish(&r);
}

/* The key of a code at the question the keys lead to, as "new" shows it:
 * 0 when not offered. */
static char
key_of(const char *keys, const char *code)
{
	struct run r;
	char key = 0;

	start(&r, false);
	type(&r, keys);
	for (size_t i = 0; i < r.e.nchoices; i++)
		if (strcmp(r.e.choices[i].code, code) == 0)
			key = r.e.choices[i].key;
	finish(&r);
	return key;
}

static char
topic_key(const char *code)
{
	return key_of("275\n2", code); /* an association: topics next */
}

/* Retiring a code moves no other key; a new code takes a new key. */
static void
test_keys_for_life(void)
{
	Callsheet__TaxonomyEntry housing = CALLSHEET__TAXONOMY_ENTRY__INIT;
	Callsheet__TaxonomyEntry *more[nitems(codes) + 1];

	CHECK(topic_key("entry") == '1' && topic_key("residence") == '2' &&
	              topic_key("family") == '4' && topic_key("papers") == 0,
	      "topic keys in the server's order, the retired code's unused");
	entries[1].retired = true; /* retire "silent" */
	for (size_t i = 0; i < nitems(codes); i++)
		if (strcmp(codes[i].code, "residence") == 0)
			entries[i].retired = true;
	CHECK(topic_key("entry") == '1' && topic_key("residence") == 0 &&
	              topic_key("family") == '4',
	      "retiring residence leaves family on 4");
	CHECK(key_of("", "silent") == 0 && key_of("", "hang_up") == '4' &&
	              key_of("", "test") == '5',
	      "with silent retired, hang_up and test keep 4 and 5");
	memcpy(more, entry_ptrs, sizeof entry_ptrs);
	housing.dimension = "topic";
	housing.code = "housing";
	housing.label = housing.label_en = housing.label_fr = "Housing";
	more[nitems(codes)] = &housing;
	tax.entries = more;
	tax.n_entries = nitems(more);
	CHECK(topic_key("housing") == '5' && topic_key("family") == '4',
	      "a new code takes the next key");
	tax.entries = entry_ptrs;
	tax.n_entries = nitems(codes);
	tax_init();
}

int
main(void)
{
	tax_init();
	test_typical_keystrokes();
	test_professional();
	test_not_a_consultation();
	test_wrong_keys();
	test_backspace_stays();
	test_back_and_change();
	test_lines();
	test_french();
	test_resume();
	test_keys_for_life();
	return unit_finish();
}
