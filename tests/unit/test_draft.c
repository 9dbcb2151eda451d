/* test_draft.c: the draft of "callsheet new" written and read back: the
 * answers, "not stated", the start and the id survive; a damaged file is
 * refused with a reason; saving replaces the file whole. */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draft.h"
#include "libcallsheet.h"
#include "unit.h"

static void
sample(struct draft *d)
{
	memset(d, 0, sizeof *d);
	uuid_generate(d->id);
	d->start = 1767225600;
	d->server = xstrdup("127.0.0.1:7420");
	d->user = xstrdup("jurist1");
	*entry_code(&d->a, "call_type") = xstrdup("consultation");
	*entry_code(&d->a, "caller") = xstrdup("individual");
	*entry_code(&d->a, "department") = xstrdup("2A");
	*entry_code(&d->a, "household") = xstrdup(""); /* not stated */
	d->a.topics = xcalloc(2, sizeof *d->a.topics);
	d->a.topics[d->a.ntopics++] = xstrdup("entry");
	d->a.topics[d->a.ntopics++] = xstrdup("family");
}

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
test_roundtrip(void)
{
	struct draft d, back;
	char why[128] = "";
	char *text;

	sample(&d);
	text = draft_format(&d);
	CHECK(draft_parse(text, &back, why, sizeof why) == 0, "parses: %s",
	      why);
	CHECK(memcmp(d.id, back.id, CS_UUID_LEN) == 0, "the same sheet id");
	CHECK(back.start == d.start, "the same start");
	CHECK(same(back.server, d.server) && same(back.user, d.user),
	      "server and user");
	CHECK(same(*entry_code(&back.a, "department"), "2A") &&
	              same(*entry_code(&back.a, "household"), "") &&
	              *entry_code(&back.a, "origin") == NULL,
	      "answered, not stated and not yet answered stay apart");
	CHECK(back.a.ntopics == 2 && same(back.a.topics[1], "family") &&
	              !back.a.topics_done,
	      "topics chosen, not finished");
	free(text);
	draft_free(&back);
	draft_free(&d);
}

static void
test_damaged(void)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
	        {"", "not a callsheet draft"},
	        {"callsheet-draft 9\nid x\n", "not a callsheet draft"},
	        {"callsheet-draft 1\nid not-a-uuid\n", "line 2"},
	        {"callsheet-draft 1\nstart 12\n", "no sheet id"},
	        {"callsheet-draft 1\nid 6f1c1b5e-8c1d-4b7e-9a41-3f1f6d1d2a11\n"
	         "start -5\n",
	         "line 3"},
	};

	for (size_t i = 0; i < nitems(bad); i++) {
		struct draft d;
		char why[128] = "";

		CHECK(draft_parse(bad[i].text, &d, why, sizeof why) != 0,
		      "case %zu refused", i);
		CHECK(strstr(why, bad[i].why) != NULL, "case %zu: '%s'", i,
		      why);
	}
}

static void
test_files(void)
{
	char dir[] = "/tmp/callsheet-draft.XXXXXX";
	struct draft d = {0}, back;
	struct cs_error err;
	struct stat st;
	char *path;

	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	path = xasprintf("%s/state/%s", dir, DRAFT_FILE);
	CHECK(draft_load(path, &back, &err) == 0, "no file: no draft");
	CHECK(draft_save(path, &d, &err) != 0 && err.message[0] != '\0',
	      "no folder: a clear error");
	*strrchr(path, '/') = '\0';
	CHECK(cs_file_mkdirs(path, &err) == 0, "mkdirs: %s", err.message);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0,
	      "the state folder is private");
	strcat(path, "/" DRAFT_FILE);
	sample(&d);
	CHECK(draft_save(path, &d, &err) == 0, "save: %s", err.message);
	free(*entry_code(&d.a, "origin"));
	*entry_code(&d.a, "origin") = xstrdup("africa");
	CHECK(draft_save(path, &d, &err) == 0, "save again: %s", err.message);
	CHECK(draft_load(path, &back, &err) == 1, "load: %s", err.message);
	CHECK(same(*entry_code(&back.a, "origin"), "africa"),
	      "the last save is what is read");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0,
	      "the draft is private");
	draft_free(&back);
	CHECK(cs_file_write_atomic(path, "junk", 4, &err) == 0, "overwrite");
	CHECK(draft_load(path, &back, &err) == -1 &&
	              strstr(err.message, "damaged") != NULL,
	      "a damaged draft says so: %s", err.message);
	CHECK(cs_file_remove(path) == 0 && access(path, F_OK) != 0 &&
	              errno == ENOENT,
	      "removed");
	CHECK(cs_file_remove(path) == 0, "removing nothing is fine");
	draft_free(&d);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	rmdir(dir);
	free(path);
}

int
main(void)
{
	test_roundtrip();
	test_damaged();
	test_files();
	return unit_finish();
}
