/* entry.c: the questions of "callsheet new": which apply, what each key
 * or line answers, going back, the summary; pure, no I/O. Labels come from
 * the server's taxonomy, questions from the message catalog. */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "libcallsheet.h"
#include "parse.h"

/* One key per choice, in this order. */
static const char choice_keys[] = "123456789abcdefghijklmnopqrstuvwxyz";

/*
 * The questions, in the order they are asked: the one row a new coded
 * field needs here (without one, entry does not ask it). The first asks
 * who calls, with the calls that are not consultations; the last three
 * are the topics, the summary and done. A question applies to a
 * consultation, and only when the question of the field it names
 * applies and was answered with that code.
 */
static const struct step_info {
	const char *field; /* the coded field it asks (and its dimension) */
	const char *title;
	const char *word;
	bool optional;           /* may be answered "not stated" */
	bool typed;              /* the code is typed (the département) */
	const char *only, *when; /* asked only when field only is when */
} steps[] = {
        {.field = "caller",
         .title = N_("Who is calling?"),
         .word = N_("Caller")},
        {.field = "department",
         .title = N_("Département: type its code, then Enter (75, 2A, 971; "
                     "99 abroad); ? if unknown, without Enter"),
         .word = N_("Département"),
         .typed = true},
        {.field = "household",
         .title = N_("Household"),
         .word = N_("Household"),
         .optional = true,
         .only = "caller",
         .when = "individual"},
        {.field = "origin",
         .title = N_("Region of origin"),
         .word = N_("Origin"),
         .optional = true,
         .only = "caller",
         .when = "individual"},
        {.field = "pro_kind",
         .title = N_("Kind of professional"),
         .word = N_("Professional"),
         .optional = true,
         .only = "caller",
         .when = "professional"},
        {.field = "pro_sector",
         .title = N_("Sector of the public body"),
         .word = N_("Sector"),
         .optional = true,
         .only = "pro_kind",
         .when = "public_body"},
        {.field = "topic",
         .title = N_("Topics: press the key of each one that applies, then "
                     "Enter"),
         .word = N_("Topics")},
        {.title = N_("Enter logs the sheet; a number changes that answer"),
         .word = N_("Log this sheet?")},
        {.title = "", .word = ""},
};
#define NSTEPS nitems(steps)
const size_t STEP_TOPICS = NSTEPS - 3, STEP_CONFIRM = NSTEPS - 2,
             STEP_DONE = NSTEPS - 1;

size_t
entry_step_of(const char *field)
{
	for (size_t s = STEP_KIND; s < STEP_TOPICS; s++)
		if (strcmp(steps[s].field, field) == 0)
			return s;
	return STEP_DONE;
}

char **
entry_code(struct entry_answers *a, const char *field)
{
	int i = sheet_code_find(field);

	if (i < 0) {
		fprintf(stderr, "callsheet: Sheet has no field %s\n", field);
		abort();
	}
	return &a->code[i];
}

/* The answer a step keeps, or NULL (topics, the summary, done). */
static char **
slot(struct entry_answers *a, size_t s)
{
	return s < STEP_TOPICS ? entry_code(a, steps[s].field) : NULL;
}

static const char *
answer(const struct entry_answers *a, size_t s)
{
	return s < STEP_TOPICS ? *slot((struct entry_answers *)a, s) : NULL;
}

static const char *
code_of(const struct entry_answers *a, const char *field)
{
	return *entry_code((struct entry_answers *)a, field);
}

static void
set(char **p, const char *v)
{
	free(*p);
	*p = v != NULL ? xstrdup(v) : NULL;
}

static bool
is(const char *v, const char *code)
{
	return v != NULL && strcmp(v, code) == 0;
}

/* The codes the rules of a sheet name (as validate.c does). */
static bool
consultation(const struct entry_answers *a)
{
	return is(code_of(a, "call_type"), "consultation");
}

/* The server's taxonomy has a code to choose for the field (an older
 * server may lack a newer field's dimension: its question is not asked). */
static bool
offered(const struct entry *e, const char *field)
{
	for (size_t i = 0; i < e->tax->n_entries; i++)
		if (strcmp(e->tax->entries[i]->dimension, field) == 0 &&
		    !e->tax->entries[i]->retired)
			return true;
	return false;
}

static bool
applies(const struct entry *e, size_t s)
{
	const struct entry_answers *a = e->a;
	size_t on;

	if (s == STEP_KIND)
		return true;
	if (!consultation(a) || s >= STEP_TOPICS)
		return consultation(a);
	if (!offered(e, steps[s].field))
		return false;
	if (steps[s].only == NULL)
		return true;
	on = entry_step_of(steps[s].only);
	return on < STEP_TOPICS && applies(e, on) &&
	       is(answer(a, on), steps[s].when);
}

static bool
answered(const struct entry_answers *a, size_t s)
{
	if (s == STEP_KIND)
		return code_of(a, "call_type") != NULL &&
		       (!consultation(a) || answer(a, s) != NULL);
	if (s == STEP_TOPICS)
		return a->topics_done && a->ntopics > 0;
	return answer(a, s) != NULL;
}

static size_t
next_step(const struct entry *e)
{
	const struct entry_answers *a = e->a;

	if (!answered(a, STEP_KIND))
		return STEP_KIND;
	if (!consultation(a))
		return STEP_CONFIRM; /* one key, then Enter: never a stray key
		                      */
	for (size_t s = STEP_KIND + 1; s < STEP_CONFIRM; s++)
		if (applies(e, s) && !answered(a, s))
			return s;
	return STEP_CONFIRM;
}

static void
topics_clear(struct entry_answers *a)
{
	for (size_t i = 0; i < a->ntopics; i++)
		free(a->topics[i]);
	free(a->topics);
	a->topics = NULL;
	a->ntopics = 0;
	a->topics_done = false;
}

/* Answers that no longer apply (a consultation turned into a silent call
 * on the summary, an individual into a professional) are kept, so that
 * changing back brings them back; they are never shown nor sent. */
static bool
kept_aside(const struct entry *e)
{
	const struct entry_answers *a = e->a;

	for (size_t s = STEP_KIND; s < STEP_CONFIRM; s++)
		if (!applies(e, s) &&
		    (s == STEP_TOPICS ? a->ntopics > 0 : answer(a, s) != NULL))
			return true;
	return false;
}

void
answers_free(struct entry_answers *a)
{
	for (size_t i = 0; i < nitems(a->code); i++)
		set(&a->code[i], NULL);
	topics_clear(a);
}

/* ------------------------------------------------------------- choices */

/*
 * A code keeps its key for life: keys follow the codes of a dimension in
 * the server's order (sort_order, given to a new code after every other
 * and never changed), and a retired code keeps its key unused, so that
 * retiring one moves no other. A new code takes the next key. from is the
 * first key's index; returns the index after the dimension's last key.
 */
static size_t
add_choices(struct entry *e, const char *dimension, const char *except,
            size_t from)
{
	const Callsheet__Taxonomy *t = e->tax;
	size_t k = from;

	for (size_t i = 0; i < t->n_entries; i++) {
		const Callsheet__TaxonomyEntry *x = t->entries[i];
		struct entry_choice *c;

		if (strcmp(x->dimension, dimension) != 0 || is(except, x->code))
			continue;
		if (k++ >= sizeof choice_keys - 1 || x->retired)
			continue;
		e->choices = xreallocarray(e->choices, e->nchoices + 1,
		                           sizeof *e->choices);
		c = &e->choices[e->nchoices++];
		c->key = choice_keys[k - 1];
		c->dimension = x->dimension;
		c->code = x->code;
		c->label = cs_tax_label(x, e->french);
	}
	return k;
}

static void
goto_step(struct entry *e, size_t s)
{
	free(e->choices);
	e->choices = NULL;
	e->nchoices = 0;
	e->ntyped = 0;
	e->typed[0] = '\0';
	e->step = s;
	if (s == STEP_KIND) {
		/* the calls that are not consultations after every caller */
		add_choices(e, "call_type", "consultation",
		            add_choices(e, "caller", NULL, 0));
	} else if (s < STEP_CONFIRM && !steps[s].typed)
		add_choices(e, steps[s].field, NULL, 0);
}

static const struct entry_choice *
choice_by_key(const struct entry *e, int key)
{
	key = tolower(key);
	for (size_t i = 0; i < e->nchoices; i++)
		if (e->choices[i].key == key)
			return &e->choices[i];
	return NULL;
}

static const struct entry_choice *
choice_by_code(const struct entry *e, const char *code)
{
	for (size_t i = 0; i < e->nchoices; i++)
		if (strcmp(e->choices[i].code, code) == 0)
			return &e->choices[i];
	return NULL;
}

static const char *
label_of(const struct entry *e, const char *dimension, const char *code)
{
	const Callsheet__TaxonomyEntry *x;

	if (code == NULL)
		return "";
	if (*code == '\0')
		return _("not stated");
	x = cs_tax_find(e->tax, dimension, code);
	return x != NULL ? cs_tax_label(x, e->french) : code;
}

void
entry_init(struct entry *e, const Callsheet__Taxonomy *tax, bool french,
           struct entry_answers *a)
{
	memset(e, 0, sizeof *e);
	e->tax = tax;
	e->french = french;
	e->a = a;
	goto_step(e, next_step(e));
}

void
entry_free(struct entry *e)
{
	free(e->choices);
	e->choices = NULL;
}

/* -------------------------------------------------------------- events */

static enum entry_event wrong(struct entry *e, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static enum entry_event
wrong(struct entry *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->hint, sizeof e->hint, fmt, ap);
	va_end(ap);
	return ENTRY_WRONG;
}

static const char *
key_name(int key, char buf[16])
{
	if (key == ENTRY_KEY_ENTER)
		return _("Enter");
	if (key == ENTRY_KEY_BACKSPACE || key == '\b')
		return _("Backspace");
	if (key > ' ' && key < 0x7f)
		snprintf(buf, 16, "'%c'", key);
	else
		snprintf(buf, 16, "0x%02x", key & 0xff);
	return buf;
}

static bool
is_backspace(int key)
{
	return key == ENTRY_KEY_BACKSPACE || key == '\b';
}

/* Backspace erases what is typed and nothing else: it never leaves the
 * question (that is -, said on every question). */
static enum entry_event
nothing_to_erase(struct entry *e)
{
	if (e->step == STEP_KIND)
		return wrong(e, "%s",
		             _("Nothing to erase: Backspace only erases what "
		               "is typed."));
	return wrong(e, "%s",
	             _("Nothing to erase: Backspace only erases what is "
	               "typed; - goes back to the previous question."));
}

/* An answer was given: move on to the next question that applies. */
static enum entry_event
moved_on(struct entry *e)
{
	e->hint[0] = '\0';
	goto_step(e, next_step(e));
	return e->step == STEP_DONE ? ENTRY_DONE : ENTRY_ANSWERED;
}

static enum entry_event
go_back(struct entry *e)
{
	for (size_t s = e->step; s-- > STEP_KIND;) {
		if (!applies(e, s))
			continue;
		if (s == STEP_TOPICS)
			e->a->topics_done = false;
		goto_step(e, s);
		return ENTRY_CHANGED;
	}
	return wrong(e, "%s",
	             _("This is the first question: there is nothing to go "
	               "back to."));
}

static enum entry_event
choose(struct entry *e, const struct entry_choice *c)
{
	if (e->step == STEP_KIND &&
	    strcmp(c->dimension, steps[STEP_KIND].field) == 0) {
		set(entry_code(e->a, "call_type"), "consultation");
		set(slot(e->a, e->step), c->code);
	} else if (e->step == STEP_KIND) {
		/* the caller stays, to come back with the consultation */
		set(entry_code(e->a, "call_type"), c->code);
	} else
		set(slot(e->a, e->step), c->code);
	snprintf(e->echo, sizeof e->echo, "%s", c->label);
	return moved_on(e);
}

/* Enter on a question already answered (after going back) keeps it. */
static enum entry_event
keep(struct entry *e)
{
	if (e->step == STEP_KIND && !consultation(e->a))
		snprintf(e->echo, sizeof e->echo, "%s",
		         label_of(e, "call_type", code_of(e->a, "call_type")));
	else
		snprintf(e->echo, sizeof e->echo, "%s",
		         label_of(e, steps[e->step].field,
		                  answer(e->a, e->step)));
	return moved_on(e);
}

static enum entry_event
single_wrong(struct entry *e, const char *what)
{
	char last = e->nchoices > 0 ? e->choices[e->nchoices - 1].key : '1';

	if (steps[e->step].optional)
		return wrong(e,
		             _("%s is not a choice: press 1 to %c, 0 if not "
		               "stated, or - to go back."),
		             what, last);
	return wrong(e,
	             _("%s is not a choice: press 1 to %c, or - to go back."),
	             what, last);
}

static enum entry_event
single_key(struct entry *e, int key)
{
	const struct entry_choice *c;
	char buf[16];

	if (key == ENTRY_KEY_ENTER && answered(e->a, e->step))
		return keep(e);
	if (key == ENTRY_KEY_UNSTATED && steps[e->step].optional) {
		set(slot(e->a, e->step), "");
		snprintf(e->echo, sizeof e->echo, "%s", _("not stated"));
		return moved_on(e);
	}
	if ((c = choice_by_key(e, key)) != NULL)
		return choose(e, c);
	return single_wrong(e, key_name(key, buf));
}

/* ---------------------------------------------------------- département */

static bool
department_prefix(const struct entry *e, const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; i < e->tax->n_entries; i++) {
		const Callsheet__TaxonomyEntry *x = e->tax->entries[i];

		if (strcmp(x->dimension, "department") == 0 && !x->retired &&
		    strncmp(x->code, prefix, n) == 0)
			return true;
	}
	return false;
}

static const Callsheet__TaxonomyEntry *
department_find(const struct entry *e, const char *code)
{
	const Callsheet__TaxonomyEntry *x =
	        cs_tax_find(e->tax, "department", code);

	return x != NULL && !x->retired ? x : NULL;
}

static enum entry_event
department_set(struct entry *e, const Callsheet__TaxonomyEntry *x)
{
	set(slot(e->a, e->step), x->code);
	if (strcmp(x->code, "unknown") == 0)
		snprintf(e->echo, sizeof e->echo, "%s",
		         cs_tax_label(x, e->french));
	else
		snprintf(e->echo, sizeof e->echo, "%s %s", x->code,
		         cs_tax_label(x, e->french));
	return moved_on(e);
}

static enum entry_event
department_wrong(struct entry *e, const char *typed, bool complete)
{
	if (*typed == '\0')
		return wrong(e, "%s",
		             _("Type the département's code, then Enter (99 "
		               "for abroad, ? if unknown)."));
	if (complete)
		return wrong(e,
		             _("%s is not a département code: type a code "
		               "such as 75, 2A or 971, 99 for abroad, ? if "
		               "unknown."),
		             typed);
	return wrong(e,
	             _("No département code starts with %s: type the whole "
	               "code again, such as 75, 2A or 971, 99 for abroad, ? "
	               "if unknown."),
	             typed);
}

/* The whole code at once: a line, or Enter after keys. */
static enum entry_event
department_answer(struct entry *e, const char *text)
{
	const Callsheet__TaxonomyEntry *x;
	char code[16];
	size_t n = strlen(text);

	if (n == 0 && answered(e->a, e->step))
		return keep(e);
	if (strcmp(text, "?") == 0 || strcasecmp(text, "unknown") == 0)
		text = "unknown";
	else if (n < sizeof code - 1) {
		department_normalize(text, code, sizeof code);
		text = code;
	}
	if ((x = department_find(e, text)) != NULL)
		return department_set(e, x);
	return department_wrong(e, text, department_prefix(e, text));
}

static void
department_clear(struct entry *e)
{
	e->ntyped = 0;
	e->typed[0] = '\0';
}

static enum entry_event
department_key(struct entry *e, int key)
{
	char next[sizeof e->typed];
	enum entry_event ev;

	if (key == ENTRY_KEY_ENTER)
		return department_answer(e, e->typed);
	if (key == ENTRY_KEY_UNKNOWN && e->ntyped == 0)
		return department_answer(e, "unknown");
	if (is_backspace(key)) {
		if (e->ntyped == 0)
			return nothing_to_erase(e);
		e->typed[--e->ntyped] = '\0';
		return ENTRY_TYPED;
	}
	if (key == ENTRY_KEY_BACK && e->ntyped == 0)
		return go_back(e);
	if (e->ntyped + 1 >= sizeof e->typed || key <= ' ' || key >= 0x7f) {
		ev = department_wrong(e, e->typed, true);
		department_clear(e);
		return ev;
	}
	memcpy(next, e->typed, e->ntyped);
	next[e->ntyped] = (char)toupper(key);
	next[e->ntyped + 1] = '\0';
	if (!department_prefix(e, next)) {
		/* what was typed before goes too: Enter must never take a
		 * code cut short by the key refused ("20" is not "02") */
		ev = department_wrong(e, next, false);
		department_clear(e);
		return ev;
	}
	memcpy(e->typed, next, sizeof next);
	e->ntyped++;
	e->hint[0] = '\0';
	return ENTRY_TYPED;
}

/* --------------------------------------------------------------- topics */

static size_t
topic_index(const struct entry_answers *a, const char *code)
{
	for (size_t i = 0; i < a->ntopics; i++)
		if (strcmp(a->topics[i], code) == 0)
			return i;
	return (size_t)-1;
}

static void
topic_toggle(struct entry_answers *a, const char *code)
{
	size_t i = topic_index(a, code);

	if (i != (size_t)-1) {
		/* in the order chosen: Backspace unchooses the last one */
		free(a->topics[i]);
		memmove(&a->topics[i], &a->topics[i + 1],
		        (--a->ntopics - i) * sizeof *a->topics);
		return;
	}
	a->topics = xreallocarray(a->topics, a->ntopics + 1, sizeof *a->topics);
	a->topics[a->ntopics++] = xstrdup(code);
}

static void
topics_echo(const struct entry *e, struct strbuf *sb)
{
	/* in the order of the choices, whatever the order of the keys */
	bool first = true;

	for (size_t i = 0; i < e->tax->n_entries; i++) {
		const Callsheet__TaxonomyEntry *x = e->tax->entries[i];

		if (strcmp(x->dimension, "topic") != 0 ||
		    topic_index(e->a, x->code) == (size_t)-1)
			continue;
		sb_add(sb, first ? "" : ", ");
		sb_add(sb, cs_tax_label(x, e->french));
		first = false;
	}
}

static enum entry_event
topics_finish(struct entry *e)
{
	struct strbuf sb = {0};
	char last = e->nchoices > 0 ? e->choices[e->nchoices - 1].key : '1';

	if (e->a->ntopics == 0)
		return wrong(e,
		             _("Choose at least one topic (1 to %c), then "
		               "press Enter."),
		             last);
	e->a->topics_done = true;
	topics_echo(e, &sb);
	snprintf(e->echo, sizeof e->echo, "%s", sb.buf);
	sb_free(&sb);
	return moved_on(e);
}

static enum entry_event
topics_key(struct entry *e, int key)
{
	const struct entry_choice *c;
	char buf[16];
	char last = e->nchoices > 0 ? e->choices[e->nchoices - 1].key : '1';

	if (key == ENTRY_KEY_ENTER)
		return topics_finish(e);
	if (key == ENTRY_KEY_BACK)
		return go_back(e);
	if (is_backspace(key)) {
		/* unchoose the topic chosen last */
		if (e->a->ntopics == 0)
			return nothing_to_erase(e);
		free(e->a->topics[--e->a->ntopics]);
		e->hint[0] = '\0';
		return ENTRY_CHANGED;
	}
	if ((c = choice_by_key(e, key)) == NULL)
		return wrong(e,
		             _("%s is not a topic: press 1 to %c to choose "
		               "or unchoose one, Enter when done."),
		             key_name(key, buf), last);
	topic_toggle(e->a, c->code);
	e->hint[0] = '\0';
	return ENTRY_CHANGED;
}

/* A line names the whole choice: keys ("2 4", "24") or codes ("entry,
 * family"); nothing changes unless all of it is understood. */
static enum entry_event
topics_line(struct entry *e, const char *line)
{
	const struct entry_choice *chosen[sizeof choice_keys];
	size_t n = 0;
	char *copy = xstrdup(line), *save = NULL;

	for (char *tok = strtok_r(copy, " ,;", &save); tok != NULL;
	     tok = strtok_r(NULL, " ,;", &save)) {
		const struct entry_choice *c = choice_by_code(e, tok);

		if (c != NULL) {
			if (n < nitems(chosen))
				chosen[n++] = c;
			continue;
		}
		for (char *p = tok; *p != '\0'; p++) {
			char what[64];

			if ((c = choice_by_key(e, *p)) != NULL) {
				if (n < nitems(chosen))
					chosen[n++] = c;
				continue;
			}
			snprintf(what, sizeof what, "'%.32s'", tok);
			free(copy);
			return wrong(e,
			             _("%s is not a topic: give the keys or "
			               "codes of the topics, such as 1 3."),
			             what);
		}
	}
	free(copy);
	topics_clear(e->a);
	for (size_t i = 0; i < n; i++)
		if (topic_index(e->a, chosen[i]->code) == (size_t)-1)
			topic_toggle(e->a, chosen[i]->code);
	return topics_finish(e);
}

/* -------------------------------------------------------------- summary */

/* The questions answered, in order: what a number at the summary names. */
static size_t
summary_steps(const struct entry *e, size_t out[NSTEPS])
{
	size_t n = 0;

	for (size_t s = STEP_KIND; s < STEP_CONFIRM; s++)
		if (applies(e, s))
			out[n++] = s;
	return n;
}

static enum entry_event
edit(struct entry *e, size_t i)
{
	size_t list[NSTEPS];
	size_t n = summary_steps(e, list);

	if ((i < 1 || i > n) && n == 1)
		return wrong(e, "%s",
		             _("Press Enter to log the sheet, 1 to change the "
		               "answer, or - to go back."));
	if (i < 1 || i > n)
		return wrong(e,
		             _("Press Enter to log the sheet, a number from 1 "
		               "to %zu to change that answer, or - to go "
		               "back."),
		             n);
	if (list[i - 1] == STEP_TOPICS)
		e->a->topics_done = false;
	goto_step(e, list[i - 1]);
	return ENTRY_CHANGED;
}

static enum entry_event
confirm(struct entry *e)
{
	e->hint[0] = '\0';
	goto_step(e, STEP_DONE);
	return ENTRY_DONE;
}

static enum entry_event
confirm_key(struct entry *e, int key)
{
	if (key == ENTRY_KEY_ENTER || key == 'y' || key == 'o')
		return confirm(e);
	if (key == ENTRY_KEY_BACK)
		return go_back(e);
	if (is_backspace(key))
		return nothing_to_erase(e);
	return edit(e, key >= '1' && key <= '9' ? (size_t)(key - '0') : 0);
}

/* --------------------------------------------------------------- public */

enum entry_event
entry_key(struct entry *e, int key)
{
	if (key == '\r')
		key = ENTRY_KEY_ENTER;
	if (e->step == STEP_TOPICS)
		return topics_key(e, key);
	if (e->step == STEP_CONFIRM)
		return confirm_key(e, key);
	if (e->step == STEP_DONE)
		return ENTRY_DONE;
	if (steps[e->step].typed)
		return department_key(e, key);
	if (key == ENTRY_KEY_BACK)
		return go_back(e);
	if (is_backspace(key))
		return nothing_to_erase(e);
	return single_key(e, key);
}

static bool
one_of(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcasecmp(s, *list) == 0)
			return true;
	return false;
}

enum entry_event
entry_line(struct entry *e, const char *line)
{
	static const char *const yes[] = {"y", "yes", "o", "oui", NULL};
	char *text = xstrdup(line), *p = text, *end;
	const struct entry_choice *c;
	enum entry_event ev;

	while (isspace((unsigned char)*p))
		p++;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (strcmp(p, "-") == 0)
		ev = go_back(e);
	else if (e->step < STEP_TOPICS && steps[e->step].typed)
		ev = department_answer(e, p);
	else if (e->step == STEP_TOPICS)
		ev = *p == '\0' ? topics_finish(e) : topics_line(e, p);
	else if (e->step == STEP_CONFIRM)
		ev = *p == '\0' || one_of(p, yes) ? confirm(e)
		                                  : edit(e, (size_t)atoi(p));
	else if (e->step == STEP_DONE)
		ev = ENTRY_DONE;
	else if (*p == '\0')
		ev = single_key(e, ENTRY_KEY_ENTER);
	else if (p[1] == '\0')
		ev = single_key(e, *p);
	else if ((c = choice_by_code(e, p)) != NULL)
		ev = choose(e, c);
	else {
		char what[64];

		snprintf(what, sizeof what, "'%.32s'", p);
		ev = single_wrong(e, what);
	}
	free(text);
	return ev;
}

/* ----------------------------------------------------------------- text */

/* Choices from..to in columns, indented, within 78 columns. */
static void
columns(struct strbuf *sb, const struct entry *e, size_t from, size_t to)
{
	size_t width = 0, per_line, col = 0;

	for (size_t i = from; i < to; i++) {
		size_t w = cs_utf8_width(e->choices[i].label) + 4;

		width = w > width ? w : width;
	}
	per_line = width > 0 && 76 / width > 0 ? 76 / width : 1;
	for (size_t i = from; i < to; i++) {
		size_t w = cs_utf8_width(e->choices[i].label) + 2;

		sb_addf(sb, "%s%c %s", col == 0 ? "  " : "", e->choices[i].key,
		        e->choices[i].label);
		if (++col == per_line || i + 1 == to) {
			sb_add(sb, "\n");
			col = 0;
		} else
			for (; w < width; w++)
				sb_add(sb, " ");
	}
}

void
entry_question(const struct entry *e, struct strbuf *sb)
{
	size_t callers = 0;

	if (e->step == STEP_DONE)
		return;
	if (e->step == STEP_CONFIRM)
		entry_summary(e, sb);
	if (e->step == STEP_CONFIRM && !consultation(e->a))
		sb_addf(sb, "%s\n", _("Enter logs this call; 1 changes it"));
	else
		sb_addf(sb, "%s\n", _(steps[e->step].title));
	if (e->step == STEP_KIND) {
		while (callers < e->nchoices &&
		       strcmp(e->choices[callers].dimension, "caller") == 0)
			callers++;
		columns(sb, e, 0, callers);
		if (callers < e->nchoices) {
			sb_addf(sb, "%s\n", _("Not a consultation (one key):"));
			columns(sb, e, callers, e->nchoices);
		}
	} else
		columns(sb, e, 0, e->nchoices);
	if (steps[e->step].optional)
		sb_addf(sb, "  0 %s\n", _("not stated"));
	if (e->step != STEP_KIND)
		sb_addf(sb, "  %s\n",
		        _("- goes back to the previous question"));
}

const char *
entry_step_word(size_t s)
{
	return _(steps[s].word);
}

void
entry_prompt(const struct entry *e, struct strbuf *sb)
{
	if (e->step == STEP_CONFIRM) {
		sb_add(sb, _(steps[e->step].word));
		return;
	}
	/* TRANSLATORS: a question's name before its answer */
	sb_addf(sb, _("%s:"), _(steps[e->step].word));
	if (e->step < STEP_TOPICS && steps[e->step].typed && e->ntyped > 0) {
		sb_add(sb, " ");
		sb_add(sb, e->typed);
	} else if (e->step == STEP_TOPICS && e->a->ntopics > 0) {
		sb_add(sb, " ");
		topics_echo(e, sb);
	}
}

void
entry_summary(const struct entry *e, struct strbuf *sb)
{
	size_t list[NSTEPS];
	size_t n = summary_steps(e, list);

	if (!consultation(e->a)) {
		sb_addf(sb, _("%s:"), _("Call"));
		sb_addf(sb, " %s\n",
		        label_of(e, "call_type", code_of(e->a, "call_type")));
		if (kept_aside(e))
			sb_addf(sb, "  %s\n",
			        _("The consultation's answers are kept: - or 1 "
			          "goes back to the caller, whose key brings "
			          "them back; Enter logs this call without "
			          "them."));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t s = list[i];
		const char *v = answer(e->a, s);

		sb_addf(sb, "  %zu ", i + 1);
		sb_addf(sb, _("%s:"), _(steps[s].word));
		sb_add(sb, " ");
		if (s == STEP_TOPICS)
			topics_echo(e, sb);
		else if (steps[s].typed && v != NULL &&
		         strcmp(v, "unknown") != 0)
			sb_addf(sb, "%s %s", v, label_of(e, steps[s].field, v));
		else
			sb_add(sb, label_of(e, steps[s].field, v));
		sb_add(sb, "\n");
	}
}

/* An answer the sheet takes: given, and its question applies (a field no
 * question asks: none). */
static char *
given(const struct entry *e, size_t i)
{
	char *v = e->a->code[i];
	size_t s = entry_step_of(sheet_code_name(i));

	if (s == STEP_DONE || !applies(e, s) ||
	    (s == STEP_KIND && !consultation(e->a)))
		return NULL;
	return v != NULL && *v != '\0' ? v : NULL;
}

const char *
entry_answer(size_t i, size_t *offset)
{
	if (i >= sheet_codes_n())
		return NULL;
	*offset = offsetof(struct entry_answers, code) + i * sizeof(char *);
	return sheet_code_name(i);
}

/* The answers as a sheet: each coded field from its answer, "" not
 * stated; the call type as the first question gave it. */
void
entry_to_sheet(const struct entry *e, Callsheet__Sheet *s)
{
	for (size_t i = 0; i < sheet_codes_n(); i++)
		*sheet_code_slot(s, i) = given(e, i);
	s->call_type = *entry_code(e->a, "call_type");
	if (applies(e, STEP_TOPICS)) {
		s->topics = e->a->topics;
		s->n_topics = e->a->ntopics;
	}
}
