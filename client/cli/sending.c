/* sending.c: what the commands that send sheets (log, new, import, spool)
 * share: the spool of cli's server and user, what waits in it said on
 * stderr and sent first on every connection, and one new sheet delivered
 * through it (cs_deliver). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "callsheet.h"
#include "libcallsheet.h"

struct cs_spool *
cli_spool_open(const struct cli *cli, struct cs_error *err)
{
	char *root;
	struct cs_spool *sp;

	if (cli_check_user(cli, err) != 0)
		return NULL;
	root = cli_spool_root();
	sp = cs_spool_open(root, cli->opts.server, cli->opts.user, err);
	free(root);
	return sp;
}

void
spool_said(const struct cs_spool *sp, size_t flushed, size_t rejected,
           size_t waiting)
{
	if (flushed > 0)
		fprintf(stderr,
		        P_("callsheet: delivered %zu earlier sheet from the "
		           "spool\n",
		           "callsheet: delivered %zu earlier sheets from the "
		           "spool\n",
		           (unsigned long)flushed),
		        flushed);
	if (rejected > 0)
		fprintf(stderr,
		        P_("callsheet: the server refused %zu spooled sheet; "
		           "moved to %s/rejected (see the .reason files)\n",
		           "callsheet: the server refused %zu spooled sheets; "
		           "moved to %s/rejected (see the .reason files)\n",
		           (unsigned long)rejected),
		        rejected, cs_spool_path(sp));
	if (waiting > 0)
		fprintf(stderr,
		        P_("callsheet: %zu sheet waits in the spool "
		           "('callsheet spool' lists it)\n",
		           "callsheet: %zu sheets wait in the spool "
		           "('callsheet spool' lists them)\n",
		           (unsigned long)waiting),
		        waiting);
}

/* Opened only if it exists: a command that never spooled makes no
 * folder. */
void
spool_deliver_waiting(struct cli *cli, struct cs_client *c)
{
	struct cs_spool *sp = NULL;
	struct cs_error *err = &cli->spool_err;
	size_t rejected = 0;
	char *root = cli_spool_root(), *name, *path;
	int n;

	memset(err, 0, sizeof *err);
	name = cs_spool_dirname(cli->opts.server, cli->opts.user);
	path = xasprintf("%s/%s", root, name);
	if (access(path, F_OK) == 0)
		sp = cli_spool_open(cli, err);
	free(path);
	free(name);
	free(root);
	if (sp == NULL)
		return;
	if (cs_spool_count(sp) > 0) {
		n = cs_spool_flush(sp, c, &rejected, err);
		spool_said(sp, n > 0 ? (size_t)n : 0, rejected,
		           cs_spool_count(sp));
		if (n >= 0)
			memset(err, 0, sizeof *err);
	}
	cs_spool_close(sp);
}

struct log_conn {
	struct cli *cli;
	struct cs_client *c;
};

static int
log_connect(void *arg, struct cs_client **c, struct cs_error *err)
{
	struct log_conn *lc = arg;

	if (cli_connect(lc->cli, &lc->c, err) != 0)
		return -1;
	*c = lc->c;
	return 0;
}

/* What became of the sheet, said once; the exit status. */
static int
log_said(const struct cs_delivery *d, const char *uuid)
{
	switch (d->outcome) {
	case CS_DELIVERED:
		printf("%s\n", uuid);
		return 0;
	case CS_SPOOLED:
		cli_error(_("server unavailable (%s); sheet %s kept in the "
		            "spool and will be sent on the next run"),
		          cli_error_text(&d->err), uuid);
		return EXIT_TEMPFAIL;
	case CS_REFUSED:
		cli_error(_("%s; sheet %s not logged (nothing was kept: run "
		            "the command again once this is fixed)"),
		          cli_error_text(&d->err), uuid);
		return 1;
	case CS_NOT_SPOOLED:
		break;
	}
	cli_error(_("%s; sheet not logged"), d->err.message);
	return 1;
}

/* Through the spool to the server (cs_deliver); prints the sheet's id
 * once the server has it, and what waits. why (if not NULL): the refusal,
 * code 0 if none. */
int
log_deliver(struct cli *cli, const Callsheet__Sheet *sheet,
            struct cs_error *why)
{
	char uuid[CS_UUID_STRLEN];
	struct log_conn lc = {.cli = cli};
	struct cs_delivery d = {.connect = log_connect, .arg = &lc};
	struct cs_spool *sp;
	int rv;

	uuid_format(sheet->id.data, uuid);
	cli->delivers = true; /* cs_deliver sends the waiting sheets first */
	if ((sp = cli_spool_open(cli, &d.err)) == NULL) {
		cli_error(_("%s; sheet not logged"), d.err.message);
		return 1;
	}
	cs_deliver(sp, sheet, &d);
	rv = log_said(&d, uuid);
	if (why != NULL) {
		memset(why, 0, sizeof *why);
		if (d.outcome == CS_REFUSED)
			*why = d.err;
	}
	spool_said(sp, d.flushed, d.rejected, d.waiting);
	cs_close(lc.c);
	cs_spool_close(sp);
	return rv;
}
