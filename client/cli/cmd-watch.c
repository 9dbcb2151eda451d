/* cmd-watch.c: "callsheet watch": the live counters, redrawn in place on a
 * terminal, one line per update otherwise, until Ctrl-C. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "callsheet.h"

#define NPERIODS     3
#define LABEL_COLS   34
#define POLL_MS      250 /* how soon Ctrl-C is noticed */
#define RECONNECT_MS 2000

static int cmd_watch_exec(struct cli *, int, char **);

static const struct cmd_option watch_options[] = {
        {"once", 'o', false, 0},
        {NULL, 0, false, 0},
};

const struct cmd_entry cmd_watch_entry = {
        .name = "watch",
        .args = N_("[--once]"),
        .summary = N_("live counters of today, this week and this month"),
        .help = N_("Options:\n"
                   "  --once      print the counters once and exit\n"
                   "  -h, --help  this help\n"
                   "\n"
                   "Calls by type and topics of consultations (a call counts "
                   "once per topic),\nfor today, this week (from Monday) and "
                   "this month in the service's time\nzone, updated within "
                   "a second of a sheet being logged through any daemon.\n"
                   "On a terminal the table is redrawn in place until "
                   "Ctrl-C; otherwise each\nupdate is one line: the time, "
                   "then CODE=TODAY/WEEK/MONTH for the total and\nevery "
                   "call type and topic (topic:CODE) counted. When the server "
                   "goes away, it\nconnects again every 2 seconds.\n"),
        .options = watch_options,
        .exec = cmd_watch_exec,
};

struct screen {
	bool tty;
	const char *server;
	const Callsheet__Taxonomy *tax;
	bool live;    /* until Ctrl-C */
	size_t lines; /* drawn last time, to go back over */
};

static volatile sig_atomic_t interrupted;

static void
on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static const Callsheet__PeriodCounters *
period_of(const Callsheet__Counters *c, size_t i)
{
	static const char *const names[NPERIODS] = {"today", "week", "month"};

	for (size_t k = 0; k < c->n_periods; k++)
		if (strcmp(c->periods[k]->period, names[i]) == 0)
			return c->periods[k];
	return NULL;
}

static uint64_t
count_of(const Callsheet__PeriodCounters *p, bool topic, const char *code)
{
	Callsheet__Counter **v = p == NULL ? NULL
	                         : topic   ? p->topics
	                                   : p->call_types;
	size_t n = p == NULL ? 0 : topic ? p->n_topics : p->n_call_types;

	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i]->code, code) == 0)
			return v[i]->count;
	return 0;
}

static void
table_row(struct strbuf *sb, const char *label, const uint64_t v[NPERIODS])
{
	size_t w = cs_utf8_width(label);

	sb_add(sb, label);
	for (; w < LABEL_COLS; w++)
		sb_add(sb, " ");
	for (size_t i = 0; i < NPERIODS; i++)
		sb_addf(sb, " %8llu", (unsigned long long)v[i]);
	sb_add(sb, "\n");
}

/* One dimension's rows: every code in use, zeros included. */
static void
table_dim(struct strbuf *sb, const Callsheet__Taxonomy *tax,
          const Callsheet__Counters *c, const char *dimension, bool topic)
{
	for (size_t i = 0; i < tax->n_entries; i++) {
		const Callsheet__TaxonomyEntry *e = tax->entries[i];
		uint64_t v[NPERIODS];
		char *label;

		if (strcmp(e->dimension, dimension) != 0 ||
		    (e->has_retired && e->retired))
			continue;
		for (size_t p = 0; p < NPERIODS; p++)
			v[p] = count_of(period_of(c, p), topic, e->code);
		label = xasprintf("  %s", cs_tax_label(e, cs_i18n_french()));
		table_row(sb, label, v);
		free(label);
	}
}

static void
table(struct strbuf *sb, const struct screen *s, const Callsheet__Counters *c)
{
	const Callsheet__Taxonomy *tax = s->tax;
	uint64_t totals[NPERIODS];

	sb_addf(sb, "callsheet watch  %s  %s (%s)%s\n", s->server, c->as_of,
	        c->timezone != NULL ? c->timezone : "?",
	        s->live ? _("  Ctrl-C to quit") : "");
	sb_addf(sb, "%-*s %8s %8s %8s\n", LABEL_COLS, "", _("today"), _("week"),
	        _("month"));
	for (size_t p = 0; p < NPERIODS; p++) {
		const Callsheet__PeriodCounters *pc = period_of(c, p);

		totals[p] = pc != NULL ? pc->total : 0;
	}
	table_row(sb, _("All calls"), totals);
	table_dim(sb, tax, c, "call_type", false);
	sb_addf(sb, "%s\n", _("Topics of consultations"));
	table_dim(sb, tax, c, "topic", true);
}

/* TIME total=T/W/M CODE=T/W/M ... topic:CODE=T/W/M, counted ones only. */
static void
line(struct strbuf *sb, const Callsheet__Taxonomy *tax,
     const Callsheet__Counters *c)
{
	const Callsheet__PeriodCounters *p[NPERIODS];

	for (size_t i = 0; i < NPERIODS; i++)
		p[i] = period_of(c, i);
	sb_addf(sb, "%s total=%llu/%llu/%llu", c->as_of,
	        (unsigned long long)(p[0] ? p[0]->total : 0),
	        (unsigned long long)(p[1] ? p[1]->total : 0),
	        (unsigned long long)(p[2] ? p[2]->total : 0));
	for (size_t i = 0; i < tax->n_entries; i++) {
		const Callsheet__TaxonomyEntry *e = tax->entries[i];
		bool topic = strcmp(e->dimension, "topic") == 0;
		uint64_t v[NPERIODS];

		if (!topic && strcmp(e->dimension, "call_type") != 0)
			continue;
		for (size_t k = 0; k < NPERIODS; k++)
			v[k] = count_of(p[k], topic, e->code);
		if (v[0] + v[1] + v[2] == 0)
			continue;
		sb_addf(sb, " %s%s=%llu/%llu/%llu", topic ? "topic:" : "",
		        e->code, (unsigned long long)v[0],
		        (unsigned long long)v[1], (unsigned long long)v[2]);
	}
	sb_add(sb, "\n");
}

static void
draw(struct screen *s, const Callsheet__Counters *c)
{
	struct strbuf sb = {0}, out = {0};

	if (!s->tty)
		line(&out, s->tax, c);
	else {
		/* back over the last drawing, each line cleared as it goes */
		table(&sb, s, c);
		if (s->lines > 0)
			sb_addf(&out, "\033[%zuA", s->lines);
		s->lines = 0;
		for (char *p = sb.buf, *nl; (nl = strchr(p, '\n')) != NULL;
		     p = nl + 1, s->lines++) {
			sb_add(&out, "\033[2K");
			sb_addn(&out, p, (size_t)(nl - p + 1));
		}
	}
	fwrite(out.buf, 1, out.len, stdout);
	fflush(stdout);
	sb_free(&sb);
	sb_free(&out);
}

static int
watch_loop(struct cs_client *c, struct screen *s, bool once,
           struct cs_error *err)
{
	Callsheet__Counters *counters;

	if (cs_watch(c, false, &counters, err) != 0)
		return -1;
	draw(s, counters);
	callsheet__counters__free_unpacked(counters, NULL);
	while (!once && !interrupted) {
		Callsheet__Event *ev;
		int n = cs_next_event(c, &ev, POLL_MS, err);

		if (n < 0)
			return -1;
		if (n == 0)
			continue;
		if (ev->counters != NULL)
			draw(s, ev->counters);
		callsheet__event__free_unpacked(ev, NULL);
	}
	return 0;
}

/* Waits, unless interrupted first. */
static void
backoff(int ms)
{
	struct timespec step = {0, POLL_MS * 1000000L};

	for (int waited = 0; waited < ms && !interrupted; waited += POLL_MS)
		nanosleep(&step, NULL);
}

/* A screen left running outlives a restart of the daemon: once it has
 * been connected, it connects again when the server goes away. */
static int
watch_run(struct cli *cli, struct screen *s, bool once, struct cs_error *err)
{
	struct sigaction sa = {0};
	bool connected = false;

	sa.sa_handler = on_interrupt;
	if (!once) {
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	for (;;) {
		Callsheet__Taxonomy *tax = NULL;
		struct cs_client *c = NULL;
		int rv = -1;

		if (cli_connect(cli, &c, err) == 0 &&
		    cs_get_taxonomy(c, &tax, err) == 0) {
			connected = true;
			s->tax = tax;
			rv = watch_loop(c, s, once, err);
		}
		if (tax != NULL)
			callsheet__taxonomy__free_unpacked(tax, NULL);
		cs_close(c);
		if (rv == 0 || once || !connected || interrupted ||
		    cli_exit_status(err) != EXIT_TEMPFAIL)
			return rv;
		cli_error(_("%s; connecting again"), cli_error_text(err));
		s->lines = 0; /* the message broke the drawing: start anew */
		backoff(RECONNECT_MS);
		if (interrupted)
			return 0;
	}
}

static int
watch_option(void *arg, int id, char *value)
{
	bool *once = arg;

	(void)id; /* --once */
	(void)value;
	*once = true;
	return 0;
}

static int
cmd_watch_exec(struct cli *cli, int argc, char **argv)
{
	struct screen s = {.tty = isatty(STDOUT_FILENO) == 1,
	                   .server = cli->opts.server};
	struct cs_error err;
	bool once = false;
	int rv;

	if ((rv = cli_options(&cmd_watch_entry, argc, argv, watch_option,
	                      &once)) >= 0 ||
	    (rv = cli_no_operands(&cmd_watch_entry, argc, argv)) != 0)
		return rv;
	s.live = !once;
	if (watch_run(cli, &s, once, &err) == 0)
		return 0;
	cli_error("%s", cli_error_text(&err));
	return cli_exit_status(&err);
}
