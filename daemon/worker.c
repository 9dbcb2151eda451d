/* worker.c: a small pool of threads for blocking work (password hashing),
 * taken fairly from one queue per lane (a source address: a flood from a
 * few addresses cannot hold back the others); each result comes back to
 * the event loop through a pipe; jobs of a dead owner not yet started are
 * skipped. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "callsheetd.h"

#define LANE_MAX 48

struct job {
	STAILQ_ENTRY(job) entry;
	void (*work)(void *);
	void (*done)(void *);
	void *arg;
	const void *owner;
};
STAILQ_HEAD(job_list, job);

/* The jobs of one lane, in order; a lane with jobs is in the ring. */
struct lane {
	TAILQ_ENTRY(lane) entry;
	char name[LANE_MAX];
	struct job_list jobs;
};
TAILQ_HEAD(lane_ring, lane);

static struct lane_ring ring = TAILQ_HEAD_INITIALIZER(ring);
static unsigned nqueued; /* jobs in the ring's lanes */
static struct job_list finished = STAILQ_HEAD_INITIALIZER(finished);
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t *threads;
static unsigned nthreads;
static bool stopping;
static int notify_pipe[2] = {-1, -1};
static struct event *notify_ev;

/* The next job, round robin over the lanes: the first lane's first job,
 * and that lane goes to the back of the ring. Called locked. */
static struct job *
take(void)
{
	struct lane *l = TAILQ_FIRST(&ring);
	struct job *j;

	if (l == NULL)
		return NULL;
	j = STAILQ_FIRST(&l->jobs);
	STAILQ_REMOVE_HEAD(&l->jobs, entry);
	nqueued--;
	TAILQ_REMOVE(&ring, l, entry);
	if (STAILQ_EMPTY(&l->jobs))
		free(l);
	else
		TAILQ_INSERT_TAIL(&ring, l, entry);
	return j;
}

static void
finish(struct job *j)
{
	STAILQ_INSERT_TAIL(&finished, j, entry);
	/* one byte wakes the loop; a full pipe already will */
	while (write(notify_pipe[1], "", 1) < 0 && errno == EINTR)
		;
}

static void *
worker_main(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&lock);
	for (;;) {
		struct job *j;

		while (nqueued == 0 && !stopping)
			pthread_cond_wait(&wake, &lock);
		if (stopping)
			break;
		j = take();
		pthread_mutex_unlock(&lock);
		j->work(j->arg);
		pthread_mutex_lock(&lock);
		finish(j);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void
worker_collect(evutil_socket_t fd, short what, void *unused)
{
	struct job_list ready = STAILQ_HEAD_INITIALIZER(ready);
	char buf[256];
	struct job *j;

	(void)what;
	(void)unused;
	while (read(fd, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&lock);
	STAILQ_CONCAT(&ready, &finished);
	pthread_mutex_unlock(&lock);
	while ((j = STAILQ_FIRST(&ready)) != NULL) {
		STAILQ_REMOVE_HEAD(&ready, entry);
		j->done(j->arg);
		free(j);
	}
}

void
worker_init(unsigned n)
{
	if (pipe2(notify_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
		fatal("pipe");
	notify_ev = event_new(base, notify_pipe[0], EV_READ | EV_PERSIST,
	                      worker_collect, NULL);
	event_add(notify_ev, NULL);
	nthreads = n;
	threads = xcalloc(n, sizeof *threads);
	for (unsigned i = 0; i < n; i++)
		if ((errno = pthread_create(&threads[i], NULL, worker_main,
		                            NULL)) != 0)
			fatal("pthread_create");
}

/*
 * Queue work for a thread; done(arg) runs on the loop afterwards. Jobs
 * are taken in turn from each lane (NULL: the common lane); a job whose
 * owner is cancelled (worker_cancel) before a thread takes it is not
 * worked, and its done still runs (it can tell: the work left no trace).
 */
void
worker_run_for(const char *lane, const void *owner, void (*work)(void *),
               void (*done)(void *), void *arg)
{
	struct job *j = xcalloc(1, sizeof *j);
	struct lane *l;

	j->work = work;
	j->done = done;
	j->arg = arg;
	j->owner = owner;
	if (lane == NULL)
		lane = "";
	pthread_mutex_lock(&lock);
	TAILQ_FOREACH(l, &ring, entry)
	if (strncmp(l->name, lane, LANE_MAX - 1) == 0)
		break;
	if (l == NULL) {
		l = xcalloc(1, sizeof *l);
		snprintf(l->name, sizeof l->name, "%s", lane);
		STAILQ_INIT(&l->jobs);
		TAILQ_INSERT_TAIL(&ring, l, entry);
	}
	STAILQ_INSERT_TAIL(&l->jobs, j, entry);
	nqueued++;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

void
worker_run(void (*work)(void *), void (*done)(void *), void *arg)
{
	worker_run_for(NULL, NULL, work, done, arg);
}

/* Jobs waiting in the lanes, not yet taken by a thread. */
unsigned
worker_queued(void)
{
	unsigned n;

	pthread_mutex_lock(&lock);
	n = nqueued;
	pthread_mutex_unlock(&lock);
	return n;
}

/* The owner died: its jobs not started are taken out unworked; their
 * done runs from the loop, as for any finished job. */
void
worker_cancel(const void *owner)
{
	struct lane *l, *lnext;

	if (owner == NULL)
		return;
	pthread_mutex_lock(&lock);
	for (l = TAILQ_FIRST(&ring); l != NULL; l = lnext) {
		struct job *j, *jnext;

		lnext = TAILQ_NEXT(l, entry);
		for (j = STAILQ_FIRST(&l->jobs); j != NULL; j = jnext) {
			jnext = STAILQ_NEXT(j, entry);
			if (j->owner != owner)
				continue;
			STAILQ_REMOVE(&l->jobs, j, job, entry);
			nqueued--;
			finish(j); /* unworked */
		}
		if (STAILQ_EMPTY(&l->jobs)) {
			TAILQ_REMOVE(&ring, l, entry);
			free(l);
		}
	}
	pthread_mutex_unlock(&lock);
}

/* Jobs not started are dropped with their callbacks: only called at exit,
 * once no connection is left to answer. */
void
worker_shutdown(void)
{
	struct job *j;
	struct lane *l;

	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	for (unsigned i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	while ((l = TAILQ_FIRST(&ring)) != NULL) {
		TAILQ_REMOVE(&ring, l, entry);
		STAILQ_CONCAT(&finished, &l->jobs);
		free(l);
	}
	nqueued = 0;
	while ((j = STAILQ_FIRST(&finished)) != NULL) {
		STAILQ_REMOVE_HEAD(&finished, entry);
		j->done(j->arg);
		free(j);
	}
	event_free(notify_ev);
	close(notify_pipe[0]);
	close(notify_pipe[1]);
}
