/* session.c: session tokens of the client library: the requests that
 * start and end one, and the file that keeps it between commands. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcallsheet.h"

#define SESSION_FILE_MAX 256

int
cs_session_start(struct cs_client *c, char **token, int64_t *expires_at,
                 struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__SessionStart m = CALLSHEET__SESSION_START__INIT;
	Callsheet__Response *resp;

	*token = NULL;
	req.body_case = CALLSHEET__REQUEST__BODY_SESSION_START;
	req.session_start = &m;
	if (cs_call_expect(c, &req, CALLSHEET__RESPONSE__BODY_SESSION, &resp,
	                   err) != 0)
		return -1;
	if (resp->session->token == NULL ||
	    strspn(resp->session->token, "0123456789abcdef") !=
	            strlen(resp->session->token) ||
	    !resp->session->has_expires_at) {
		callsheet__response__free_unpacked(resp, NULL);
		cs_error_set(err, CALLSHEET__ERROR_CODE__INTERNAL, "%s",
		             _("the server sent no session token"));
		return -1;
	}
	*token = xstrdup(resp->session->token);
	*expires_at = resp->session->expires_at;
	explicit_bzero(resp->session->token, strlen(resp->session->token));
	callsheet__response__free_unpacked(resp, NULL);
	return 0;
}

int
cs_session_end(struct cs_client *c, const char *token, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__SessionEnd m = CALLSHEET__SESSION_END__INIT;
	Callsheet__Response *resp;

	m.token = (char *)token; /* packing does not write */
	req.body_case = CALLSHEET__REQUEST__BODY_SESSION_END;
	req.session_end = &m;
	if (cs_call_expect(c, &req, CALLSHEET__RESPONSE__BODY_SESSION, &resp,
	                   err) != 0)
		return -1;
	callsheet__response__free_unpacked(resp, NULL);
	return 0;
}

char *
cs_session_file(const char *dir, const char *server, const char *user)
{
	char *name = cs_spool_dirname(server, user);
	char *path = xasprintf("%s/%s", dir, name);

	free(name);
	return path;
}

/* One line: the token, then its expiry in Unix seconds. */
int
cs_session_save(const char *path, const char *token, int64_t expires_at,
                struct cs_error *err)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	char *line;
	int rv;

	if (slash != NULL) {
		*slash = '\0';
		if (cs_file_mkdirs(dir, err) != 0) {
			free(dir);
			return -1;
		}
	}
	free(dir);
	line = xasprintf("%s %" PRId64 "\n", token, expires_at);
	rv = cs_file_write_atomic(path, line, strlen(line), err);
	explicit_bzero(line, strlen(line));
	free(line);
	return rv;
}

char *
cs_session_load(const char *path, int64_t now, int64_t *expires_at)
{
	size_t len;
	char *text = cs_file_read_all(path, SESSION_FILE_MAX, &len),
	     *token = NULL;
	char *sp;

	if (text == NULL)
		return NULL;
	if ((sp = strchr(text, ' ')) != NULL && sp > text &&
	    strspn(text, "0123456789abcdef") == (size_t)(sp - text)) {
		*expires_at = strtoll(sp + 1, NULL, 10);
		if (*expires_at > now)
			token = xstrndup(text, (size_t)(sp - text));
	}
	explicit_bzero(text, len);
	free(text);
	return token;
}
