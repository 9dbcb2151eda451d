/* sheet-change.c: a sheet named by its id or a unique start of it, as git
 * names a commit (amend, void, admin audit), and the change amend and void
 * send and say. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "callsheet.h"
#include "change-format.h"
#include "libcallsheet.h"

#define PREFIX_SHOWN 5 /* candidates an ambiguous prefix lists */

int
sheet_id_parse(const struct cmd_entry *cmd, const char *arg,
               uint8_t id[CS_UUID_LEN], const char **prefix)
{
	size_t hex = 0, len = strlen(arg);

	*prefix = NULL;
	if (uuid_parse(arg, id) == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		hex += isxdigit((unsigned char)arg[i]) ? 1 : 0;
	if (hex < 4 || len >= CS_UUID_STRLEN ||
	    strspn(arg, "0123456789abcdefABCDEF-") != len)
		return cli_usage_error(
		        cmd,
		        _("invalid sheet id '%s': give the id "
		          "'callsheet "
		          "log' printed, or its start (4 characters "
		          "at least: 'callsheet list' shows them)"),
		        arg);
	*prefix = arg;
	return 0;
}

/* The sheet id, alone after the options: a whole id, or the start of one
 * (*prefix, resolved once connected, as git does); 0, or the exit
 * status. */
int
sheet_id_arg(const struct cmd_entry *cmd, int argc, char **argv,
             uint8_t id[CS_UUID_LEN], const char **prefix)
{
	int rv;

	*prefix = NULL;
	if (optind >= argc)
		return cli_usage_error(cmd, "%s", _("no sheet id given"));
	if ((rv = sheet_id_parse(cmd, argv[optind], id, prefix)) != 0)
		return rv;
	if (optind + 1 < argc)
		return cli_usage_error(cmd, _("unexpected argument '%s'"),
		                       argv[optind + 1]);
	return 0;
}

int
sheet_prefix_resolve(struct cs_client *c, const char *prefix,
                     uint8_t id[CS_UUID_LEN], struct cs_error *err)
{
	Callsheet__ListSheets m = CALLSHEET__LIST_SHEETS__INIT;
	Callsheet__SheetList *l;
	struct strbuf sb = {0};
	int rv = -1;

	m.id_prefix = (char *)prefix;
	m.has_limit = true;
	m.limit = PREFIX_SHOWN;
	if (cs_list_sheets(c, &m, &l, err) != 0)
		return -1;
	if (l->n_sheets == 1) {
		memcpy(id, l->sheets[0]->sheet->id.data, CS_UUID_LEN);
		rv = 0;
	} else if (l->n_sheets == 0)
		cs_error_set(err, CALLSHEET__ERROR_CODE__NOT_FOUND,
		             _("no sheet of yours has an id starting with "
		               "'%s' ('callsheet list' shows your sheets)"),
		             prefix);
	else {
		/* the candidates, as git lists them: id, when */
		for (size_t i = 0; i < l->n_sheets; i++) {
			const Callsheet__ListedSheet *ls = l->sheets[i];
			const char *cs = ls->call_start ? ls->call_start : "";
			char uuid[CS_UUID_STRLEN];

			uuid_format(ls->sheet->id.data, uuid);
			sb_addf(&sb, "\n  %.13s  %.10s %.5s", uuid, cs,
			        strlen(cs) >= 16 ? cs + 11 : "");
		}
		cs_error_set(err, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		             _("the id '%s' is ambiguous: it starts %s%zu "
		               "sheets; give more of it:%s"),
		             prefix, l->truncated ? _("more than ") : "",
		             l->n_sheets, sb.buf);
		sb_free(&sb);
	}
	protobuf_c_message_free_unpacked(&l->base, NULL);
	return rv;
}

/* Sends the amendment, or the void when a is NULL, and prints what it
 * did; the exit status. A prefix of the id names the sheet first, into
 * id, the buffer the request's id points to. */
int
change_exec(struct cli *cli, const Callsheet__AmendSheet *a,
            const Callsheet__VoidSheet *v, const char *prefix,
            uint8_t id[CS_UUID_LEN])
{
	Callsheet__SheetChanged *sc;
	struct cs_client *c = NULL;
	struct cs_error err;
	struct strbuf sb = {0};
	int rv = 0;

	if (cli_connect(cli, &c, &err) != 0 ||
	    (prefix != NULL &&
	     sheet_prefix_resolve(c, prefix, id, &err) != 0) ||
	    (a != NULL ? cs_amend_sheet(c, a, &sc, &err)
	               : cs_void_sheet(c, v, &sc, &err)) != 0) {
		cli_error("%s", cli_error_text(&err));
		rv = cli_exit_status(&err);
	} else {
		change_text(&sb, sc);
		fputs(sb.buf, stdout);
		sb_free(&sb);
		protobuf_c_message_free_unpacked(&sc->base, NULL);
	}
	cs_close(c);
	return rv;
}
