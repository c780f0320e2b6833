/* SPDX-License-Identifier: MIT */
/* The engine's socket server: setup, the one epoll loop dispatching to its parts (server-*.c), and teardown. */
#include "engine/server.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "engine/audit.h"
#include "engine/aur/svc.h"
#include "engine/cache.h"
#include "engine/daemon.h"
#include "engine/server-int.h"
#include "engine/txn.h"
#include "ipc/sockpath.h"
#include "util/fdio.h"

/* Tags for the fds that are not connections. */
static char tag_listen, tag_signal, tag_timer, tag_inotify, tag_done, tag_txn, tag_check, tag_sec,
	tag_aur;

/* Fills o with the defaults documented in omgd(8). */
void server_defaults(struct server_opts *o)
{
	struct config c;
	config_defaults(&c); /* the numbers live there, once */
	memset(o, 0, sizeof(*o));
	daemon_apply_config(&c, o);
	o->listen_fd = -1;
	o->ready_fd = -1;
	o->admin_gid = (gid_t)-1;
	o->admin_group = NULL;
	o->idle_seconds = 0;
}

/* What the service reports about this server into env (borrowing from s;
 * the running transaction is described into s->describe). */
void server_env(struct server *s, struct service_env *env)
{
	struct cache_stats cs;
	cache_get_stats(s->cache, &cs);
	memset(env, 0, sizeof(*env));
	env->frame_max = s->o.frame_max;
	env->mode = s->o.system ? "system" : "user";
	env->started = (uint64_t)s->started;
	env->index_time = (uint64_t)s->index_time;
	env->clients = s->nconns;
	env->requests = s->requests;
	env->cache_hits = cs.hits;
	env->cache_misses = cs.misses;
	env->warning = s->reload_error;
	env->audit_dir = s->audit ? audit_path(s->audit) : NULL;
	env->check = &s->check;
	env->snapshot = s->o.snapshot;
	server_security_sync(s);
	env->security = s->sec;
	env->aur = s->aur;
	env->aur_foreign = s->aur_foreign;
	if (s->aur_foreign && aur_foreign_error(s->aur_foreign)[0])
		env->aur_note = aur_foreign_error(s->aur_foreign);
	if (s->txn) {
		txn_describe(s->txn, s->describe, sizeof(s->describe));
		env->transaction = s->describe;
	}
}

/* Binds the socket (the fd is the caller's), replacing a stale one left by a
 * dead engine. The fd, or -1 with one line in err. */
static int listen_on(const struct server_opts *o, char *err, size_t errlen)
{
	const char *path = o->socket;
	if (sockpath_check_dir(path, o->system, err, errlen) != 0)
		return -1;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a socket: %s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (lstat(path, &st) == 0) {
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int alive = probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		if (probe >= 0)
			close(probe);
		if (alive) {
			snprintf(err, errlen, "an engine already serves %s", path);
			close(fd);
			return -1;
		}
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket", path);
			close(fd);
			return -1;
		}
		unlink(path); /* stale: its engine is gone */
	}
	/* User mode: only we may connect. System mode: everyone may connect;
	 * what they may do is decided per request from SO_PEERCRED. */
	mode_t old = umask(o->system ? 0111 : 0177);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0 || listen(fd, 4096) != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Adds fd to the epoll set under tag. */
static void watch_fd(struct server *s, int fd, void *tag)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = tag};
	epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* SIGHUP: reads the configuration again into s->o and applies what it can. */
static void reload_config(struct server *s)
{
	if (!s->o.reload) {
		fprintf(stderr, "omgd: SIGHUP: no configuration file to reload\n");
		return;
	}
	struct server_opts n = s->o;
	if (s->o.reload(s->o.reload_ctx, &n) != 0)
		return;
	/* Where it listens and in which mode cannot change under its clients. */
	n.socket = s->o.socket;
	n.listen_fd = s->o.listen_fd;
	n.system = s->o.system;
	n.ready_fd = -1;
	s->o = n;
	cache_configure(s->cache, s->o.cache_bytes, s->o.cache_ttl);
	fprintf(stderr, "omgd: configuration reloaded\n");
}

/* Reads the pending signals: SIGHUP reloads; SIGTERM and SIGINT stop, once
 * a running transaction lets them. */
static void on_signal(struct server *s)
{
	struct signalfd_siginfo si;
	while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			reload_config(s);
			continue;
		}
		if (server_txn_stop(s))
			s->stop = 1;
		fprintf(stderr, "omgd: %s from pid %u\n", strsignal((int)si.ssi_signo), si.ssi_pid);
	}
}

/* One pass over the timers: the clients', the refresh's, and the idle exit. */
static void on_tick(struct server *s)
{
	uint64_t ticks;
	while (read(s->timerfd, &ticks, sizeof(ticks)) == sizeof(ticks)) {
	}
	server_client_tick(s);
	double t = server_now();
	server_refresh_tick(s, t);
	if (s->o.idle_seconds && !s->nconns && !s->refreshing && !server_txn_busy(s) &&
	    t - s->last_activity > s->o.idle_seconds) {
		fprintf(stderr, "omgd: idle for %u s, exiting\n", s->o.idle_seconds);
		s->stop = 1;
	}
}

/* Blocks the signals the loop reads from its signalfd (into mask), ignores
 * SIGPIPE, and opens the listening socket and the loop's fds (all owned by
 * s until teardown). 0, or -1 with one line in err. */
static int open_fds(struct server *s, char *err, size_t errlen)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (s->o.listen_fd >= 0) {
		s->lfd = s->o.listen_fd;
		fcntl(s->lfd, F_SETFL, fcntl(s->lfd, F_GETFL) | O_NONBLOCK);
		fcntl(s->lfd, F_SETFD, FD_CLOEXEC);
	} else if ((s->lfd = listen_on(&s->o, err, errlen)) < 0) {
		return -1;
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	s->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	s->inofd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	s->donefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->txnfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->checkfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->secfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->epfd < 0 || s->sigfd < 0 || s->timerfd < 0 || s->inofd < 0 || s->donefd < 0 ||
	    s->txnfd < 0 || s->checkfd < 0 || s->secfd < 0) {
		snprintf(err, errlen, "cannot set up the event loop: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Everything before the loop: fds, the one-second tick, the watches, the
 * records, the cache, a first look at the databases, and the ready line.
 * 0, or -1 with one line in err (teardown frees what was made). */
static int setup(struct server *s, char *err, size_t errlen)
{
	if (open_fds(s, err, errlen) != 0)
		return -1;
	struct itimerspec tick = {{1, 0}, {1, 0}};
	timerfd_settime(s->timerfd, 0, &tick, NULL);
	watch_fd(s, s->lfd, &tag_listen);
	watch_fd(s, s->sigfd, &tag_signal);
	watch_fd(s, s->timerfd, &tag_timer);
	watch_fd(s, s->inofd, &tag_inotify);
	watch_fd(s, s->donefd, &tag_done);
	watch_fd(s, s->txnfd, &tag_txn);
	watch_fd(s, s->checkfd, &tag_check);
	watch_fd(s, s->secfd, &tag_sec);
	server_refresh_setup(s);
	server_security_open(s);
	server_aur_open(s);
	if (s->aur)
		watch_fd(s, s->aurfd, &tag_aur);
	server_txn_open(s);
	if (s->aur)
		aur_svc_set_audit(s->aur, s->audit); /* approvals and refusals are recorded */
	s->cache = cache_new(s->o.cache_bytes, s->o.cache_ttl);
	s->started = s->index_time = time(NULL);
	s->last_activity = s->last_check = server_now();
	/* A change between the engine's fingerprint and the watches: look once. */
	server_refresh_start(s);
	fprintf(stderr, "omgd: serving %s (%s) on %s, pid %d, %s mode\n", engine_root(s->e),
		engine_backend_name(s->e), s->o.socket ? s->o.socket : "an inherited socket",
		(int)getpid(), s->o.system ? "system" : "user");
	if (s->o.ready_fd >= 0) {
		(void)fd_write_all(s->o.ready_fd, "ok\n", 3);
		close(s->o.ready_fd);
	}
	return 0;
}

/* Hands one epoll event to the part that owns its fd. */
static void dispatch(struct server *s, const struct epoll_event *ev)
{
	void *tag = ev->data.ptr;
	if (tag == &tag_listen) {
		server_client_accept(s);
	} else if (tag == &tag_signal) {
		on_signal(s);
	} else if (tag == &tag_timer) {
		on_tick(s);
	} else if (tag == &tag_inotify) {
		/* drained before the batch */
	} else if (tag == &tag_done) {
		server_refresh_done(s);
	} else if (tag == &tag_txn) {
		server_txn_output(s);
	} else if (tag == &tag_check) {
		server_refresh_check_done(s);
	} else if (tag == &tag_sec) {
		server_security_done(s);
	} else if (tag == &tag_aur) {
		server_aur_done(s);
	} else {
		server_client_event(s, tag, ev->events);
	}
}

/* The loop: waits, takes database changes first, dispatches the batch, then
 * frees the connections it dropped; until a stop or an epoll error. */
static void serve(struct server *s)
{
	while (!s->stop) {
		struct epoll_event evs[64];
		int n = epoll_wait(s->epfd, evs, 64, -1);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "omgd: epoll_wait: %s\n", strerror(errno));
			break;
		}
		/* Changes first: a request that follows a change must see it. */
		server_refresh_drain_inotify(s);
		for (int i = 0; i < n && !s->stop; i++)
			dispatch(s, &evs[i]);
		server_client_reap(s);
	}
	fprintf(stderr, "omgd: exiting\n");
}

/* Ends what setup started, in order: the transaction, the threads and the
 * last snapshot, the clients, the socket (removed unless inherited), the
 * fds, the cache, the records. */
/* A step of the teardown that took more than a second says so in the log: a
 * stop that a client saw time out names where the engine waited. */
static void slow_step(double since, const char *what)
{
	double d = server_now() - since;
	if (d > 1.0)
		fprintf(stderr, "omgd: exiting: %s took %.1f s\n", what, d);
}

static void teardown(struct server *s)
{
	double t = server_now();
	server_txn_end(s);
	slow_step(t, "ending the transaction");
	t = server_now();
	server_refresh_close(s);
	slow_step(t, "the refresh threads and the last snapshot");
	t = server_now();
	server_security_close(s);
	slow_step(t, "the advisories' refresh");
	t = server_now();
	server_aur_close(s);
	slow_step(t, "the AUR's requests");
	t = server_now();
	while (s->conns)
		server_client_drop(s, s->conns);
	server_client_reap(s);
	if (s->lfd >= 0 && s->o.listen_fd < 0) {
		close(s->lfd);
		unlink(s->o.socket);
	}
	int fds[] = {s->epfd, s->sigfd, s->timerfd, s->inofd, s->donefd, s->txnfd, s->checkfd,
		     s->secfd};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	cache_free(s->cache);
	buf_free(&s->key);
	server_txn_close(s);
	slow_step(t, "closing the clients and the history");
}

/* Serves e on o's socket until a stop; see server.h. */
int server_run(struct engine *e, const struct server_opts *o, char *err, size_t errlen)
{
	struct server s = {.e = e, .o = *o, .epfd = -1, .lfd = -1, .sigfd = -1, .timerfd = -1,
			   .inofd = -1, .donefd = -1, .txnfd = -1, .checkfd = -1,
			   .secfd = -1, .aurfd = -1};
	int rc = -1;
	if (setup(&s, err, errlen) == 0) {
		rc = 0;
		serve(&s);
	}
	teardown(&s);
	return rc;
}
