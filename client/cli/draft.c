/* draft.c: the draft of "callsheet new" as a small text file, one
 * "name value" line per answer given (an empty value: not stated). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draft.h"
#include "libcallsheet.h"

#define DRAFT_MAGIC "callsheet-draft 1"

/* The lines of single values: the server, the user, then each coded
 * field's answer, named as the field (entry_answer()). */
static const struct {
	const char *name;
	size_t offset; /* of a char * in struct draft */
} fixed[] = {
        {"server", offsetof(struct draft, server)},
        {"user", offsetof(struct draft, user)},
};

/* The i-th of them in d and its name (*name NULL past the last). */
static char **
field(struct draft *d, size_t i, const char **name)
{
	size_t off;

	if (i < nitems(fixed)) {
		*name = fixed[i].name;
		off = fixed[i].offset;
	} else if ((*name = entry_answer(i - nitems(fixed), &off)) != NULL)
		off += offsetof(struct draft, a);
	else
		return NULL;
	return (char **)((char *)d + off);
}

/* Values are codes, names and addresses: no spaces, no line breaks. */
static bool
value_ok(const char *v)
{
	return strpbrk(v, " \t\r\n") == NULL;
}

char *
draft_format(const struct draft *d)
{
	struct strbuf sb = {0};
	char uuid[CS_UUID_STRLEN];

	uuid_format(d->id, uuid);
	sb_addf(&sb, "%s\nid %s\nstart %" PRId64 "\n", DRAFT_MAGIC, uuid,
	        d->start);
	const char *name;
	char **p;

	for (size_t i = 0; (p = field((struct draft *)d, i, &name)) != NULL;
	     i++)
		if (*p != NULL && value_ok(*p))
			sb_addf(&sb, "%s %s\n", name, *p);
	if (d->a.ntopics > 0 || d->a.topics_done) {
		sb_add(&sb, "topics ");
		for (size_t i = 0; i < d->a.ntopics; i++)
			sb_addf(&sb, "%s%s", i > 0 ? "," : "", d->a.topics[i]);
		sb_add(&sb, "\n");
	}
	if (d->a.topics_done)
		sb_add(&sb, "topics_done 1\n");
	return sb_steal(&sb);
}

static int
parse_line(struct draft *d, const char *name, const char *value)
{
	const char *field_name;
	int64_t start;
	char *end, **slot;

	if (strcmp(name, "id") == 0)
		return uuid_parse(value, d->id);
	if (strcmp(name, "start") == 0) {
		errno = 0;
		start = strtoll(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || start < 0)
			return -1;
		d->start = start;
		return 0;
	}
	if (strcmp(name, "topics") == 0) {
		d->a.ntopics = 0;
		for (const char *p = value; *p != '\0';) {
			size_t len = strcspn(p, ",");

			d->a.topics =
			        xreallocarray(d->a.topics, d->a.ntopics + 1,
			                      sizeof *d->a.topics);
			d->a.topics[d->a.ntopics++] = xstrndup(p, len);
			p += len + (p[len] == ',');
		}
		return 0;
	}
	if (strcmp(name, "topics_done") == 0) {
		d->a.topics_done = strcmp(value, "1") == 0;
		return 0;
	}
	for (size_t i = 0; (slot = field(d, i, &field_name)) != NULL; i++) {
		if (strcmp(name, field_name) != 0)
			continue;
		free(*slot);
		*slot = xstrdup(value);
		return 0;
	}
	return 0; /* a newer version's line: ignored */
}

int
draft_parse(const char *text, struct draft *d, char *why, size_t whylen)
{
	char *copy = xstrdup(text), *save = NULL, *line;
	bool have_id = false;
	int lineno = 1;

	memset(d, 0, sizeof *d);
	line = strtok_r(copy, "\n", &save);
	if (line == NULL || strcmp(line, DRAFT_MAGIC) != 0) {
		snprintf(why, whylen, "%s", _("not a callsheet draft"));
		free(copy);
		return -1;
	}
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		char *sp = strchr(line, ' ');

		lineno++;
		if (sp != NULL)
			*sp = '\0';
		if (parse_line(d, line, sp != NULL ? sp + 1 : "") != 0) {
			snprintf(why, whylen, _("line %d: bad value for %s"),
			         lineno, line);
			free(copy);
			draft_free(d);
			return -1;
		}
		have_id |= strcmp(line, "id") == 0;
	}
	free(copy);
	if (!have_id) {
		snprintf(why, whylen, "%s", _("it has no sheet id"));
		draft_free(d);
		return -1;
	}
	return 0;
}

int
draft_save(const char *path, const struct draft *d, struct cs_error *err)
{
	char *text = draft_format(d);
	int rv = cs_file_write_atomic(path, text, strlen(text), err);

	free(text);
	return rv;
}

int
draft_load(const char *path, struct draft *d, struct cs_error *err)
{
	char why[128];
	char *text;

	memset(d, 0, sizeof *d);
	if ((text = cs_file_read_all(path, DRAFT_MAX, NULL)) == NULL) {
		if (errno == ENOENT)
			return 0;
		cs_error_set(err, CALLSHEET__ERROR_CODE__INTERNAL,
		             _("cannot read the draft %s: %s"), path,
		             strerror(errno));
		return -1;
	}
	if (draft_parse(text, d, why, sizeof why) != 0) {
		cs_error_set(err, CALLSHEET__ERROR_CODE__INTERNAL,
		             _("the draft %s is damaged (%s)"), path, why);
		free(text);
		return -1;
	}
	free(text);
	return 1;
}

void
draft_free(struct draft *d)
{
	free(d->server);
	free(d->user);
	answers_free(&d->a);
	memset(d, 0, sizeof *d);
}
