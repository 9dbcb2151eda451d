/* session-saved.c: the session of "callsheet login" as every command uses
 * it: its file in the state folder, the connection made with its token,
 * and a new one started when it has ended. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheet.h"
#include "libcallsheet.h"

/* The state folder's file for this server and user. */
char *
session_path(const struct cli *cli)
{
	char *state = cli_state_dir();
	char *dir = xasprintf("%s/sessions", state);
	char *path = cs_session_file(dir, cli->opts.server, cli->opts.user);

	free(dir);
	free(state);
	return path;
}

int
session_connect(struct cli *cli, struct cs_client **c, struct cs_error *err)
{
	char *path = session_path(cli);
	int64_t expires;
	int rv = 1;

	if (cli->token != NULL) { /* a command that connects again */
		explicit_bzero(cli->token, strlen(cli->token));
		free(cli->token);
	}
	cli->token = cs_session_load(path, (int64_t)time(NULL), &expires);
	if (cli->token == NULL) {
		/* an expired one says nothing more: the password is asked */
		free(path);
		return 1;
	}
	cli->opts.token = cli->token;
	if (cs_connect(&cli->opts, c, err) == 0)
		rv = 0;
	else if (err->code == CALLSHEET__ERROR_CODE__UNAUTHENTICATED) {
		cli_error(_("the session of %s on %s has ended; password "
		            "needed"),
		          cli->opts.user, cli->opts.server);
		cs_file_remove(path);
		cli->session_ended = true;
	} else
		rv = -1;
	cli->opts.token = NULL;
	free(path);
	return rv;
}

/* Start a session on c and keep its token; says if it failed. */
int
session_begin(struct cli *cli, struct cs_client *c, int64_t *expires)
{
	char *path = session_path(cli), *token = NULL;
	struct cs_error err;
	int rv;

	rv = cs_session_start(c, &token, expires, &err);
	if (rv == 0)
		rv = cs_session_save(path, token, *expires, &err);
	if (rv != 0)
		cli_error(_("no session was started: %s"),
		          cli_error_text(&err));
	if (token != NULL) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	free(path);
	return rv;
}

void
session_renew(struct cli *cli, struct cs_client *c)
{
	int64_t expires;

	session_begin(cli, c, &expires);
}
