/* prompt.c: passwords: asked on the terminal without echoing them (a new
 * one twice), or read from standard input. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "callsheet.h"

#define PASSWORD_MAX      1024
#define PASSWORD_LINE_MAX 1024 /* from standard input */

static volatile sig_atomic_t caught;

static void
catch_signal(int sig)
{
	caught = sig;
}

/* Read one line from fd; a signal ends the read early. */
static char *
read_line(int fd)
{
	char buf[PASSWORD_MAX], *line = NULL;
	size_t len = 0;
	ssize_t n;
	char ch;

	while ((n = read(fd, &ch, 1)) == 1 && ch != '\n' && ch != '\r') {
		if (len < sizeof buf - 1)
			buf[len++] = ch;
	}
	if (n == 1 || (n == 0 && len > 0))
		line = xstrndup(buf, len);
	explicit_bzero(buf, sizeof buf);
	return line;
}

/*
 * Echo goes off only for the read; a signal that arrives meanwhile puts
 * the terminal back before it takes effect (as readpassphrase(3) does).
 * NULL with errno set if there is no terminal or the read failed.
 */
char *
prompt_password(const char *prompt)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGTSTP};
	struct sigaction sa = {0}, old[nitems(sigs)];
	struct termios saved, quiet;
	char *line;
	int fd, saved_errno;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1)
		return NULL;
	if (tcgetattr(fd, &saved) != 0) {
		saved_errno = errno;
		close(fd);
		errno = saved_errno;
		return NULL;
	}
	caught = 0;
	sa.sa_handler = catch_signal; /* no SA_RESTART: read() returns */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	(void)!write(fd, prompt, strlen(prompt));
	tcsetattr(fd, TCSAFLUSH, &quiet);
	errno = 0;
	line = read_line(fd);
	saved_errno = line == NULL ? (caught ? EINTR : errno) : 0;
	tcsetattr(fd, TCSAFLUSH, &saved);
	(void)!write(fd, "\n", 1);
	close(fd);
	for (size_t i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	if (caught != 0)
		raise(caught);
	errno = saved_errno;
	return line;
}

/* A password freed, its bytes cleared first. */
void
password_wipe(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* One line of standard input, without its newline; NULL (and said why)
 * if there is none. */
char *
password_from_stdin(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);

	if (n <= 0 || (size_t)n > PASSWORD_LINE_MAX + 1) {
		password_wipe(line);
		cli_error("%s", _("--password-stdin: expected one more line "
		                  "of standard input holding a password (at "
		                  "most 1024 characters)"));
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

/* Asked twice without echo; NULL (and said why) if that fails. */
char *
password_from_prompt(const char *name)
{
	char *prompt, *first, *again;

	prompt = xasprintf(_("New password for %s: "), name);
	first = prompt_password(prompt);
	free(prompt);
	if (first == NULL) {
		cli_error(_("cannot read a password from the terminal "
		            "(%s): use --password-stdin"),
		          errno != 0 ? strerror(errno) : _("end of input"));
		return NULL;
	}
	again = prompt_password(_("Again: "));
	if (again == NULL || strcmp(first, again) != 0) {
		cli_error("%s", _("the two passwords differ; nothing "
		                  "changed"));
		password_wipe(first);
		password_wipe(again);
		return NULL;
	}
	password_wipe(again);
	return first;
}
