/* SPDX-License-Identifier: MIT */
/* Race-free engine start: connect, lock, connect again, spawn detached, wait for "ok". */
#include "ipc/autostart.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/xalloc.h"

#define LOG_KEEP (1 << 20) /* bytes of engine log kept before it is rotated */

/* Whole milliseconds on the monotonic clock. */
static long long now_ms(void)
{
	return (long long)clock_ms();
}

/* Takes an exclusive lock on path, waiting up to deadline. The fd, or -1. */
static int take_lock(const char *path, long long deadline, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open the start lock %s: %s", path, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(err, errlen, "cannot lock %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (now_ms() > deadline) {
			snprintf(err, errlen, "timed out waiting for another client starting the engine "
					      "(lock %s)", path);
			close(fd);
			return -1;
		}
		usleep(10000);
	}
	return fd;
}

/* In the child: detaches and execs the engine; never returns. */
static void exec_engine(const struct autostart *a, int ready)
{
	if (fork() != 0)
		_exit(0); /* the grandchild is adopted: no zombie is left to the client */
	setsid();
	struct stat st;
	if (a->log && stat(a->log, &st) == 0 && st.st_size > LOG_KEEP) {
		/* One generation of history is enough for a log nobody rotates. */
		char *old = xasprintf("%s.old", a->log);
		rename(a->log, old);
		free(old);
	}
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int log = a->log ? open(a->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(log >= 0 ? log : null, STDOUT_FILENO);
	dup2(log >= 0 ? log : null, STDERR_FILENO);
	/* Nothing of the client's but the pipe: a caller reading our output
	 * (a shell's $(omg ...)) must see EOF when the client exits. */
	if (ready > 3)
		close_range(3, (unsigned)ready - 1, 0);
	close_range((unsigned)ready + 1, ~0u, 0);
	size_t n = 0;
	while (a->argv[n])
		n++;
	const char **argv = xcalloc(n + 2, sizeof(*argv));
	memcpy(argv, a->argv, n * sizeof(*argv));
	argv[n] = xasprintf("--ready-fd=%d", ready);
	execv(argv[0], (char *const *)argv);
	fprintf(stderr, "omg: cannot run %s: %s\n", argv[0], strerror(errno));
	dprintf(ready, "err 6 cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Starts the engine and waits for its report. 0, or -1 with err and *status. */
static int spawn(const struct autostart *a, long long deadline, char *err, size_t errlen,
		 int *status)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "cannot start the engine: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot start the engine: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		fcntl(p[1], F_SETFD, 0); /* the engine inherits the write end */
		exec_engine(a, p[1]);
	}
	close(p[1]);
	waitpid(pid, NULL, 0);
	char line[1024];
	size_t len = 0;
	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd pf = {p[0], POLLIN, 0};
		int r = left > 0 ? poll(&pf, 1, (int)left) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(err, errlen, "the engine did not start within %u s (see %s)",
				 a->timeout_s, a->log ? a->log : "its log");
			close(p[0]);
			return -1;
		}
		ssize_t n = read(p[0], line + len, sizeof(line) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (len += (size_t)n) >= sizeof(line) - 1 || memchr(line, '\n', len))
			break;
	}
	close(p[0]);
	line[len] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (strcmp(line, "ok") == 0)
		return 0;
	int code = 0, off = 0;
	if (sscanf(line, "err %d %n", &code, &off) == 1 && off > 0) {
		snprintf(err, errlen, "%s", line + off);
		*status = code;
		return -1;
	}
	snprintf(err, errlen, "the engine exited while starting (see %s)",
		 a->log ? a->log : "its log");
	return -1;
}

int autostart_open(struct client *cl, const struct autostart *a, char *err, size_t errlen,
		   int *status)
{
	*status = 0;
	int rc = client_open(cl, a->socket, a->client_name, err, errlen);
	if (rc != -2)
		return rc == 0 ? 0 : -1;
	long long deadline = now_ms() + (long long)a->timeout_s * 1000;
	char *lock = xasprintf("%s.lock", a->socket);
	int lfd = take_lock(lock, deadline, err, errlen);
	free(lock);
	if (lfd < 0)
		return -1;
	rc = client_open(cl, a->socket, a->client_name, err, errlen);
	if (rc == -2) {
		rc = spawn(a, deadline, err, errlen, status);
		if (rc == 0)
			rc = client_open(cl, a->socket, a->client_name, err, errlen);
	}
	close(lfd); /* releases the lock */
	return rc == 0 ? 0 : -1;
}
