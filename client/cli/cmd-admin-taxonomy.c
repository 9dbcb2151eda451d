/* cmd-admin-taxonomy.c: "callsheet admin taxonomy": list the codes and
 * their labels; add, rename, retire and map codes (admin accounts). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheet.h"
#include "sheet-codes.h"
#include "libcallsheet.h"

static int cmd_taxonomy_exec(struct cli *, int, char **);

enum { OPT_EN = 256, OPT_FR, OPT_SUCCESSOR };
static const struct cmd_option taxonomy_options[] = {
        {"en", OPT_EN, true, 0},
        {"fr", OPT_FR, true, 0},
        {"successor", OPT_SUCCESSOR, true, 0},
        {NULL, 0, false, 0},
};

static const char *const topic[] = {"topic", NULL};

/* The taxonomy's dimensions: the Sheet's coded fields and topic. */
static const char *
taxonomy_dimensions(void)
{
	static char *list;

	if (list == NULL)
		list = sheet_codes_list(13, 78, topic);
	return list;
}

const struct cmd_entry cmd_admin_taxonomy_entry = {
        .name = "admin taxonomy",
        .args = N_(
                "list [DIMENSION] | add DIMENSION CODE --en LABEL --fr LABEL "
                "| rename DIMENSION CODE [--en LABEL] [--fr LABEL] | retire "
                "DIMENSION CODE [--successor CODE] | map DIMENSION CODE "
                "SUCCESSOR"),
        .summary = N_("list, add, rename, retire and map the codes of the "
                      "taxonomy"),
        .help = N_("Actions:\n"
                   "  list [DIMENSION]  the codes with their English and "
                   "French labels\n"
                   "  add DIMENSION CODE --en LABEL --fr LABEL\n"
                   "                    a new code; a topic takes the next "
                   "free bit (63 at most)\n"
                   "  rename DIMENSION CODE [--en LABEL] [--fr LABEL]\n"
                   "                    new labels; the code stays\n"
                   "  retire DIMENSION CODE [--successor CODE]\n"
                   "                    refused for new sheets, still valid "
                   "for old ones and in\n"
                   "                    reports (under its successor, if "
                   "it has one)\n"
                   "  map DIMENSION CODE SUCCESSOR\n"
                   "                    report a retired code under its "
                   "successor, so that\n"
                   "                    years compare like with like\n"
                   "\n"
                   "Dimensions: %s.\nChanges need an admin account; every "
                   "client sees them at its next\nconnection, without an "
                   "update.\n"),
        .help_make = taxonomy_dimensions,
        .options = taxonomy_options,
        .exec = cmd_taxonomy_exec,
};

struct tax_args {
	const char *action;
	const char *pos[3]; /* DIMENSION CODE SUCCESSOR */
	size_t npos;
	char *en, *fr, *successor;
};

static void
pad(const char *s, size_t width)
{
	fputs(s, stdout);
	for (size_t w = cs_utf8_width(s); w < width; w++)
		putchar(' ');
}

static int
tax_list(struct cli *cli, const char *dimension)
{
	Callsheet__Taxonomy *t = NULL;
	struct cs_client *c;
	struct cs_error err;
	size_t wcode = 4, wen = 7, shown = 0;
	int rv = 0;

	if (cli_connect(cli, &c, &err) != 0 ||
	    cs_get_taxonomy(c, &t, &err) != 0) {
		cli_error("%s", cli_error_text(&err));
		cs_close(c);
		return cli_exit_status(&err);
	}
	cs_close(c);
	for (size_t i = 0; i < t->n_entries; i++) {
		const Callsheet__TaxonomyEntry *e = t->entries[i];
		size_t w = cs_utf8_width(cs_tax_label(e, false));

		if (dimension != NULL && strcmp(e->dimension, dimension) != 0)
			continue;
		wcode = strlen(e->code) > wcode ? strlen(e->code) : wcode;
		wen = w > wen ? w : wen;
	}
	for (size_t i = 0; i < t->n_entries; i++) {
		const Callsheet__TaxonomyEntry *e = t->entries[i];

		if (dimension != NULL && strcmp(e->dimension, dimension) != 0)
			continue;
		pad(e->dimension, 11);
		pad(e->code, wcode + 2);
		pad(cs_tax_label(e, false), wen + 2);
		fputs(cs_tax_label(e, true), stdout);
		if (e->retired && e->successor != NULL)
			printf("  [%s -> %s]", _("retired"), e->successor);
		else if (e->retired)
			printf("  [%s]", _("retired"));
		putchar('\n');
		shown++;
	}
	if (shown == 0 && dimension != NULL) {
		char *list = sheet_codes_list(0, 0, topic);

		cli_error(_("'%.64s' is not a dimension; allowed: %s"),
		          dimension, list);
		free(list);
		rv = EXIT_USAGE;
	}
	callsheet__taxonomy__free_unpacked(t, NULL);
	return rv;
}

/* How many DIMENSION CODE [SUCCESSOR] an action takes. */
static size_t
positional(const char *action)
{
	return strcmp(action, "list") == 0  ? 1
	       : strcmp(action, "map") == 0 ? 3
	                                    : 2;
}

static int
tax_option(void *arg, int id, char *value)
{
	struct tax_args *a = arg;

	if (id == OPT_EN)
		a->en = value;
	else if (id == OPT_FR)
		a->fr = value;
	else
		a->successor = value;
	return 0;
}

/* -1 to go on, else the exit status. */
static int
tax_parse(struct tax_args *a, int argc, char **argv)
{
	const struct cmd_entry *cmd = &cmd_admin_taxonomy_entry;
	int rv;

	/* options may come anywhere: GNU getopt moves the others last */
	if ((rv = cli_options(cmd, argc, argv, tax_option, a)) >= 0)
		return rv;
	if (optind >= argc)
		return cli_usage_error(cmd, "%s",
		                       _("give an action: list, add, rename, "
		                         "retire or map"));
	a->action = argv[optind++];
	if (strcmp(a->action, "list") != 0 && strcmp(a->action, "add") != 0 &&
	    strcmp(a->action, "rename") != 0 &&
	    strcmp(a->action, "retire") != 0 && strcmp(a->action, "map") != 0)
		return cli_usage_error(cmd,
		                       _("unknown action '%s': give list, add, "
		                         "rename, retire or map"),
		                       a->action);
	while (optind < argc && a->npos < positional(a->action))
		a->pos[a->npos++] = argv[optind++];
	if (optind < argc)
		return cli_usage_error(cmd, _("unexpected argument '%s'"),
		                       argv[optind]);
	if (strcmp(a->action, "map") == 0 && a->npos < 3)
		return cli_usage_error(cmd, "%s",
		                       _("map needs a dimension, a code and "
		                         "the successor's code"));
	if (strcmp(a->action, "list") != 0 && a->npos < 2)
		return cli_usage_error(
		        cmd, _("%s needs a dimension and a code"), a->action);
	if (strcmp(a->action, "add") == 0 && (a->en == NULL || a->fr == NULL))
		return cli_usage_error(cmd, "%s",
		                       _("add needs both labels: --en LABEL "
		                         "--fr LABEL"));
	if (strcmp(a->action, "rename") == 0 && a->en == NULL && a->fr == NULL)
		return cli_usage_error(
		        cmd, "%s",
		        _("rename needs --en LABEL, --fr LABEL or "
		          "both"));
	return -1;
}

static void
tax_request(const struct tax_args *a, Callsheet__Request *req,
            Callsheet__TaxonomyAdd *add, Callsheet__TaxonomyRename *ren,
            Callsheet__TaxonomyRetire *ret, Callsheet__TaxonomyMap *map)
{
	char *dim = (char *)a->pos[0], *code = (char *)a->pos[1];

	if (strcmp(a->action, "add") == 0) {
		add->dimension = dim;
		add->code = code;
		add->label_en = a->en;
		add->label_fr = a->fr;
		req->body_case = CALLSHEET__REQUEST__BODY_TAXONOMY_ADD;
		req->taxonomy_add = add;
	} else if (strcmp(a->action, "rename") == 0) {
		ren->dimension = dim;
		ren->code = code;
		ren->label_en = a->en;
		ren->label_fr = a->fr;
		req->body_case = CALLSHEET__REQUEST__BODY_TAXONOMY_RENAME;
		req->taxonomy_rename = ren;
	} else if (strcmp(a->action, "retire") == 0) {
		ret->dimension = dim;
		ret->code = code;
		ret->successor = a->successor;
		req->body_case = CALLSHEET__REQUEST__BODY_TAXONOMY_RETIRE;
		req->taxonomy_retire = ret;
	} else {
		map->dimension = dim;
		map->code = code;
		map->successor = (char *)a->pos[2];
		req->body_case = CALLSHEET__REQUEST__BODY_TAXONOMY_MAP;
		req->taxonomy_map = map;
	}
}

static int
tax_change(struct cli *cli, const struct tax_args *a)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__TaxonomyAdd add = CALLSHEET__TAXONOMY_ADD__INIT;
	Callsheet__TaxonomyRename ren = CALLSHEET__TAXONOMY_RENAME__INIT;
	Callsheet__TaxonomyRetire ret = CALLSHEET__TAXONOMY_RETIRE__INIT;
	Callsheet__TaxonomyMap map = CALLSHEET__TAXONOMY_MAP__INIT;
	Callsheet__TaxonomyChanged *ok;
	const Callsheet__TaxonomyEntry *e;
	struct cs_client *c;
	struct cs_error err;
	int rv = 0;

	tax_request(a, &req, &add, &ren, &ret, &map);
	if (cli_connect(cli, &c, &err) != 0) {
		cli_error("%s", cli_error_text(&err));
		return cli_exit_status(&err);
	}
	if (cs_role(c) != CALLSHEET__ROLE__ADMIN) {
		cli_error(_("changing the taxonomy needs an admin account; %s "
		            "is not one"),
		          cli->opts.user);
		cs_close(c);
		return 1;
	}
	if (cs_taxonomy_change(c, &req, &ok, &err) != 0) {
		cli_error("%s", cli_error_text(&err));
		rv = cli_exit_status(&err);
	} else {
		e = ok->entry;
		printf("%s %s: %s / %s%s%s (%s %llu)\n", e->dimension, e->code,
		       cs_tax_label(e, false), cs_tax_label(e, true),
		       e->retired ? ", " : "", e->retired ? _("retired") : "",
		       _("taxonomy version"), (unsigned long long)ok->version);
		if (e->successor != NULL)
			printf(_("  reported under %s\n"), e->successor);
		callsheet__taxonomy_changed__free_unpacked(ok, NULL);
	}
	cs_close(c);
	return rv;
}

static int
cmd_taxonomy_exec(struct cli *cli, int argc, char **argv)
{
	struct tax_args a = {0};
	int rv;

	if ((rv = tax_parse(&a, argc, argv)) >= 0)
		return rv;
	if (strcmp(a.action, "list") == 0)
		return tax_list(cli, a.npos > 0 ? a.pos[0] : NULL);
	return tax_change(cli, &a);
}
