/* change-format.h: the history of sheets as people and programs read it:
 * the answer to an amend or a void, the audit trail, and the restatements
 * a report shows next to its figures. */
#ifndef CALLSHEET_CHANGE_FORMAT_H
#define CALLSHEET_CHANGE_FORMAT_H

#include <stdbool.h>
#include <time.h>

#include "common.h"

/* Times are shown in the local time zone, "YYYY-MM-DD HH:MM". */
void change_text(struct strbuf *sb, const Callsheet__SheetChanged *sc);
void audit_table(struct strbuf *sb, const Callsheet__AuditList *l);
void audit_json(struct strbuf *sb, const Callsheet__AuditList *l);

/* Whether a table or CSV has something to say about the restatements:
 * a figure that changed, or a change listed. */
bool restate_shown(const Callsheet__Restatements *rs);
/* The reasons of a period's changes: "why; voided: why; 2 sheets logged
 * after closing; and 3 more". */
void restate_reasons(struct strbuf *sb, const Callsheet__PeriodRestatements *p);
/* Lines after a report's table: "2020 published 682, restated 684: why". */
/* filtered: the report counts part of the sheets (--where), while the
 * changes listed are every change to the period */
void restate_table(struct strbuf *sb, const Callsheet__Restatements *rs,
                   bool filtered);
/* report_csv() with a "published" column: each figure as it was published
 * (the current one outside closed periods). */
void restate_csv(struct strbuf *sb, const Callsheet__QueryResult *r,
                 const Callsheet__Restatements *rs);
/* Adds "restatements" to the object report_json() wrote into sb. */
void restate_json(struct strbuf *sb, const Callsheet__Restatements *rs);
/* The same under another key (the annual report's "focus_restatements") */
void restate_json_as(struct strbuf *sb, const char *key,
                     const Callsheet__Restatements *rs);

#endif
