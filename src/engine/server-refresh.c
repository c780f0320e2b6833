/* SPDX-License-Identifier: MIT */
/* The server's view of the databases: index reloads on inotify or recheck, the status snapshot, and the private look for updates. */
#include "engine/server-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "engine/cache.h"
#include "engine/index.h"
#include "util/fdio.h"
#include "util/hash.h"
#include "util/thread.h"
#include "util/xalloc.h"

/* Non-zero while a database change has not reached the index. */
int server_refresh_stale(const struct server *s)
{
	return s->index_seq < s->event_seq;
}

/* Queues a status event (the subscription's id) to the subscribed connection c. */
void server_refresh_status_event(struct server *s, struct conn *c)
{
	struct service_env env;
	server_env(s, &env);
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_EVENT_STATUS;
	m.h.id = c->sub_id;
	service_status(s->e, &env, &m.u.status);
	server_client_queue(c, &m);
	free((void *)m.u.status.warnings.v);
}

/* Rewrites the snapshot file from the current status (stopped: the engine is
 * exiting; its figures stay good while the witnesses hold). A failure is
 * logged once per reason (s->snap_error owns it). */
void server_refresh_snapshot(struct server *s, int stopped)
{
	if (!s->o.snapshot || !s->have_wit)
		return;
	struct service_env env;
	server_env(s, &env);
	struct msg_status_reply st;
	service_status(s->e, &env, &st);
	uint32_t flags = (s->o.system ? SNAP_SYSTEM : 0) | (stopped ? SNAP_STOPPED : 0) |
			 (s->txn && s->committed ? SNAP_TRANSACTION : 0);
	struct snap snap;
	status_snap(&st, &s->wit, flags, s->o.snapshot_seconds, &snap);
	char err[512];
	if (status_write(s->o.snapshot, &snap, s->o.snapshot_shared, err, sizeof(err)) != 0) {
		if (!s->snap_error || strcmp(s->snap_error, err) != 0)
			fprintf(stderr, "omgd: status snapshot: %s\n", err);
		free(s->snap_error);
		s->snap_error = xstrdup(err);
	} else if (s->snap_error) {
		free(s->snap_error);
		s->snap_error = NULL;
	}
	s->snap_last = server_now();
	free((void *)st.warnings.v);
}

/* engine_watch_dirs callback: watches one directory (a missing one is
 * caught by the periodic check instead). */
static void add_watch(void *ctx, const char *dir)
{
	struct server *s = ctx;
	inotify_add_watch(s->inofd, dir,
			  IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
				  IN_ATTRIB | IN_ONLYDIR);
}

/* Wakes the loop through an eventfd (a full counter already wakes it). */
static void signal_fd(int fd)
{
	uint64_t one = 1;
	(void)fd_write_all(fd, &one, sizeof(one));
}

/* The refresh thread: builds the next index (into s->r_update) while the
 * loop serves the current one. */
static void *refresh_main(void *arg)
{
	struct server *s = arg;
	/* Witnesses first: a change while the index is read makes them disagree. */
	witnesses_take(engine_backend(s->e), engine_root(s->e), &s->r_wit);
	s->r_rc = engine_refresh(s->e, 0, &s->r_update, s->r_err, sizeof(s->r_err));
	signal_fd(s->donefd);
	return NULL;
}

/* Watches the database directories, and prepares the private look for
 * updates (s->c_root and s->c_dir, owned) when the backend has one and a
 * data directory is there to keep its copy of the sync databases. */
void server_refresh_setup(struct server *s)
{
	engine_watch_dirs(s->e, add_watch, s);
	char err[512];
	const struct backend_ops *ops = backend_module(engine_backend(s->e), err, sizeof(err));
	if (!ops || !ops->check_updates || !s->o.data_dir)
		return;
	const char *root = engine_root(s->e);
	s->c_ops = ops;
	s->c_root = xstrdup(root);
	s->c_dir = xasprintf("%s/checkupdates-%016llx", s->o.data_dir,
			     (unsigned long long)hash_fnv1a(root, strlen(root)));
}

/* The look-for-updates thread: the backend refreshes its private copy of the
 * sync databases and counts (into s->c_counts). */
static void *check_main(void *arg)
{
	struct server *s = arg;
	s->c_rc = s->c_ops->check_updates(s->c_root, s->c_dir, &s->c_counts, s->c_err,
					  sizeof(s->c_err));
	signal_fd(s->checkfd);
	return NULL;
}

/* Starts a look for updates (alpm, check_seconds > 0) unless one runs; then
 * it runs again when this one ends. */
static void start_check(struct server *s)
{
	if (!s->c_ops || !s->o.check_seconds)
		return;
	if (s->checking) {
		s->check_again = 1;
		return;
	}
	s->check_again = 0;
	s->c_started = server_now();
	int rc = thread_start(&s->c_thread, check_main, s);
	if (rc != 0)
		fprintf(stderr, "omgd: cannot look for updates: %s\n", strerror(rc));
	else
		s->checking = 1;
}

/* The look for updates ended (checkfd drained, thread joined): its figures
 * stand in s->check until the databases change. */
void server_refresh_check_done(struct server *s)
{
	uint64_t v;
	while (read(s->checkfd, &v, sizeof(v)) > 0) {
	}
	if (!s->checking)
		return;
	pthread_join(s->c_thread, NULL);
	s->checking = 0;
	if (s->c_rc == 0) {
		s->check.checked = (uint64_t)time(NULL);
		s->check.upgradable = s->c_counts.upgradable;
		s->check.held = s->c_counts.held;
		free((void *)s->check.error);
		s->check.error = NULL;
	} else {
		/* Keep the last figures; say why this one failed, once per reason. */
		if (!s->check.error || strcmp(s->check.error, s->c_err) != 0)
			fprintf(stderr, "omgd: looking for updates failed: %s\n", s->c_err);
		free((void *)s->check.error);
		s->check.error = xstrdup(s->c_err);
	}
	if (s->check_again)
		start_check(s);
	server_refresh_snapshot(s, 0);
}

/* Starts a refresh thread unless one runs (its end starts another if needed). */
void server_refresh_start(struct server *s)
{
	/* One at a time; none while a transaction has the backend (libapt-pkg
	 * allows one user per process): the transaction's end starts one. */
	if (s->refreshing || s->txn)
		return;
	s->refresh_seq = s->event_seq;
	s->last_check = server_now();
	int rc = thread_start(&s->thread, refresh_main, s);
	if (rc != 0) {
		fprintf(stderr, "omgd: cannot start a refresh: %s\n", strerror(rc));
		s->index_seq = s->refresh_seq; /* serve what we have */
		return;
	}
	s->refreshing = 1;
}

void server_refresh_notify(struct server *s)
{
	for (struct conn *c = s->conns, *next; c; c = next) {
		next = c->next;
		if (c->sub_id && (c->sub_what & 1) && !c->closing && !c->dead) {
			server_refresh_status_event(s, c);
			server_client_flush(s, c);
		}
	}
}

/* The refresh thread ended (donefd drained, thread joined): swap its index
 * in (the engine takes s->r_update), or keep ours and say why; then held
 * requests and a pending transaction result go on. */
void server_refresh_done(struct server *s)
{
	uint64_t v;
	while (read(s->donefd, &v, sizeof(v)) > 0) {
	}
	if (!s->refreshing)
		return;
	pthread_join(s->thread, NULL);
	s->refreshing = 0;
	if (s->r_rc > 0) {
		engine_apply(s->e, s->r_update);
		s->r_update = NULL;
		server_security_sync(s); /* the join borrowed the old index */
		s->index_time = time(NULL);
		cache_clear(s->cache);
		free(s->reload_error);
		s->reload_error = NULL;
		fprintf(stderr, "omgd: databases changed: index generation %llu, %zu packages\n",
			(unsigned long long)engine_generation(s->e), index_count(engine_index(s->e)));
		server_refresh_notify(s);
	} else if (s->r_rc < 0) {
		free(s->reload_error);
		s->reload_error = xasprintf("the package databases changed but could not be "
					    "loaded (%s); answers come from index generation %llu",
					    s->r_err, (unsigned long long)engine_generation(s->e));
		fprintf(stderr, "omgd: %s\n", s->reload_error);
		cache_clear(s->cache); /* replies now carry the warning */
	}
	s->index_seq = s->refresh_seq;
	if (s->r_rc >= 0) {
		/* The index served now reflects the databases as of these witnesses. */
		witnesses_move(&s->wit, &s->r_wit);
		s->have_wit = 1;
		if (s->r_rc > 0 || !s->c_started) {
			/* A private look predates the change: the index's figures stand
			 * until the next look, which starts from the new databases. */
			s->check.checked = 0;
			start_check(s);
		}
		server_refresh_snapshot(s, 0);
	}
	witnesses_free(&s->r_wit);
	engine_watch_dirs(s->e, add_watch, s); /* directories created since */
	if (server_refresh_stale(s))
		server_refresh_start(s);
	else
		server_client_release_held(s);
	if (!s->refreshing)
		server_txn_deliver_result(s);
}

/* Reads pending inotify events; any event may change the fingerprint, so
 * any starts a refresh. */
void server_refresh_drain_inotify(struct server *s)
{
	char ev[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	int any = 0;
	while (read(s->inofd, ev, sizeof(ev)) > 0)
		any = 1;
	if (any) {
		s->event_seq++;
		server_refresh_start(s);
	}
}

/* The timer at t: a refresh without an inotify event every recheck_seconds,
 * a look for updates every check_seconds, the snapshot heartbeat. */
void server_refresh_tick(struct server *s, double t)
{
	if (s->o.recheck_seconds && !s->refreshing && t - s->last_check > s->o.recheck_seconds)
		server_refresh_start(s);
	if (s->c_ops && s->o.check_seconds && !s->checking && t - s->c_started >= s->o.check_seconds)
		start_check(s);
	server_security_tick(s);
	if (s->o.snapshot && t - s->snap_last >= s->o.snapshot_seconds)
		server_refresh_snapshot(s, 0); /* the heartbeat: readers judge age by it */
}

/* Exiting: waits for the refresh and look-for-updates threads, writes the
 * last snapshot (stopped) and frees what this part owns. */
void server_refresh_close(struct server *s)
{
	if (s->refreshing) {
		pthread_join(s->thread, NULL); /* a build ends in seconds; let it */
		engine_update_free(s->r_update);
		witnesses_free(&s->r_wit);
	}
	if (s->checking)
		pthread_join(s->c_thread, NULL); /* libalpm's downloads time out on their own */
	server_refresh_snapshot(s, 1);
	witnesses_free(&s->wit);
	free(s->snap_error);
	free(s->c_root);
	free(s->c_dir);
	free((void *)s->check.error);
	free(s->reload_error);
}
