/* SPDX-License-Identifier: MIT */
/* omg daemon [run|start|stop|status]: the engine in the foreground, and its control. */
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
#include "engine/config.h"
#include "engine/server.h"
#include "engine/service.h"
#include "engine/store.h"
#include "fast/snapshot.h"
#include "ipc/sockpath.h"
#include "util/xalloc.h"
#include "util/xdg.h"

/* What SIGHUP needs to read the configuration again. */
struct reload_ctx {
	char *path;
	struct config cfg; /* admin_group in server_opts points here */
	int system, idle_set;
	unsigned idle;
};

/* Applies cfg and the command line to o. */
static void apply(const struct reload_ctx *r, struct server_opts *o)
{
	config_apply(&r->cfg, o);
	/* --idle wins; a system engine runs until stopped unless told otherwise. */
	o->idle_seconds = r->idle_set ? r->idle : r->system ? 0 : r->cfg.idle_timeout;
}

/* server_opts.reload: SIGHUP. */
static int reload(void *ctx, struct server_opts *o)
{
	struct reload_ctx *r = ctx;
	struct config cfg;
	char err[512];
	if (config_load(&cfg, r->path, err, sizeof(err)) != 0) {
		fprintf(stderr, "omgd: SIGHUP: %s; keeping the current configuration\n", err);
		return -1;
	}
	r->cfg = cfg;
	apply(r, o);
	return 0;
}

/* Reports a failure to start: on stderr, and to the client waiting on --ready-fd. */
static int fail_start(struct cli *c, int status, const char *msg)
{
	fprintf(stderr, "omg: %s\n", msg);
	if (c->ready_fd >= 0) {
		dprintf(c->ready_fd, "err %d %s\n", status, msg);
		close(c->ready_fd);
		c->ready_fd = -1;
	}
	return status;
}

/* Where a system engine keeps its store, history and audit log: /var/lib/omg
 * for the real system, ROOT/var/lib/omg for another root (as pacman keeps a
 * root's state inside it). NULL in user mode (the XDG data directory).
 * Caller frees. */
static char *system_data_dir(const struct cli *c)
{
	if (!c->system)
		return NULL;
	char real[PATH_MAX];
	if (!c->root || !realpath(c->root, real) || strcmp(real, "/") == 0)
		return xstrdup(OMG_SYSTEM_STATE_DIR);
	return xasprintf("%s%s", real, OMG_SYSTEM_STATE_DIR);
}

/* An inherited listening socket (systemd socket activation), or -1. */
static int activated_fd(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	if (!pid || !fds || atol(pid) != (long)getpid() || atoi(fds) < 1)
		return -1;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return 3; /* SD_LISTEN_FDS_START */
}

/* Raises the soft limit on open files to the hard one: every client is a
 * descriptor, and the default soft limit (1024) is below max_clients plus
 * what the engine itself holds. */
static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * Where the engine keeps its status snapshot (docs/snapshot.md), with its
 * directory ready: the user's private runtime directory, or in system mode
 * the state directory, opened to every user for reading (its history and
 * audit log keep their own 0700 directories). 0, or -1 after saying why:
 * the engine then runs without one.
 */
static int snapshot_path(struct cli *c, char *out, size_t len)
{
	char err[512];
	const char *root = engine_root(c->engine);
	int rc = c->system ? snap_path_system(root, out, len) : snap_path_user(root, out, len);
	if (rc != 0) {
		snprintf(err, sizeof(err), "the snapshot path for %s is too long", root);
	} else if (!c->system) {
		rc = sockpath_check_dir(out, 0, err, sizeof(err));
	} else {
		char *dir = xstrdup(out);
		*strrchr(dir, '/') = '\0';
		struct stat st;
		if (xdg_mkdirs(dir) != 0 || stat(dir, &st) != 0 ||
		    (st.st_uid == geteuid() && (st.st_mode & 0755) != 0755 &&
		     chmod(dir, (st.st_mode & 07777) | 0755) != 0)) {
			snprintf(err, sizeof(err), "cannot prepare %s: %s", dir, strerror(errno));
			rc = -1;
		}
		free(dir);
	}
	if (rc != 0)
		fprintf(stderr, "omgd: no status snapshot: %s\n", err);
	return rc;
}

/* omg daemon [run]: the engine in the foreground. */
static int run(struct cli *c)
{
	char err[1024], path[4096];
	if (c->system && geteuid() != 0)
		return fail_start(c, EXIT_USAGE,
				  "daemon --system needs root (try: sudo omg daemon --system)");
	struct reload_ctx r = {NULL, {0}, c->system, c->idle_set, c->idle};
	r.path = c->config ? xstrdup(c->config) : config_path(c->system);
	if (config_load(&r.cfg, r.path, err, sizeof(err)) != 0) {
		free(r.path);
		return fail_start(c, EXIT_USAGE, err);
	}
	const char *no_store = getenv("OMG_NO_STORE");
	char *data_dir = system_data_dir(c);
	struct engine_opts eo = {c->root, c->backend, !(no_store && *no_store), data_dir, 1};
	int status;
	c->engine = engine_open(&eo, err, sizeof(err), &status);
	if (!c->engine) {
		free(r.path);
		free(data_dir);
		return fail_start(c, status ? status : EXIT_DB, err);
	}
	if (!data_dir)
		data_dir = store_default_dir();
	raise_nofile();
	struct server_opts o;
	server_defaults(&o);
	apply(&r, &o);
	o.system = c->system;
	o.listen_fd = activated_fd();
	o.ready_fd = c->ready_fd;
	o.reload = reload;
	o.reload_ctx = &r;
	o.socket = c->socket;
	o.data_dir = data_dir;
	if (!o.socket && o.listen_fd < 0) {
		char real[PATH_MAX];
		int rc = 0;
		if (c->system) {
			const char *root = engine_root(c->engine);
			char *key = c->backend ? xasprintf("%s\n%s", root, c->backend) : xstrdup(root);
			if (sockpath_system(key, path, sizeof(path), err, sizeof(err)) != 0)
				rc = fail_start(c, EXIT_ROOT, err);
			free(key);
		} else {
			rc = cli_user_socket(c, path, sizeof(path), real, sizeof(real));
		}
		if (rc) {
			free(r.path);
			free(data_dir);
			return rc;
		}
		o.socket = path;
	}
	char snap[PATH_MAX + 64];
	if (snapshot_path(c, snap, sizeof(snap)) == 0) {
		o.snapshot = snap;
		o.snapshot_shared = c->system;
	}
	int rc = server_run(c->engine, &o, err, sizeof(err));
	c->ready_fd = -1; /* the server closed it */
	free(r.path);
	free(data_dir);
	if (rc != 0)
		return fail_start(c, EXIT_ROOT, err);
	return EXIT_OK;
}

/* omg daemon start: the engine for the root, started if none runs. */
static int start(struct cli *c)
{
	char path[4096];
	int rc = cli_connect(c, 1, path, sizeof(path));
	if (rc)
		return rc == 1 ? EXIT_ROOT : rc;
	printf("omg: engine for %s (%s) serving %s, pid %u\n", c->client->engine.root,
	       c->client->engine.backend, path, (unsigned)c->client->engine.pid);
	return EXIT_OK;
}

/* The pid of the process listening at the other end of fd, or -1. */
static pid_t peer_pid(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 ? cred.pid : -1;
}

/* Stops the engine c->client is connected to and waits for it to go. */
static int stop_connected(struct cli *c, const char *path)
{
	pid_t pid = peer_pid(c->client->fd);
	client_close(c->client);
	free(c->client);
	c->client = NULL;
	if (pid <= 0 || kill(pid, SIGTERM) != 0) {
		fprintf(stderr, "omg: cannot stop the engine at %s (pid %d): %s\n", path, (int)pid,
			strerror(errno));
		return EXIT_ROOT;
	}
	/* It removes its socket as it exits; a stop waits for that. */
	for (int i = 0; i < 1000 && kill(pid, 0) == 0; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (kill(pid, 0) == 0) {
		fprintf(stderr, "omg: the engine (pid %d) has not exited after 10 s\n", (int)pid);
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
		int rc = cli_connect(c, 0, path, sizeof(path));
		if (rc == 1) {
			printf("omg: no engine is running for %s\n", path);
			return EXIT_OK;
		}
		return rc ? rc : stop_connected(c, path);
	}
	/* Every engine in our socket directory. */
	char real[PATH_MAX];
	int rc = cli_user_socket(c, path, sizeof(path), real, sizeof(real));
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
		c->socket = sock;
		if (cli_connect(c, 0, used, sizeof(used)) == 0) {
			found = 1;
			int r = stop_connected(c, used);
			if (r)
				worst = r;
		}
		c->socket = NULL;
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
	int rc = cli_connect(c, 0, path, sizeof(path));
	if (rc == 1) {
		if (c->json)
			buf_printf(&c->out, "{\"running\":false,\"socket\":\"%s\"}\n", path);
		else
			printf("omg: no engine is running for %s\n", path);
		return EXIT_NOMATCH;
	}
	if (rc)
		return rc;
	struct replies out;
	if ((rc = cli_ask_status(c, &out)) == 0)
		out_engine_status(c, path, &out.status);
	replies_free(&out);
	return rc;
}

int cmd_daemon(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : "run";
	if (argc > 1) {
		fprintf(stderr, "omg: daemon takes one of run, start, stop, status\n");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "run") == 0) {
		const char *path = c->socket;
		int rc = run(c);
		c->socket = path;
		return rc;
	}
	if (c->system || c->ready_fd >= 0 || c->config) {
		fprintf(stderr, "omg: --system, --config and --ready-fd apply to 'daemon run'\n");
		return EXIT_USAGE;
	}
	if (c->all && strcmp(sub, "stop") != 0) {
		fprintf(stderr, "omg: --all applies to 'daemon stop'\n");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "start") == 0)
		return start(c);
	if (strcmp(sub, "stop") == 0)
		return stop(c);
	if (strcmp(sub, "status") == 0)
		return status(c);
	fprintf(stderr, "omg: unknown daemon command '%s' (run, start, stop, status)\n", sub);
	return EXIT_USAGE;
}
