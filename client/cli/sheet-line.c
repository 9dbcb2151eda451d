/* sheet-line.c: a stored sheet as one line, as "callsheet list" shows
 * it and "callsheet new" shows the sheet that holds a draft's id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheet.h"
#include "libcallsheet.h"

#define SHORT_ID 8 /* hexadecimal digits a list shows */

/* "b77ac349  2026-12-04 12:15  Consultation  Paris (75)  Residence
 * permits, Family rights", the account's name first for an admin. */
void
sheet_line(struct strbuf *sb, const Callsheet__ListedSheet *ls,
           const Callsheet__Taxonomy *t, bool users)
{
	const Callsheet__Sheet *s = ls->sheet;
	const char *cs = ls->call_start != NULL ? ls->call_start : "";
	const Callsheet__TaxonomyEntry *e;
	char uuid[CS_UUID_STRLEN];
	bool fr = cs_i18n_french();

	uuid_format(s->id.data, uuid);
	sb_addf(sb, "%.*s  ", SHORT_ID, uuid);
	if (users)
		sb_addf(sb, "%s  ", ls->user != NULL ? ls->user : "?");
	sb_addf(sb, "%.10s %.5s  ", cs, strlen(cs) >= 16 ? cs + 11 : "");
	e = cs_tax_find(t, "call_type",
	                s->call_type != NULL ? s->call_type : "consultation");
	sb_add(sb, e != NULL ? cs_tax_label(e, fr) : s->call_type);
	if (s->department != NULL) {
		e = cs_tax_find(t, "department", s->department);
		if (e != NULL && strcmp(s->department, "unknown") != 0)
			sb_addf(sb, "  %s (%s)", cs_tax_label(e, fr),
			        s->department);
		else
			sb_addf(sb, "  %s",
			        e != NULL ? cs_tax_label(e, fr)
			                  : s->department);
	}
	for (size_t i = 0; i < s->n_topics; i++) {
		e = cs_tax_find(t, "topic", s->topics[i]);
		sb_addf(sb, "%s%s", i == 0 ? "  " : ", ",
		        e != NULL ? cs_tax_label(e, fr) : s->topics[i]);
	}
	if (ls->voided)
		sb_addf(sb, "  (%s)", _("voided"));
	sb_add(sb, "\n");
}

/* The code tables to name codes by; NULL: codes as they are. */
Callsheet__Taxonomy *
sheet_taxonomy(const struct cli *cli, struct cs_client *c)
{
	char *dir = cli_state_dir();
	struct cs_error err;
	Callsheet__Taxonomy *t = taxcache_get(dir, cli->opts.server, c, &err);

	free(dir);
	return t;
}

/* The sheet whose id is uuid, as a line to f; a line saying why not if
 * it cannot be had. */
void
sheet_show(struct cli *cli, const char *uuid, FILE *f)
{
	Callsheet__ListSheets m = CALLSHEET__LIST_SHEETS__INIT;
	Callsheet__SheetList *l = NULL;
	Callsheet__Taxonomy *t = NULL;
	struct cs_client *c = NULL;
	struct cs_error err;
	struct strbuf sb = {0};

	m.id_prefix = (char *)uuid;
	m.has_limit = true;
	m.limit = 1;
	if (cli_connect(cli, &c, &err) != 0 ||
	    cs_list_sheets(c, &m, &l, &err) != 0)
		sb_addf(&sb, "  %s\n", cli_error_text(&err));
	else if (l->n_sheets == 0)
		sb_addf(&sb, "  %s\n",
		        _("(another account's: 'callsheet list' does not show "
		          "it to you)"));
	else {
		t = sheet_taxonomy(cli, c);
		sb_add(&sb, "  ");
		sheet_line(&sb, l->sheets[0], t, false);
	}
	fwrite(sb.buf ? sb.buf : "", 1, sb.len, f);
	sb_free(&sb);
	if (t != NULL)
		callsheet__taxonomy__free_unpacked(t, NULL);
	if (l != NULL)
		protobuf_c_message_free_unpacked(&l->base, NULL);
	cs_close(c);
}
