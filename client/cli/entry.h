/* entry.h: the questions of "callsheet new" as a state machine, fed with
 * keys (a terminal in raw mode) or lines (piped input); pure, no I/O. */
#ifndef CALLSHEET_ENTRY_H
#define CALLSHEET_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "sheet-codes.h"

/* The steps: indexes into entry.c's table of questions, in the order they
 * are asked: who calls first (or a call that is not a consultation), then
 * a question per coded field asked, the topics, the summary, and done. */
#define STEP_KIND ((size_t)0)
extern const size_t STEP_TOPICS, STEP_CONFIRM, STEP_DONE;
/* The question that asks a coded field (as the Sheet message names it),
 * or STEP_DONE when none does (a sheet from entry leaves it out). */
size_t entry_step_of(const char *field);

/* The answers so far, as codes: NULL not answered yet, "" not stated. */
struct entry_answers {
	char *code[SHEET_CODES_MAX]; /* by coded field (sheet-codes.h) */
	char **topics;
	size_t ntopics;
	bool topics_done;
};
/* The answer of the coded field of that name (which must exist). */
char **entry_code(struct entry_answers *a, const char *field);

struct entry_choice {
	char key;
	const char *dimension;
	const char *code;
	const char *label;
};

struct entry {
	const Callsheet__Taxonomy *tax;
	bool french;
	struct entry_answers *a; /* the caller's: a draft's */
	size_t step;
	struct entry_choice *choices; /* the current step's */
	size_t nchoices;
	char typed[8]; /* the département being typed */
	size_t ntyped;
	char hint[256]; /* why the last input was not an answer */
	char echo[256]; /* the last answer as it reads: "75 Paris" */
};

enum entry_event {
	ENTRY_TYPED,    /* part of an answer: show the prompt again */
	ENTRY_ANSWERED, /* an answer was recorded: save the draft */
	ENTRY_CHANGED,  /* the answers or the question changed: save too */
	ENTRY_WRONG,    /* not an answer: show hint, ask again */
	ENTRY_DONE,     /* the sheet is complete and confirmed */
};

#define ENTRY_KEY_ENTER     '\n'
#define ENTRY_KEY_BACKSPACE 0x7f
#define ENTRY_KEY_BACK      '-'
#define ENTRY_KEY_UNSTATED  '0'
#define ENTRY_KEY_UNKNOWN   '?'

/* entry.c */
/* a: the answers, empty or a resumed draft's; kept by the caller, who
 * saves them after each event that changes them. */
void entry_init(struct entry *e, const Callsheet__Taxonomy *tax, bool french,
                struct entry_answers *a);
void entry_free(struct entry *e);
enum entry_event entry_key(struct entry *e, int key);
enum entry_event entry_line(struct entry *e, const char *line);
/* The question and its choices, each line ending in '\n'. */
void entry_question(const struct entry *e, struct strbuf *sb);
/* One line without '\n': the question in a word, and what is typed. */
void entry_prompt(const struct entry *e, struct strbuf *sb);
const char *entry_step_word(size_t s);
void entry_summary(const struct entry *e, struct strbuf *sb);
/* The sheet's codes; they point into e. */
void entry_to_sheet(const struct entry *e, Callsheet__Sheet *s);
/* The i-th answer kept, one a coded field in the Sheet message's order:
 * its field's name (as Sheet and the taxonomy spell it) and its place in
 * struct entry_answers; NULL past the last. */
const char *entry_answer(size_t i, size_t *offset);
void answers_free(struct entry_answers *a);

#endif
