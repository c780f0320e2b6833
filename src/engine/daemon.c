/* SPDX-License-Identifier: MIT */
/* omg daemon run: the engine in the foreground, from its configuration to its socket. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/daemon.h"
#include "engine/server.h"
#include "engine/store.h"
#include "fast/snapshot.h"
#include "ipc/sockpath.h"
#include "util/config.h"
#include "util/xalloc.h"
#include "util/xdg.h"

/* The exit statuses daemon_run returns (omg(1)). */
enum { ST_OK = 0, ST_USAGE = 2, ST_ROOT = 4, ST_DB = 5 };

void daemon_apply_config(const struct config *c, struct server_opts *o)
{
	o->max_clients = c->max_clients;
	o->rate = c->rate;
	o->burst = c->burst;
	o->stall_seconds = c->stall_timeout;
	o->recheck_seconds = c->recheck_interval;
	o->frame_max = c->frame_max;
	o->out_max = c->out_max;
	o->cache_bytes = c->cache_size;
	o->cache_ttl = c->cache_ttl;
	o->lock_seconds = c->lock_timeout;
	o->question_seconds = c->question_timeout;
	o->plan_seconds = c->plan_timeout;
	o->snapshot_seconds = c->snapshot_interval;
	o->check_seconds = c->check_interval;
	o->config = c;
	o->block_severity = c->block_severity;
	snprintf(o->deny, sizeof(o->deny), "%s", c->deny);
	o->require_signatures = c->require_signatures;
	o->override_admin = c->override_admin;
	o->admin_gid = (gid_t)-1;
	o->admin_group = NULL;
	if (c->admin_group[0]) {
		struct group *g = getgrnam(c->admin_group);
		if (g) {
			o->admin_gid = g->gr_gid;
			o->admin_group = c->admin_group;
		}
	}
}

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
	daemon_apply_config(&r->cfg, o);
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

/* Reports a failure to start: on stderr, and to the client waiting on the ready fd. */
static int fail_start(int *ready_fd, int status, const char *msg)
{
	fprintf(stderr, "omg: %s\n", msg);
	if (*ready_fd >= 0) {
		dprintf(*ready_fd, "err %d %s\n", status, msg);
		close(*ready_fd);
		*ready_fd = -1;
	}
	return status;
}

/* Where a system engine keeps its store, history and audit log: /var/lib/omg
 * for the real system, ROOT/var/lib/omg for another root (as pacman keeps a
 * root's state inside it). NULL in user mode (the XDG data directory).
 * Caller frees. */
static char *system_data_dir(const struct embed_daemon_args *a)
{
	if (!a->system)
		return NULL;
	char real[PATH_MAX];
	if (!a->root || !realpath(a->root, real) || strcmp(real, "/") == 0)
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
static int snapshot_path(const char *root, int system, char *out, size_t len)
{
	char err[512];
	int rc = system ? snap_path_system(root, out, len) : snap_path_user(root, out, len);
	if (rc != 0) {
		snprintf(err, sizeof(err), "the snapshot path for %s is too long", root);
	} else if (!system) {
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

/* The socket to listen on when none was given: the mode's default for the
 * root (and backend) into path. 0, or an exit status after reporting why. */
static int default_socket(const struct embed_daemon_args *a, int *ready_fd, char *path,
			  size_t len)
{
	char err[1024], real[PATH_MAX], key[PATH_MAX + 64];
	if (sockpath_key(a->root, a->backend, real, sizeof(real), key, sizeof(key), err,
			 sizeof(err)) != 0)
		return fail_start(ready_fd, ST_ROOT, err);
	int rc = a->system ? sockpath_system(key, path, len, err, sizeof(err))
			   : sockpath_user(key, path, len, err, sizeof(err));
	return rc != 0 ? fail_start(ready_fd, ST_ROOT, err) : 0;
}

int daemon_run(const struct embed_daemon_args *a)
{
	char err[1024], path[4096];
	int ready_fd = a->ready_fd;
	if (a->system && geteuid() != 0)
		return fail_start(&ready_fd, ST_USAGE,
				  "daemon --system needs root (try: sudo omg daemon --system)");
	struct reload_ctx r = {NULL, {0}, a->system, a->idle_set, a->idle};
	r.path = a->config ? xstrdup(a->config) : config_path(a->system);
	if (config_load(&r.cfg, r.path, err, sizeof(err)) != 0) {
		free(r.path);
		return fail_start(&ready_fd, ST_USAGE, err);
	}
	const char *no_store = getenv("OMG_NO_STORE");
	char *data_dir = system_data_dir(a);
	struct engine_opts eo = {a->root, a->backend, !(no_store && *no_store), data_dir, 1};
	int status, rc = 0;
	struct engine *e = engine_open(&eo, err, sizeof(err), &status);
	if (!e) {
		free(r.path);
		free(data_dir);
		return fail_start(&ready_fd, status ? status : ST_DB, err);
	}
	if (!data_dir)
		data_dir = store_default_dir();
	raise_nofile();
	struct server_opts o;
	server_defaults(&o);
	apply(&r, &o);
	o.system = a->system;
	o.listen_fd = activated_fd();
	o.reload = reload;
	o.reload_ctx = &r;
	o.socket = a->socket;
	o.data_dir = data_dir;
	if (!o.socket && o.listen_fd < 0) {
		if ((rc = default_socket(a, &ready_fd, path, sizeof(path))) != 0)
			goto out;
		o.socket = path;
	}
	o.ready_fd = ready_fd;
	char snap[PATH_MAX + 64];
	if (snapshot_path(engine_root(e), a->system, snap, sizeof(snap)) == 0) {
		o.snapshot = snap;
		o.snapshot_shared = a->system;
	}
	rc = server_run(e, &o, err, sizeof(err));
	ready_fd = -1; /* the server closed it */
	if (rc != 0)
		rc = fail_start(&ready_fd, ST_ROOT, err);
out:
	engine_close(e);
	free(r.path);
	free(data_dir);
	/* The last line an engine writes: what follows is the C runtime's exit (and,
	 * in a sanitizer build, its leak check). */
	fprintf(stderr, "omgd: stopped\n");
	return rc;
}
