/* worker.c: a small pool of threads for blocking work (password hashing);
 * each result comes back to the event loop through a pipe. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "callsheetd.h"

struct job {
	STAILQ_ENTRY(job) entry;
	void (*work)(void *);
	void (*done)(void *);
	void *arg;
};
STAILQ_HEAD(job_list, job);

static struct job_list todo = STAILQ_HEAD_INITIALIZER(todo);
static struct job_list finished = STAILQ_HEAD_INITIALIZER(finished);
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t *threads;
static unsigned nthreads;
static bool stopping;
static int notify_pipe[2] = {-1, -1};
static struct event *notify_ev;

static void *
worker_main(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&lock);
	for (;;) {
		struct job *j;

		while (STAILQ_EMPTY(&todo) && !stopping)
			pthread_cond_wait(&wake, &lock);
		if (stopping)
			break;
		j = STAILQ_FIRST(&todo);
		STAILQ_REMOVE_HEAD(&todo, entry);
		pthread_mutex_unlock(&lock);
		j->work(j->arg);
		pthread_mutex_lock(&lock);
		STAILQ_INSERT_TAIL(&finished, j, entry);
		/* one byte wakes the loop; a full pipe already will */
		while (write(notify_pipe[1], "", 1) < 0 && errno == EINTR)
			;
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

void
worker_run(void (*work)(void *), void (*done)(void *), void *arg)
{
	struct job *j = xcalloc(1, sizeof *j);

	j->work = work;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&lock);
	STAILQ_INSERT_TAIL(&todo, j, entry);
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

/* Jobs not started are dropped with their callbacks: only called at exit,
 * once no connection is left to answer. */
void
worker_shutdown(void)
{
	struct job *j;

	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	for (unsigned i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	STAILQ_CONCAT(&todo, &finished);
	while ((j = STAILQ_FIRST(&todo)) != NULL) {
		STAILQ_REMOVE_HEAD(&todo, entry);
		j->done(j->arg);
		free(j);
	}
	event_free(notify_ev);
	close(notify_pipe[0]);
	close(notify_pipe[1]);
}
