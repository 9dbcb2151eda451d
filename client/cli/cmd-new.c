/* cmd-new.c: "callsheet new": one sheet entered while the call goes on,
 * with a running call timer, one question at a time (one key each on a
 * terminal, one line each from a pipe), and the draft on disk after every
 * answer. */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "callsheet.h"
#include "draft.h"
#include "entry.h"
#include "libcallsheet.h"

#define DURATION_MAX (24 * 3600)

static int cmd_new_exec(struct cli *, int, char **);

enum { OPT_RESUME = 256, OPT_DISCARD, OPT_TIMER, OPT_LOOP };
static const struct cmd_option new_options[] = {
        {"resume", OPT_RESUME, false, 0},
        {"discard", OPT_DISCARD, false, 0},
        {"timer", OPT_TIMER, true, 0},
        {"loop", OPT_LOOP, false, 0},
        {NULL, 0, false, 0},
};

const struct cmd_entry cmd_new_entry = {
        .name = "new",
        .args = N_("[--resume | --discard] [--timer start|key] [--loop]"),
        .summary = N_("guided entry of a sheet during the call, with a call "
                      "timer"),
        .help = N_("Options:\n"
                   "  --resume           continue the sheet left unfinished "
                   "(terminal closed,\n"
                   "                     crash): its answers, its start "
                   "time and its id are kept\n"
                   "  --discard          drop the unfinished sheet\n"
                   "  --timer start|key  start the call timer when the "
                   "command starts (default),\n"
                   "                     or at the first key "
                   "(CALLSHEET_TIMER)\n"
                   "  --loop             after each sheet, the next call "
                   "(its timer at its first\n"
                   "                     key); Ctrl-C before it begins "
                   "stops\n"
                   "  -h, --help         this help\n"
                   "\n"
                   "One question at a time: on a terminal each answer is "
                   "one key (the\ndépartement is typed, then Enter; topics "
                   "are chosen one key each, then\nEnter); from a pipe, "
                   "one line per answer. Backspace erases what is typed;\n"
                   "- goes back a question. A call that is not a "
                   "consultation takes one key, then\nEnter (- undoes "
                   "the key). The draft is saved after every answer in "
                   "the\nstate folder (CALLSHEET_STATE_DIR); the sheet goes "
                   "through the spool like\n'callsheet log' and its id "
                   "is printed. On a terminal, a sheet left\nunfinished "
                   "(a crash) is resumed (r) or dropped (d) with one key "
                   "when the next\none starts; any other key leaves it "
                   "for later and is the new call's first\nanswer. A "
                   "sheet open in another window is left to it. From a "
                   "pipe, a line\nrefused stops the reading: --resume "
                   "asks that question again.\n"),
        .options = new_options,
        .exec = cmd_new_exec,
};

struct session {
	struct cli *cli;
	const char *dir;        /* the state folder, where drafts are */
	struct draft_hold held; /* this sheet's draft, open here only */
	struct draft d;
	Callsheet__Taxonomy *tax;
	struct entry e;
	bool tty;     /* keys from a terminal in raw mode */
	bool fresh;   /* not a resumed draft */
	bool loop;    /* --loop: the next call after each sheet */
	bool on_key;  /* the timer starts at the first key */
	bool unsaved; /* the last save of the draft failed: told once */
	bool kept;    /* the draft of this sheet was saved at least once */
	char first;   /* the key that left a draft for later: an answer */
	bool refused; /* a piped line was refused: nothing more is read */
	FILE *out;    /* questions and prompts: stderr (stdout: the id) */
	struct termios saved;
	bool raw;
};

static volatile sig_atomic_t caught;

static void
catch_signal(int sig)
{
	caught = sig;
}

/* ------------------------------------------------------------ the timer */

static int64_t
elapsed(const struct session *s)
{
	int64_t d = (int64_t)time(NULL) - s->d.start;

	return d < 0 ? 0 : d > DURATION_MAX ? DURATION_MAX : d;
}

static void
clock_text(const struct session *s, char buf[32])
{
	int64_t t = elapsed(s);

	if (s->d.start == 0)
		snprintf(buf, 32, "--:--");
	else if (t >= 3600)
		snprintf(buf, 32, "%d:%02d:%02d", (int)(t / 3600),
		         (int)(t / 60 % 60), (int)(t % 60));
	else
		snprintf(buf, 32, "%02d:%02d", (int)(t / 60), (int)(t % 60));
}

/* ----------------------------------------------------------- the screen */

static void
show_question(struct session *s)
{
	struct strbuf sb = {0};

	entry_question(&s->e, &sb);
	fprintf(s->out, "\n%s", sb.buf);
	sb_free(&sb);
}

/* The prompt line; on a terminal it is drawn again in place every second,
 * so that the timer runs. */
static void
show_prompt(struct session *s)
{
	struct strbuf sb = {0};
	char clock[32];

	clock_text(s, clock);
	entry_prompt(&s->e, &sb);
	fprintf(s->out, "%s[%s] %s ", s->tty ? "\r\033[K" : "", clock, sb.buf);
	fflush(s->out);
	sb_free(&sb);
}

/* After every answer. A save that fails (a full disk) is told once, not
 * at every key; the entry goes on, and the end says what was kept. */
static void
save(struct session *s)
{
	struct cs_error err;

	if (draft_save(s->held.path, &s->d, &err) == 0) {
		if (s->unsaved)
			fprintf(s->out, "%s%s\n", s->tty ? "\r\033[K" : "\n",
			        _("The draft is saved again."));
		s->unsaved = false;
		s->kept = true;
		return;
	}
	if (!s->unsaved)
		fprintf(s->out,
		        _("%swarning: the draft cannot be saved (%s): if this "
		          "stops before the sheet is sent, the answers from "
		          "now on are lost\n"),
		        s->tty ? "\r\033[K" : "\n", err.message);
	s->unsaved = true;
}

/* What an input did. 1: the sheet is complete; 0: go on. */
static int
after(struct session *s, size_t was, enum entry_event ev)
{
	char clock[32];

	switch (ev) {
	case ENTRY_WRONG:
		fprintf(s->out, "%s  %s\n", s->tty ? "\r\033[K" : "\n",
		        s->e.hint);
		return 0;
	case ENTRY_TYPED:
		return 0;
	case ENTRY_ANSWERED:
	case ENTRY_DONE:
		if (was == STEP_CONFIRM)
			fputc('\n', s->out);
		else if (s->tty) {
			/* the prompt again, with the answer in words */
			clock_text(s, clock);
			fprintf(s->out, "\r\033[K[%s] ", clock);
			fprintf(s->out, _("%s:"), entry_step_word(was));
			fprintf(s->out, " %s\n", s->e.echo);
		} else
			fprintf(s->out, "%s\n", s->e.echo);
		break;
	case ENTRY_CHANGED:
		if (s->e.step != was)
			fputc('\n', s->out);
		break;
	}
	save(s);
	if (ev == ENTRY_DONE)
		return 1;
	if (s->e.step != was)
		show_question(s);
	return 0;
}

/* An answer, a key or a line: with the timer at the first key, the first
 * answer starts the call (the key refused, a stray one, does not). */
static int
answer(struct session *s, size_t was, enum entry_event ev)
{
	if (s->d.start == 0 && ev != ENTRY_WRONG)
		s->d.start = time(NULL);
	return after(s, was, ev);
}

/* ------------------------------------------------------------- terminal */

static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};

static int
raw_on(struct session *s)
{
	struct termios t = s->saved;

	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	/* TCSANOW: keys typed ahead, while connecting, are answers too */
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) != 0)
		return -1;
	s->raw = true;
	return 0;
}

static void
raw_off(struct session *s)
{
	if (s->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &s->saved);
	s->raw = false;
}

/* Ctrl-Z: the terminal as it was while stopped, raw again after. */
static void
suspend(struct session *s)
{
	struct sigaction dfl = {0}, ours = {0};

	raw_off(s);
	fputc('\n', s->out);
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGTSTP, &dfl, &ours);
	raise(SIGTSTP);
	sigaction(SIGTSTP, &ours, NULL);
	raw_on(s);
	show_question(s);
}

/* Arrow and function keys send ESC sequences: skip them whole. */
static size_t
skip_escape(const char *buf, size_t i, size_t n)
{
	if (i + 1 < n && (buf[i + 1] == '[' || buf[i + 1] == 'O')) {
		for (i += 2; i < n; i++)
			if (buf[i] >= 0x40 && buf[i] <= 0x7e)
				return i;
	}
	return i;
}

/* 1 done, 0 go on, -1 stop (input ended or a signal: the draft stays). */
static int
keys(struct session *s, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t was = s->e.step;
		int rv;

		if (buf[i] == '\033') {
			i = skip_escape(buf, i, n);
			continue;
		}
		if ((rv = answer(s, was,
		                 entry_key(&s->e, (unsigned char)buf[i]))) != 0)
			return rv;
	}
	return 0;
}

static int
run_tty(struct session *s)
{
	struct sigaction sa = {0}, old[nitems(sigs)];
	int rv = 0;

	sa.sa_handler = catch_signal; /* no SA_RESTART: poll returns */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	if (raw_on(s) != 0) {
		cli_error(_("cannot set up the terminal: %s"), strerror(errno));
		rv = -1;
	} else if (s->first != 0) {
		/* the key that left another sheet for later */
		rv = keys(s, &s->first, 1);
		s->first = 0;
	}
	while (rv == 0) {
		struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
		struct timespec now;
		char buf[64];
		ssize_t n;

		show_prompt(s);
		clock_gettime(CLOCK_REALTIME, &now);
		n = poll(&pfd, 1, 1000 - (int)(now.tv_nsec / 1000000));
		if (caught == SIGTSTP) {
			caught = 0;
			suspend(s);
			continue;
		}
		if (caught != 0)
			rv = -1;
		else if (n > 0) {
			n = read(STDIN_FILENO, buf, sizeof buf);
			if (n <= 0 && !(n < 0 && errno == EINTR))
				rv = -1;
			else if (n > 0)
				rv = keys(s, buf, (size_t)n);
		}
	}
	raw_off(s);
	for (size_t i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	fputc('\n', s->out);
	return rv;
}

static int
run_lines(struct session *s)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	size_t lineno = 0;
	enum entry_event ev;
	int rv = 0;

	while (rv == 0) {
		size_t was = s->e.step;

		show_prompt(s);
		if ((n = getline(&line, &cap, stdin)) < 0) {
			fputc('\n', s->out);
			rv = -1;
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		lineno++;
		ev = entry_line(&s->e, line);
		rv = answer(s, was, ev);
		if (ev == ENTRY_WRONG) {
			/* the lines after it were written for the questions
			 * after it: taken for this one, every answer would
			 * shift by one */
			fprintf(stderr,
			        _("callsheet: line %zu does not answer "
			          "\"%s\"; the lines after it are not read, "
			          "so that none answers the wrong question\n"),
			        lineno, entry_step_word(was));
			s->refused = true;
			rv = -1;
		}
	}
	free(line);
	return rv;
}

/* -------------------------------------------------------------- session */

/* Another sheet holds this sheet's id (the same draft finished in two
 * windows before drafts were locked): sent again, it would be refused
 * again. What is stored is shown; these answers become a sheet of their
 * own, for the jurist to log (another call) or drop (the same one). */
static void
id_taken(struct session *s)
{
	char uuid[CS_UUID_STRLEN];

	uuid_format(s->d.id, uuid);
	fprintf(stderr, "%s\n", _("The sheet stored under this id:"));
	sheet_show(s->cli, uuid, stderr);
	uuid_generate(s->d.id);
	save(s);
	fprintf(stderr,
	        _("callsheet: these answers are kept as a new sheet: if "
	          "they are another call, 'callsheet new --resume' logs "
	          "them; if they are the same call as %.8s, 'callsheet new "
	          "--discard' drops them\n"),
	        uuid);
}

/* The draft stays until the sheet is delivered or waits in the spool: a
 * refused sheet (wrong password, say) is entered again with --resume. */
static int
deliver(struct session *s)
{
	Callsheet__Sheet sheet = CALLSHEET__SHEET__INIT;
	struct cs_error why;
	char clock[32];
	int rv;

	entry_to_sheet(&s->e, &sheet);
	sheet.id.data = s->d.id;
	sheet.id.len = CS_UUID_LEN;
	sheet.call_start = s->d.start;
	sheet.duration_s = (uint32_t)elapsed(s);
	sheet.has_id = sheet.has_call_start = sheet.has_duration_s = true;
	clock_text(s, clock);
	/* TRANSLATORS: the call's duration, as on the timer */
	fprintf(s->out, _("call %s: logging the sheet\n"), clock);
	rv = log_deliver(s->cli, &sheet, &why);
	if (rv == 0 || rv == EXIT_TEMPFAIL)
		draft_release(&s->held, true);
	else if (strcmp(why.reason, "stored_other") == 0)
		id_taken(s);
	else
		fprintf(stderr, "%s\n",
		        _("callsheet: the answers are kept: 'callsheet new "
		          "--resume' sends the sheet again"));
	return rv;
}

static void
time_text(int64_t t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, 32, "?");
}

/* A new call while a sheet is unfinished: on a terminal one key says
 * what becomes of it. 'r': resume it; 'd': drop it; any other key leaves
 * it for later and is the new call's first answer (*first); 0: no key. */
static int
ask_draft(struct session *s, const char *when, char *first)
{
	char key = 0;

	fprintf(stderr,
	        _("The sheet started at %s is not finished: r resumes it, "
	          "d drops it; any other key leaves it for later "
	          "('callsheet new --resume') and is the first answer of "
	          "the new call. "),
	        when);
	if (raw_on(s) == 0) {
		if (read(STDIN_FILENO, &key, 1) != 1)
			key = 0;
		raw_off(s);
	}
	fputc('\n', stderr);
	if (tolower((unsigned char)key) == 'r' ||
	    tolower((unsigned char)key) == 'd')
		return tolower((unsigned char)key);
	*first = key;
	return 0;
}

static int
drop_draft(struct session *s, const char *when)
{
	if (access(s->held.path, F_OK) == 0 &&
	    cs_file_remove(s->held.path) != 0) {
		cli_error(_("cannot remove %s: %s"), s->held.path,
		          strerror(errno));
		return 1;
	}
	draft_release(&s->held, true);
	if (when != NULL)
		fprintf(stderr, _("The sheet started at %s was dropped.\n"),
		        when);
	draft_free(&s->d);
	return 0;
}

/* The draft there is, as --resume, --discard or a new sheet want it: a
 * draft another window has open is never offered, resumed nor dropped.
 * -1 to go on, else the exit status. */
static int
open_draft(struct session *s, bool *resume, bool discard)
{
	struct cs_error err;
	char when[32];
	size_t busy;
	int r = draft_find(s->dir, &s->held, &s->d, &busy, &err);

	if (r < 0 && discard)
		return drop_draft(s, NULL) == 0 ? 0 : 1;
	if (r < 0) {
		cli_error(_("%s; 'callsheet new --discard' drops it"),
		          err.message);
		return 1;
	}
	time_text(s->d.start, when);
	if (r == 0 && busy > 0 && (discard || *resume)) {
		cli_error("%s", _("the unfinished sheet is open in another "
		                  "window ('callsheet new' runs there): finish "
		                  "it there, or stop it there (Ctrl-C) and "
		                  "continue it here with 'callsheet new "
		                  "--resume'"));
		return 1;
	}
	if (r == 0 && busy > 0)
		fprintf(stderr, "%s\n",
		        _("A sheet is open in another window: it stays there; "
		          "this window takes a new call."));
	if (discard) {
		if (r == 0) {
			fprintf(stderr, "%s\n",
			        _("There is no unfinished sheet."));
			return 0;
		}
		return drop_draft(s, when);
	}
	if (!*resume && r == 1 && s->tty) {
		switch (ask_draft(s, when, &s->first)) {
		case 'r':
			*resume = true;
			return -1;
		case 'd':
			return drop_draft(s, when) == 0 ? -1 : 1;
		default:
			/* left for later: this call gets a draft of its own */
			draft_release(&s->held, false);
			draft_free(&s->d);
			return -1;
		}
	}
	if (*resume && r == 0) {
		cli_error("%s", _("there is no unfinished sheet to resume; "
		                  "start one with 'callsheet new'"));
		return 1;
	}
	if (!*resume && r == 1) {
		cli_error(_("the sheet started at %s is not finished: continue "
		            "it with 'callsheet new --resume' or drop it with "
		            "'callsheet new --discard'"),
		          when);
		return 1;
	}
	return -1;
}

/* The taxonomy, from the server or, if it cannot be reached, the copy
 * saved by an earlier run. */
static int
load_taxonomy(struct session *s, const char *state_dir)
{
	struct cs_client *c = NULL;
	struct cs_error err, cerr;
	bool offline = false;

	if (cli_connect(s->cli, &c, &cerr) != 0) {
		if (cerr.code != CALLSHEET__ERROR_CODE__UNAVAILABLE) {
			cli_error("%s", cli_error_text(&cerr));
			return cli_exit_status(&cerr);
		}
		offline = true;
	}
	s->tax = taxcache_get(state_dir, s->cli->opts.server, c, &err);
	cs_close(c);
	if (s->tax == NULL && offline) {
		cli_error("%s; %s", cli_error_text(&cerr), err.message);
		return cli_exit_status(&cerr);
	}
	if (s->tax == NULL) {
		cli_error("%s", cli_error_text(&err));
		return cli_exit_status(&err);
	}
	if (offline)
		fprintf(stderr,
		        _("callsheet: %s; working from the saved code tables: "
		          "the sheet will wait in the spool\n"),
		        cli_error_text(&cerr));
	return 0;
}

/* The options of "new", as cli_options() hands them over. */
struct new_args {
	struct session *s;
	bool *resume, *discard;
	const char *timer;
};

static int
new_option(void *arg, int id, char *value)
{
	struct new_args *a = arg;

	if (id == OPT_RESUME)
		*a->resume = true;
	else if (id == OPT_DISCARD)
		*a->discard = true;
	else if (id == OPT_TIMER)
		a->timer = value;
	else
		a->s->loop = true;
	return 0;
}

static int
new_parse(struct session *s, int argc, char **argv, bool *resume, bool *discard)
{
	struct new_args a = {s, resume, discard, getenv("CALLSHEET_TIMER")};
	const char *timer;
	int rv;

	if ((rv = cli_options(&cmd_new_entry, argc, argv, new_option, &a)) >=
	            0 ||
	    (rv = cli_no_operands(&cmd_new_entry, argc, argv)) != 0)
		return rv;
	timer = a.timer;
	if (*resume && *discard)
		return cli_usage_error(
		        &cmd_new_entry, "%s",
		        _("give --resume or --discard, not both"));
	if (timer != NULL && *timer != '\0' && strcmp(timer, "start") != 0 &&
	    strcmp(timer, "key") != 0)
		return cli_usage_error(
		        &cmd_new_entry,
		        _("invalid timer '%s': give start or key"), timer);
	s->on_key = timer != NULL && strcmp(timer, "key") == 0;
	return -1;
}

static int
new_run(struct session *s, const char *state_dir)
{
	struct cs_error err;
	int rv;

	if (!s->fresh) {
		/* the sheet belongs where it was started */
		if (s->d.server != NULL)
			s->cli->opts.server = s->d.server;
		if (s->d.user != NULL)
			s->cli->opts.user = s->d.user;
	}
	if (cli_check_user(s->cli, &err) != 0) {
		cli_error("%s", cli_error_text(&err));
		return 1;
	}
	if (s->tax == NULL && (rv = load_taxonomy(s, state_dir)) != 0)
		return rv;
	if (s->fresh) {
		uuid_generate(s->d.id);
		if (draft_claim(s->dir, s->d.id, &s->held) != 0) {
			cli_error(_("cannot open a draft in %s: %s"), s->dir,
			          strerror(errno));
			return 1;
		}
		s->d.start = s->on_key ? 0 : time(NULL);
		s->d.server = xstrdup(s->cli->opts.server);
		s->d.user = xstrdup(s->cli->opts.user);
	}
	entry_init(&s->e, s->tax, cs_i18n_french(), &s->d.a);
	if (!s->fresh) {
		char when[32];

		time_text(s->d.start, when);
		fprintf(s->out,
		        _("Resuming the sheet started at %s, as it was last "
		          "saved.\n"),
		        when);
	}
	s->kept = !s->fresh; /* a resumed draft is on disk */
	s->unsaved = false;
	save(s);
	show_question(s);
	if (s->e.step == STEP_DONE)
		rv = 1; /* resumed after the last answer */
	else
		rv = s->tty ? run_tty(s) : run_lines(s);
	if (rv == 1)
		return deliver(s);
	if (s->d.start == 0) {
		/* no call began: nothing to keep (how --loop ends) */
		draft_release(&s->held, true);
		return s->loop && !s->refused ? 0
		       : caught != 0          ? 128 + caught
		                              : 1;
	}
	if (!s->unsaved)
		fprintf(stderr,
		        _("callsheet: the sheet is not finished; its answers "
		          "are saved: 'callsheet new --resume' continues "
		          "it\n"));
	else if (s->kept)
		fprintf(stderr,
		        _("callsheet: the sheet is not finished, and its last "
		          "answers could not be saved: 'callsheet new "
		          "--resume' continues it from the last answer "
		          "saved\n"));
	else
		fprintf(stderr, "%s\n",
		        _("callsheet: the sheet is not finished, and nothing "
		          "of it could be saved: it is lost"));
	return caught != 0 ? 128 + caught : 1;
}

static int
cmd_new_exec(struct cli *cli, int argc, char **argv)
{
	struct session s = {.cli = cli, .out = stderr, .held = {.lock = -1}};
	bool resume = false, discard = false;
	struct cs_error err;
	char *dir = cli_state_dir();
	int rv;

	if ((rv = new_parse(&s, argc, argv, &resume, &discard)) >= 0) {
		free(dir);
		return rv;
	}
	s.tty = isatty(STDIN_FILENO) && isatty(STDERR_FILENO) &&
	        tcgetattr(STDIN_FILENO, &s.saved) == 0;
	cli_service_zone(cli, NULL); /* a draft's time, in the service's */
	s.dir = dir;
	if (cs_file_mkdirs(dir, &err) != 0) {
		cli_error("%s", err.message);
		rv = 1;
	} else if ((rv = open_draft(&s, &resume, discard)) < 0) {
		s.fresh = !resume;
		rv = new_run(&s, dir);
		while (s.loop && caught == 0 &&
		       (rv == 0 || rv == EXIT_TEMPFAIL)) {
			/* --loop: the next call, its timer at its first key */
			entry_free(&s.e);
			draft_free(&s.d);
			memset(&s.d, 0, sizeof s.d);
			s.fresh = true;
			s.on_key = true;
			fprintf(stderr, "\n%s\n",
			        _("Next call (Ctrl-C to stop)."));
			rv = new_run(&s, dir);
		}
	}
	entry_free(&s.e);
	draft_free(&s.d);
	draft_release(&s.held, false);
	if (s.tax != NULL)
		callsheet__taxonomy__free_unpacked(s.tax, NULL);
	free(dir);
	return rv;
}
