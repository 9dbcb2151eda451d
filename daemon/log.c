/* log.c: leveled logging to stderr, libevent's own messages included. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "callsheetd.h"

static enum log_level log_threshold = LOG_INFO;

static const char *level_names[] = {"debug", "info", "warn", "error"};

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	char stamp[32];
	struct timespec ts;
	struct tm tm;

	if (level < log_threshold)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	flockfile(stderr);
	fprintf(stderr, "%s.%03ldZ %s: ", stamp, ts.tv_nsec / 1000000,
	        level_names[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

#define LOG_FUNC(name, level)                                                  \
	void name(const char *fmt, ...)                                        \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		log_vwrite(level, fmt, ap);                                    \
		va_end(ap);                                                    \
	}
LOG_FUNC(log_debug, LOG_DEBUG)
LOG_FUNC(log_info, LOG_INFO)
LOG_FUNC(log_warn, LOG_WARN)
LOG_FUNC(log_error, LOG_ERROR)

/*
 * A message of a kind a flood repeats (a refused or a failed login): the
 * first LOG_BURST of each second of that kind are written, the rest
 * counted, and the count written as one line with the next message of
 * that kind in a later second. The event loop's thread only.
 */
void
log_limited(struct log_limit *lim, enum log_level level, const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	if (level < log_threshold)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec != lim->second) {
		if (lim->suppressed > 0)
			log_warn("%u more %s were not logged (more than %d a "
			         "second)",
			         lim->suppressed, lim->what, LOG_BURST);
		lim->second = ts.tv_sec;
		lim->written = lim->suppressed = 0;
	}
	if (lim->written >= LOG_BURST) {
		lim->suppressed++;
		return;
	}
	lim->written++;
	va_start(ap, fmt);
	log_vwrite(level, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	log_error("%s: %s", msg, strerror(saved));
	free(msg);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}

static void
libevent_log(int severity, const char *msg)
{
	switch (severity) {
	case EVENT_LOG_DEBUG:
		log_debug("libevent: %s", msg);
		break;
	case EVENT_LOG_MSG:
		log_info("libevent: %s", msg);
		break;
	default:
		log_warn("libevent: %s", msg);
		break;
	}
}

void
log_set_level(enum log_level level)
{
	log_threshold = level;
}

void
log_init(enum log_level level)
{
	log_threshold = level;
	event_set_log_callback(libevent_log);
}

int
log_level_parse(const char *name, enum log_level *out)
{
	for (size_t i = 0; i < nitems(level_names); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}
