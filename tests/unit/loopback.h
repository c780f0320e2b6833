/* SPDX-License-Identifier: MIT */
/* A loopback test server (tests/fixtures/httpd.py or aurd.py) run as a unit test's child, and
 * its request log. Include after cmocka.h. */
#ifndef OMG_TESTS_UNIT_LOOPBACK_H
#define OMG_TESTS_UNIT_LOOPBACK_H

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* One server child: its pid, the write end of its stdin (closing it stops the server
 * even if the test dies first) and its port. */
struct loopback {
	pid_t pid;
	int stdin_fd;
	int port;
};

/*
 * Starts `python3 script args...` (args NULL-terminated) and reads the port it prints
 * on its first line; 0, or -1 with why. Run from the source tree: script is relative.
 */
static inline int loopback_start(struct loopback *s, const char *script,
				 const char *const args[], char *why, size_t whylen)
{
	int in[2], out[2];
	if (access(script, R_OK) != 0) {
		snprintf(why, whylen, "%s: %s (run the test from the source tree)", script,
			 strerror(errno));
		return -1;
	}
	/* Close-on-exec: another child (a second server, openssl) must not hold this
	 * server's stdin open, or closing ours would not stop it. */
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	/* Debian's python3, as the other tests use; the one on PATH otherwise. */
	const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
	const char *argv[32];
	size_t n = 0;
	argv[n++] = py;
	argv[n++] = script;
	for (size_t i = 0; args[i] && n < sizeof(argv) / sizeof(argv[0]) - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execvp(py, (char *const *)argv); /* execvp's old prototype */
		fprintf(stderr, "exec %s: %s\n", py, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s->pid = pid;
	s->stdin_fd = in[1];
	/* The first line is the port; wait for it, not for a fixed time. */
	char line[32] = "";
	size_t len = 0;
	struct pollfd pfd = {.fd = out[0], .events = POLLIN};
	while (!memchr(line, '\n', len) && len < sizeof(line) - 1) {
		if (poll(&pfd, 1, 10000) <= 0)
			break;
		ssize_t r = read(out[0], line + len, sizeof(line) - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	line[len] = '\0';
	close(out[0]);
	s->port = atoi(line);
	if (s->port <= 0) {
		snprintf(why, whylen, "%s %s printed no port (%s)", py, script,
			 len ? line : "nothing; see its stderr above");
		return -1;
	}
	return 0;
}

static inline void loopback_stop(struct loopback *s)
{
	if (s->pid <= 0)
		return;
	close(s->stdin_fd);
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	s->pid = 0;
}

/* The records of the server's log (one JSON object a line) whose "path" is path (all of
 * them when path is NULL), oldest first; caller frees with cJSON_Delete. The servers
 * write each record before they answer, so a request that returned has its line. */
static inline cJSON *loopback_requests(const char *log, const char *path)
{
	FILE *f = fopen(log, "r");
	assert_non_null(f);
	cJSON *out = cJSON_CreateArray();
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		cJSON *rec = cJSON_Parse(line);
		assert_non_null(rec);
		cJSON *p = cJSON_GetObjectItem(rec, "path");
		if (!path || (cJSON_IsString(p) && strcmp(p->valuestring, path) == 0))
			cJSON_AddItemToArray(out, rec);
		else
			cJSON_Delete(rec);
	}
	free(line);
	fclose(f);
	return out;
}

#endif
