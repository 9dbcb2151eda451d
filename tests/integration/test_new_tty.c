/* test_new_tty.c: "callsheet new" on a real terminal (a pseudo-terminal):
 * one key per answer in raw mode, the call timer redrawn while nobody
 * types, a typical consultation in under 10 keystrokes, a wrong key
 * answered with a hint, and Ctrl-C leaving a draft that --resume finishes
 * with the same sheet id. */
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct th_daemon d;
static char *conninfo;
static char state_dir[] = "/tmp/callsheet-tty.XXXXXX";

struct term {
	pid_t pid;
	int fd;
	struct strbuf out;
	size_t seen; /* output already matched */
	int keys;
};

static void
term_start(struct term *t, const char *arg)
{
	const char *cli = getenv("CALLSHEET_TEST_CLI");

	memset(t, 0, sizeof *t);
	if ((t->pid = forkpty(&t->fd, NULL, NULL, NULL)) == -1)
		th_die("forkpty: %s", strerror(errno));
	if (t->pid == 0) {
		execl(cli, cli, "new", arg, (char *)NULL);
		_exit(127);
	}
	sb_add(&t->out, "");
}

/* Read what the program wrote until text appears (after what earlier
 * waits matched) or the deadline passes. */
static bool
term_wait(struct term *t, const char *text, double seconds)
{
	double deadline = th_now() + seconds;
	char buf[4096];

	for (;;) {
		struct pollfd pfd = {.fd = t->fd, .events = POLLIN};
		char *hit = strstr(t->out.buf + t->seen, text);
		ssize_t n;

		if (hit != NULL) {
			t->seen = (size_t)(hit - t->out.buf) + strlen(text);
			return true;
		}
		if (th_now() > deadline)
			return false;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if ((n = read(t->fd, buf, sizeof buf)) <= 0)
			return strstr(t->out.buf + t->seen, text) != NULL;
		sb_addn(&t->out, buf, (size_t)n);
	}
}

/* Until a redrawn prompt shows at least seconds on the call timer. */
static bool
term_wait_clock(struct term *t, int seconds)
{
	double deadline = th_now() + seconds + 5;

	while (th_now() < deadline) {
		const char *clock;
		int m, s;

		if (!term_wait(t, "] Caller:", 2))
			continue;
		/* "[MM:SS] Caller:" ends where the match does */
		clock = t->out.buf + t->seen - strlen("[MM:SS] Caller:");
		if (sscanf(clock, "[%d:%d]", &m, &s) == 2 &&
		    m * 60 + s >= seconds)
			return true;
	}
	return false;
}

static void
term_key(struct term *t, char key)
{
	if (write(t->fd, &key, 1) != 1)
		th_die("write to the terminal: %s", strerror(errno));
	t->keys++;
}

/* Keys, each followed by what must show up after it. */
static bool
term_script(struct term *t, const char *const *script)
{
	for (; script[0] != NULL; script += 2) {
		for (const char *k = script[0]; *k != '\0'; k++)
			term_key(t, *k);
		if (!term_wait(t, script[1], 10)) {
			fprintf(stderr, "after keys '%s' no '%s' in:\n%s\n",
			        script[0], script[1], t->out.buf + t->seen);
			return false;
		}
	}
	return true;
}

static int
term_end(struct term *t)
{
	int status;

	term_wait(t, "\001never\001", 60); /* drain until EOF */
	if (waitpid(t->pid, &status, WNOHANG) == 0) {
		/* still waiting for keys: a check failed before */
		fprintf(stderr, "callsheet new did not end; killed\n");
		kill(t->pid, SIGKILL);
		waitpid(t->pid, &status, 0);
	}
	close(t->fd);
	return WIFEXITED(status)     ? WEXITSTATUS(status)
	       : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
	                             : -1;
}

/* The sheet id printed last. */
static const char *
last_uuid(const struct term *t, char out[CS_UUID_STRLEN])
{
	uint8_t id[CS_UUID_LEN];
	const char *p = t->out.buf;

	out[0] = '\0';
	for (; (p = strchr(p, '-')) != NULL; p++)
		if (p - t->out.buf >= 8 &&
		    uuid_parse(strndupa(p - 8, CS_UUID_STRLEN - 1), id) == 0)
			uuid_format(id, out);
	return out;
}

static void
test_typical(void)
{
	static const char *const script[] = {
	        "1",  "Département:",    "75", "75",
	        "\r", "75 Paris",        "2",  "Region of origin",
	        "2",  "Topics:",         "2",  "Topics: Residence permits",
	        "\r", "Log this sheet?", "\r", "logging the sheet",
	        NULL,
	};
	struct term t;
	char uuid[CS_UUID_STRLEN];

	term_start(&t, NULL);
	CHECK(term_wait(&t, "Caller:", 60), "the first question");
	/* the call timer started with the command: logging in may take
	 * more than a second, so only a redraw is certain */
	CHECK(term_wait(&t, "\r\033[K[00:0", 5) &&
	              term_wait(&t, "] Caller:", 1),
	      "the timer is redrawn while nobody types");
	/* a call of two seconds at least, for the duration to show it */
	CHECK(term_wait_clock(&t, 2), "the timer runs");
	CHECK(term_script(&t, script), "a consultation, one key per answer");
	CHECK(term_end(&t) == 0, "exit status 0");
	CHECK(t.keys == 9 && t.keys < 10,
	      "a typical consultation takes %d keystrokes", t.keys);
	last_uuid(&t, uuid);
	CHECK(th_sql_count_at(
	              conninfo,
	              "SELECT count(*) FROM sheet WHERE id = $1::uuid AND "
	              "duration_s >= 2 AND household = (SELECT id FROM "
	              "taxonomy WHERE dimension = 'household' AND code = "
	              "'woman')",
	              uuid) == 1,
	      "the sheet %s is stored, with the measured duration", uuid);
	sb_free(&t.out);
}

static void
test_wrong_key_and_interrupt(void)
{
	static const char *const script[] = {
	        "x", "'x' is not a choice", "2", "Département:", NULL,
	};
	static const char *const resume[] = {
	        "93\r", "Kind of professional",
	        "1",    "Sector of the public body",
	        "1",    "Topics:",
	        "3\r",  "Log this sheet?",
	        "\r",   "logging the sheet",
	        NULL,
	};
	struct term t;
	char uuid[CS_UUID_STRLEN], *path, *draft;
	char draft_id[CS_UUID_STRLEN] = "";
	FILE *f;

	term_start(&t, NULL);
	CHECK(term_wait(&t, "Caller:", 60), "the first question");
	CHECK(term_script(&t, script), "a wrong key, then the caller");
	term_key(&t, '\003'); /* Ctrl-C: SIGINT through the terminal */
	CHECK(term_end(&t) == 130, "Ctrl-C ends it as SIGINT does");
	CHECK(strstr(t.out.buf, "--resume") != NULL, "and says how to resume");
	sb_free(&t.out);

	path = xasprintf("%s/new.draft", state_dir);
	CHECK((f = fopen(path, "r")) != NULL, "the draft is kept");
	if (f != NULL) {
		draft = xcalloc(1, 4096);
		CHECK(fread(draft, 1, 4095, f) > 0 &&
		              strstr(draft, "caller professional\n") != NULL,
		      "with the caller: %s", draft);
		sscanf(strstr(draft, "\nid ") ? strstr(draft, "\nid ") : "",
		       "\nid %36s", draft_id);
		free(draft);
		fclose(f);
	}
	term_start(&t, "--resume");
	CHECK(term_wait(&t, "Département:", 60), "resumes at the département");
	CHECK(term_script(&t, resume), "and finishes");
	CHECK(term_end(&t) == 0, "exit status 0");
	CHECK(strcmp(last_uuid(&t, uuid), draft_id) == 0,
	      "the sheet keeps the draft's id (%s, %s)", uuid, draft_id);
	CHECK(th_sql_count_at(conninfo,
	                      "SELECT count(*) FROM sheet WHERE id = $1::uuid",
	                      uuid) == 1,
	      "and is stored");
	CHECK(access(path, F_OK) != 0, "the draft is gone");
	free(path);
	sb_free(&t.out);
}

/* The typo of issue 15: 1 9 4, three Backspaces, 9 3. Backspace erases
 * the typed code and never leaves the question: the third one used to go
 * back to "Who is calling?", where 3 logged a silent call and exited while
 * the caller was still on the line. */
/* A draft that cannot be saved (a full disk; here its name taken by a
 * folder, which no rename replaces, even as root): told once, not at
 * every key; Ctrl-C says the last answers were not kept, and --resume
 * continues from what was saved, saying so. */
static void
test_unsaved(void)
{
	static const char *const script[] = {
	        "93\r", "Household", "1",  "Region of origin", "1", "Topics:",
	        "2",    "Topics: ",  NULL,
	};
	struct term t;
	char *path = xasprintf("%s/new.draft", state_dir);
	char *kept = xasprintf("%s/new.draft.kept", state_dir);
	const char *p;
	int warnings = 0;

	term_start(&t, NULL);
	CHECK(term_wait(&t, "Caller:", 60), "the first question");
	CHECK(term_script(&t, (const char *const[]){"1", "Département:", NULL}),
	      "an individual");
	CHECK(rename(path, kept) == 0 && mkdir(path, 0700) == 0,
	      "the draft's place taken: %s", strerror(errno));
	CHECK(term_script(&t, script), "the entry goes on");
	for (p = t.out.buf; (p = strstr(p, "warning:")) != NULL; p++)
		warnings++;
	CHECK(warnings == 1, "told once, not at every answer (%d times)",
	      warnings);
	term_key(&t, '\003');
	CHECK(term_end(&t) == 130, "Ctrl-C");
	CHECK(strstr(t.out.buf, "last answers could not be saved") != NULL &&
	              strstr(t.out.buf, "its answers are saved") == NULL,
	      "the end tells the truth: %s", t.out.buf + t.seen);
	sb_free(&t.out);
	CHECK(rmdir(path) == 0 && rename(kept, path) == 0, "space again");
	term_start(&t, "--resume");
	CHECK(term_wait(&t, "as it was last saved", 60) &&
	              term_wait(&t, "Département:", 10),
	      "--resume says so, and resumes where the last save was");
	term_key(&t, '\003');
	term_end(&t);
	sb_free(&t.out);
	term_start(&t, "--discard");
	CHECK(term_end(&t) == 0, "the draft dropped");
	sb_free(&t.out);
	free(path);
	free(kept);
}

static void
test_backspace(void)
{
	static const char *const script[] = {
	        "1",        "Département:",
	        "94",       "94",
	        "\x7f\x7f", "Département:",
	        "\x7f",     "Nothing to erase",
	        "93\r",     "93 Seine-Saint-Denis",
	        "1",        "Region of origin",
	        "1",        "Topics:",
	        "1\r",      "Log this sheet?",
	        "\r",       "logging the sheet",
	        NULL,
	};
	struct term t;
	char uuid[CS_UUID_STRLEN];

	term_start(&t, NULL);
	CHECK(term_wait(&t, "Caller:", 60), "the first question");
	CHECK(term_script(&t, script), "a département typo fixed");
	CHECK(term_end(&t) == 0, "exit status 0");
	last_uuid(&t, uuid);
	CHECK(th_sql_count_at(conninfo,
	                      "SELECT count(*) FROM sheet WHERE id = $1::uuid "
	                      "AND department = (SELECT id FROM taxonomy "
	                      "WHERE dimension = 'department' AND code = "
	                      "'93')",
	                      uuid) == 1,
	      "the consultation %s is stored in 93", uuid);
	CHECK(th_sql_count_at(conninfo,
	                      "SELECT count(*) FROM sheet WHERE call_type <> "
	                      "(SELECT id FROM taxonomy WHERE dimension = "
	                      "'call_type' AND code = 'consultation') AND "
	                      "$1::text IS NOT NULL",
	                      uuid) == 0,
	      "and no other call was logged");
	sb_free(&t.out);
}

/* A non-consultation is one key and Enter; - undoes the key. */
static void
test_not_consultation_undone(void)
{
	static const char *const script[] = {
	        "3",  "Enter logs this call", "-",  "Who is calling?",
	        "4",  "Enter logs this call", "\r", "logging the sheet",
	        NULL,
	};
	struct term t;
	char uuid[CS_UUID_STRLEN];

	term_start(&t, NULL);
	CHECK(term_wait(&t, "Caller:", 60), "the first question");
	CHECK(term_script(&t, script),
	      "a silent call undone, a hang-up logged");
	CHECK(term_end(&t) == 0, "exit status 0");
	last_uuid(&t, uuid);
	CHECK(th_sql_count_at(conninfo,
	                      "SELECT count(*) FROM sheet s JOIN taxonomy t ON "
	                      "t.id = s.call_type WHERE s.id = $1::uuid AND "
	                      "t.code = 'hang_up'",
	                      uuid) == 1,
	      "the hang-up %s is stored", uuid);
	CHECK(th_sql_count_at(conninfo,
	                      "SELECT count(*) FROM sheet s JOIN taxonomy t ON "
	                      "t.id = s.call_type WHERE t.code = 'silent' AND "
	                      "$1::text IS NOT NULL",
	                      uuid) == 0,
	      "the silent call undone was not logged");
	sb_free(&t.out);
}

/* A crash (kill -9) in the middle of a call; the next `callsheet new`
 * offers the unfinished sheet: r resumes it with one key (same id), and
 * after another crash d drops it and a new call begins. */
static void
test_crash_one_key(void)
{
	static const char *const before[] = {
	        "1", "Département:", "75\r", "Household", NULL,
	};
	static const char *const rest[] = {
	        "r",  "Household",         "2",   "Region of origin",
	        "0",  "Topics:",           "1\r", "Log this sheet?",
	        "\r", "logging the sheet", NULL,
	};
	struct term t;
	char uuid[CS_UUID_STRLEN], draft_id[CS_UUID_STRLEN] = "";
	char *path = xasprintf("%s/new.draft", state_dir), *draft;
	FILE *f;

	term_start(&t, NULL);
	CHECK(term_wait(&t, "Caller:", 60), "the first question");
	CHECK(term_script(&t, before), "two answers");
	kill(t.pid, SIGKILL);
	term_end(&t);
	sb_free(&t.out);
	if ((f = fopen(path, "r")) != NULL) {
		draft = xcalloc(1, 4096);
		if (fread(draft, 1, 4095, f) > 0 && strstr(draft, "\nid "))
			sscanf(strstr(draft, "\nid "), "\nid %36s", draft_id);
		free(draft);
		fclose(f);
	}
	CHECK(draft_id[0] != '\0', "the crash left a draft");

	term_start(&t, NULL);
	CHECK(term_wait(&t, "r resumes it", 60),
	      "the next call offers the draft");
	CHECK(term_script(&t, rest), "r resumes it at the household");
	CHECK(term_end(&t) == 0, "exit status 0");
	CHECK(strcmp(last_uuid(&t, uuid), draft_id) == 0,
	      "the resumed sheet keeps its id (%s, %s)", uuid, draft_id);
	CHECK(th_sql_count_at(conninfo,
	                      "SELECT count(*) FROM sheet WHERE id = $1::uuid",
	                      uuid) == 1,
	      "and is stored");
	sb_free(&t.out);

	term_start(&t, NULL);
	CHECK(term_script(&t, before), "another call, two answers");
	kill(t.pid, SIGKILL);
	term_end(&t);
	sb_free(&t.out);
	term_start(&t, NULL);
	CHECK(term_wait(&t, "r resumes it", 60), "offered again");
	term_key(&t, 'd');
	CHECK(term_wait(&t, "was dropped", 10) && term_wait(&t, "Caller:", 10),
	      "d drops it and a new call begins");
	term_key(&t, '\003');
	term_end(&t);
	CHECK(access(path, F_OK) == 0, "the new call's draft is there");
	sb_free(&t.out);
	th_sh("rm -f -- '%s'", path);
	free(path);
}

/* --loop: the next call after each sheet, its timer at its first answer
 * (a stray key refused does not begin it); Ctrl-C before a call begins
 * ends it all, exit 0, no draft left. */
static void
test_loop(void)
{
	static const char *const script[] = {
	        "3",  "Enter logs this call", "\r", "[--:--] Caller:",
	        " ",  "0x20 is not a choice", "4",  "Enter logs this call",
	        "\r", "[--:--] Caller:",      NULL,
	};
	struct term t;
	char *path = xasprintf("%s/new.draft", state_dir);
	long long before = th_sql_count_at(conninfo,
	                                   "SELECT count(*) FROM sheet WHERE "
	                                   "$1::text IS NOT NULL",
	                                   "x");

	term_start(&t, "--loop");
	CHECK(term_wait(&t, "Caller:", 60), "the first question");
	CHECK(term_script(&t, script), "two calls in one session");
	term_key(&t, '\003');
	CHECK(term_end(&t) == 0, "Ctrl-C between calls ends it: exit 0");
	CHECK(th_sql_count_at(conninfo,
	                      "SELECT count(*) FROM sheet WHERE "
	                      "$1::text IS NOT NULL",
	                      "x") == before + 2,
	      "two sheets logged");
	CHECK(access(path, F_OK) != 0, "no draft left");
	free(path);
	sb_free(&t.out);
}

int
main(void)
{
	char *spool;

	conninfo = th_createdb("t_new_tty");
	th_migrate(conninfo);
	th_create_user(conninfo, "jur", "jurist", "secret");
	th_daemon_start(&d, conninfo, NULL);
	th_wait_ready(&d, "jur", "secret");
	if (mkdtemp(state_dir) == NULL)
		th_die("mkdtemp: %s", strerror(errno));
	spool = xasprintf("%s/spool", state_dir);
	setenv("CALLSHEET_SERVER", d.server, 1);
	setenv("CALLSHEET_USER", "jur", 1);
	setenv("CALLSHEET_PASSWORD", "secret", 1);
	setenv("CALLSHEET_STATE_DIR", state_dir, 1);
	setenv("CALLSHEET_SPOOL_DIR", spool, 1);
	setenv("LANG", "C.UTF-8", 1);
	unsetenv("LC_ALL");
	unsetenv("CALLSHEET_TIMER");

	test_typical();
	test_wrong_key_and_interrupt();
	test_unsaved();
	test_backspace();
	test_not_consultation_undone();
	test_crash_one_key();
	test_loop();

	CHECK(th_daemon_stop(&d) == 0, "the daemon exits cleanly");
	free(spool);
	th_sh("rm -rf -- '%s'", state_dir);
	free(conninfo);
	return th_finish();
}
