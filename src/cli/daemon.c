/* SPDX-License-Identifier: MIT */
/* omg daemon [run|start|stop|status]: the engine in the foreground (the engine module), and its control. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/xalloc.h"

/* omg daemon [run]: the engine in the foreground, in this process (the engine module). */
static int run(struct cli *c)
{
	char err[PATH_MAX + 512];
	const struct embed_api *api = session_engine_module(&c->s, err, sizeof(err));
	if (!api) {
		report_error(&c->err, "%s", err);
		if (c->ready_fd >= 0)
			dprintf(c->ready_fd, "err %d %s\n", EXIT_MODULE, err);
		return EXIT_MODULE;
	}
	struct embed_daemon_args a = {c->s.root, c->s.backend, c->s.socket, c->config,
				      c->system, c->idle_set, c->idle, c->ready_fd};
	c->ready_fd = -1; /* the engine reports on it and closes it */
	return api->daemon_run(&a);
}

/* omg daemon start: the engine for the root, started if none runs. */
static int start(struct cli *c)
{
	char path[4096];
	int rc = session_connect(&c->s, 1, path, sizeof(path));
	if (rc)
		return rc;
	printf("omg: engine for %s (%s) serving %s, pid %u\n", c->s.client->engine.root,
	       c->s.client->engine.backend, path, (unsigned)c->s.client->engine.pid);
	return EXIT_OK;
}

/* The pid of the process listening at the other end of fd, or -1. */
static pid_t peer_pid(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 ? cred.pid : -1;
}

/* Whether pid still runs: it exists and is not a zombie waiting for its
 * parent (an engine we started is init's child, which may reap it late). */
static int running(pid_t pid)
{
	if (kill(pid, 0) != 0)
		return 0;
	char path[64], stat[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 1;
	size_t n = fread(stat, 1, sizeof(stat) - 1, f);
	fclose(f);
	stat[n] = '\0';
	const char *end = strrchr(stat, ')'); /* "pid (comm) S ...": comm may hold spaces */
	return !(end && end[1] == ' ' && end[2] == 'Z');
}

/* Stops the engine c->s.client is connected to and waits for it to go. */
static int stop_connected(struct cli *c, const char *path)
{
	pid_t pid = peer_pid(c->s.client->fd);
	client_close(c->s.client);
	free(c->s.client);
	c->s.client = NULL;
	if (pid <= 0 || kill(pid, SIGTERM) != 0) {
		report_error(&c->err, "cannot stop the engine at %s (pid %d): %s", path, (int)pid,
			strerror(errno));
		return EXIT_ROOT;
	}
	/* It removes its socket as it exits; a stop waits for that. Its last steps
	 * write the snapshot and the history with fsync, which a busy disk (a
	 * dpkg run just ended) can hold for seconds: up to 30 s. */
	for (int i = 0; i < 3000 && running(pid); i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (running(pid)) {
		report_error(&c->err, "the engine (pid %d) has not exited after 30 s", (int)pid);
		return EXIT_ROOT;
	}
	printf("omg: stopped the engine at %s (pid %d)\n", path, (int)pid);
	return EXIT_OK;
}

/* omg daemon stop [--all]. */
static int stop(struct cli *c)
{
	char path[4096];
	if (!c->all) {
		int rc = session_connect(&c->s, 0, path, sizeof(path));
		if (rc == 0 && !c->s.client) {
			printf("omg: no engine is running for %s\n", path);
			return EXIT_OK;
		}
		return rc ? rc : stop_connected(c, path);
	}
	/* Every engine in our socket directory. */
	char real[PATH_MAX];
	int rc = session_user_socket(&c->s, path, sizeof(path), real, sizeof(real));
	if (rc)
		return rc;
	*strrchr(path, '/') = '\0';
	DIR *d = opendir(path);
	if (!d)
		return EXIT_OK;
	struct dirent *de;
	int worst = EXIT_OK, found = 0;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".sock") != 0)
			continue;
		char *sock = xasprintf("%s/%s", path, de->d_name), used[4096];
		c->s.socket = sock;
		if (session_connect(&c->s, 0, used, sizeof(used)) == 0 && c->s.client) {
			found = 1;
			int r = stop_connected(c, used);
			if (r)
				worst = r;
		}
		c->s.socket = NULL;
		free(sock);
	}
	closedir(d);
	if (!found)
		printf("omg: no engine is running\n");
	return worst;
}

/* omg daemon status: the engine's facts, without starting one. */
static int status(struct cli *c)
{
	char path[4096];
	int rc = session_connect(&c->s, 0, path, sizeof(path));
	if (rc == 0 && !c->s.client) {
		if (c->out.json)
			buf_printf(&c->out.b, "{\"running\":false,\"socket\":\"%s\"}\n", path);
		else
			printf("omg: no engine is running for %s\n", path);
		return EXIT_NOMATCH;
	}
	if (rc)
		return rc;
	struct replies out;
	if ((rc = session_ask_status(&c->s, &out)) == 0)
		render_engine_status(&c->out, path, &out.status);
	replies_free(&out);
	return rc;
}

int cmd_daemon(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : "run";
	if (argc > 1) {
		report_error(&c->err, "daemon takes one of run, start, stop, status");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "run") == 0) {
		const char *path = c->s.socket;
		int rc = run(c);
		c->s.socket = path;
		return rc;
	}
	if (c->system || c->ready_fd >= 0 || c->config) {
		report_error(&c->err, "--system, --config and --ready-fd apply to 'daemon run'");
		return EXIT_USAGE;
	}
	if (c->all && strcmp(sub, "stop") != 0) {
		report_error(&c->err, "--all applies to 'daemon stop'");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "start") == 0)
		return start(c);
	if (strcmp(sub, "stop") == 0)
		return stop(c);
	if (strcmp(sub, "status") == 0)
		return status(c);
	report_error(&c->err, "unknown daemon command '%s' (run, start, stop, status)", sub);
	return EXIT_USAGE;
}
