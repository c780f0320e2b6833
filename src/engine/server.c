/* SPDX-License-Identifier: MIT */
/* Unix socket server: accept, peer credentials, handshake, requests, reloads, bounded output. */
#include "engine/server.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
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
#include <time.h>
#include <unistd.h>

#include "engine/audit.h"
#include "engine/cache.h"
#include "engine/history.h"
#include "engine/service.h"
#include "engine/status.h"
#include "engine/txn.h"
#include "ipc/codec.h"
#include "ipc/frame.h"
#include "ipc/sockpath.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/strpool.h"
#include "util/thread.h"
#include "util/xalloc.h"

struct conn {
	int fd;
	uid_t uid;
	pid_t pid;
	int hello;             /* handshake done */
	int closing;           /* close once the output is flushed */
	int held;              /* requests wait for the index to catch up */
	int want_out;          /* EPOLLOUT armed */
	struct frame_reader in;
	struct buf out;
	size_t out_off;        /* bytes of out already written */
	double tokens, last;   /* rate limit bucket */
	double stalled_since;  /* when output started waiting, 0 if not */
	uint32_t sub_id;       /* the subscribe request's id, 0 when not subscribed */
	uint32_t sub_what;
	uint32_t attach_id;    /* the attach request's id, 0 when not attached */
	double plan_wait;      /* when its plan started waiting for the running transaction */
	int dead;              /* dropped: freed once the current batch of events is handled */
	struct conn *next;     /* kept when dropped, so a loop standing on it goes on */
	struct conn *dead_next;
};

/* Events of the running commit kept for a client that attaches later. */
#define REPLAY_MAX 256

/*
 * Freshness. Every batch of inotify events bumps event_seq. A refresh
 * remembers the event_seq it started at (refresh_seq); when it ends, the
 * index reflects every change up to then (index_seq = refresh_seq). A
 * request that arrives while index_seq < event_seq waits (its connection is
 * held) until a refresh that started after it ends, so an answer never
 * predates a change the client could have seen.
 */
struct server {
	struct engine *e;
	struct server_opts o;
	int epfd, lfd, sigfd, timerfd, inofd, donefd, checkfd;
	struct conn *conns;
	struct conn *dead;     /* dropped during this batch of events; see reap() */
	unsigned nconns;
	double last_activity, last_check;
	int stop;
	struct cache *cache;
	uint64_t requests;
	time_t started, index_time;
	uint64_t event_seq, index_seq, refresh_seq;
	/* the refresh thread: these are written by it until it signals donefd */
	int refreshing;
	pthread_t thread;
	int r_rc;
	struct engine_update *r_update;
	char r_err[512];
	char *reload_error; /* why the last refresh failed, shown as a warning */
	struct buf key;     /* scratch: a request as a cache key */
	/* The transaction: one at a time, run by its own thread (txn.c). */
	struct txn *txn;
	struct conn *owner;      /* the client that planned it; NULL once gone */
	uint32_t plan_req, commit_req; /* their request ids */
	uint64_t plan_seq, plan_id;
	int committed;           /* the owner sent commit */
	int txnfd;               /* eventfd: the worker queued output */
	struct buf replay[REPLAY_MAX];
	size_t replay_n;
	struct buf last_result;  /* the last transaction's result frame (id 0) */
	int result_pending;      /* last_result waits for the index refresh */
	int stop_after_txn;      /* SIGTERM came during a commit */
	struct history *history;
	struct audit *audit;
	char *txn_error;         /* why transactions are off, or NULL */
	char *lock_marker;       /* txn_opts.lock_marker */
	char describe[256];      /* scratch: the transaction, for a status reply */
	/* The snapshot: witnesses of the index being served (taken by the refresh
	 * that built it, before it read anything), and when it was last written. */
	struct witnesses wit, r_wit;
	int have_wit;
	double snap_last;
	char *snap_error;        /* the last write's failure, logged once */
	struct update_check check; /* the last private look for updates (alpm) */
	/* The look-for-updates thread (backend check_updates): these are written
	 * by it until it signals checkfd. */
	int checking, check_again;
	pthread_t c_thread;
	const struct backend_ops *c_ops;
	char *c_root, *c_dir;
	struct update_counts c_counts;
	int c_rc;
	char c_err[512];
	double c_started;
};

/* Tags for the fds that are not connections. */
static char tag_listen, tag_signal, tag_timer, tag_inotify, tag_done, tag_txn, tag_check;

static void update_listeners(struct server *s);
static void patch_ids(struct buf *out, size_t start, uint32_t id);
static void start_refresh(struct server *s);
static void release_held(struct server *s);
static int plan_must_wait(const struct server *s);

void server_defaults(struct server_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->listen_fd = -1;
	o->ready_fd = -1;
	o->admin_gid = (gid_t)-1;
	o->idle_seconds = 0;
	o->frame_max = OMG_FRAME_MAX_DEFAULT;
	o->max_clients = 1024;
	o->rate = 2000;
	o->burst = 4000;
	o->out_max = 256u << 20;
	o->stall_seconds = 30;
	o->cache_bytes = 64u << 20;
	o->cache_ttl = 600;
	o->recheck_seconds = 60;
	o->lock_seconds = 60;
	o->question_seconds = 60;
	o->plan_seconds = 600;
	o->snapshot_seconds = 300;
	o->check_seconds = 3600;
}

/* Seconds on the monotonic clock. */
static double now(void)
{
	return clock_ms() / 1e3;
}

/* Sets c's epoll interest from its state. */
static void update_events(struct server *s, struct conn *c)
{
	struct epoll_event ev = {.events = (c->held ? 0u : EPOLLIN) | (c->want_out ? EPOLLOUT : 0u),
				 .data.ptr = c};
	epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/*
 * Unlinks and closes a connection. It is freed by reap() after the batch of
 * events: a later event of the same batch may still name it (a broadcast that
 * drops a client whose hang-up is queued behind it), and must find it dead,
 * not freed.
 */
static void drop(struct server *s, struct conn *c)
{
	if (c->dead)
		return;
	c->dead = 1;
	for (struct conn **p = &s->conns; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	if (s->txn && c == s->owner) {
		s->owner = NULL;
		if (!s->committed)
			txn_cancel(s->txn); /* gone before the commit: nothing happens */
		else
			fprintf(stderr, "omgd: the client of the running transaction went away; "
					"it goes on (omg attach follows it)\n");
	}
	frame_reader_free(&c->in);
	buf_free(&c->out);
	c->dead_next = s->dead;
	s->dead = c;
	s->nconns--;
	s->last_activity = now();
	if (s->txn)
		update_listeners(s);
}

/* Frees the connections dropped since the last call. */
static void reap(struct server *s)
{
	while (s->dead) {
		struct conn *c = s->dead;
		s->dead = c->dead_next;
		free(c);
	}
}

/* Writes what it can of c's output. Returns -1 if c was dropped. */
static int flush(struct server *s, struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (!c->stalled_since)
					c->stalled_since = now();
				if (!c->want_out) {
					c->want_out = 1;
					update_events(s, c);
				}
				return 0;
			}
			drop(s, c);
			return -1;
		}
		c->out_off += (size_t)n;
		c->stalled_since = 0;
	}
	buf_reset(&c->out);
	c->out_off = 0;
	c->stalled_since = 0;
	if (c->want_out) {
		c->want_out = 0;
		update_events(s, c);
	}
	if (c->closing) {
		drop(s, c);
		return -1;
	}
	return 0;
}

/* Queues one message to c. */
static void queue(struct conn *c, const struct msg *m)
{
	codec_encode(&c->out, m);
}

/* Queues an error for request id. */
static void queue_error(struct conn *c, uint32_t id, uint32_t code, const char *text)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_ERROR;
	m.h.id = id;
	m.u.error.code = code;
	m.u.error.message = text;
	queue(c, &m);
}

/* service_emit into a connection. */
static void emit_conn(void *ctx, const struct msg *reply)
{
	queue(ctx, reply);
}

/* Takes one token; 0 when the bucket is empty. */
static int take_token(struct server *s, struct conn *c)
{
	double t = now();
	c->tokens += (t - c->last) * s->o.rate;
	if (c->tokens > s->o.burst)
		c->tokens = s->o.burst;
	c->last = t;
	if (c->tokens < 1)
		return 0;
	c->tokens -= 1;
	return 1;
}

/* What the service reports about this server. */
static void fill_env(struct server *s, struct service_env *env)
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
	if (s->txn) {
		txn_describe(s->txn, s->describe, sizeof(s->describe));
		env->transaction = s->describe;
	}
}

/* Queues a status event to a subscribed connection. */
static void queue_status_event(struct server *s, struct conn *c)
{
	struct service_env env;
	fill_env(s, &env);
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_EVENT_STATUS;
	m.h.id = c->sub_id;
	service_status(s->e, &env, &m.u.status);
	queue(c, &m);
	free((void *)m.u.status.warnings.v);
}

/* Rewrites the snapshot file from the current status (stopped: the engine is
 * exiting; its figures stay good while the witnesses hold). */
static void write_snapshot(struct server *s, int stopped)
{
	if (!s->o.snapshot || !s->have_wit)
		return;
	struct service_env env;
	fill_env(s, &env);
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
	s->snap_last = now();
	free((void *)st.warnings.v);
}

/* Non-zero if uid is root or, in system mode, a member of the admin group. */
static int may_mutate(const struct server *s, uid_t uid)
{
	if (uid == 0)
		return 1;
	if (!s->o.system)
		return uid == getuid();
	if (s->o.admin_gid == (gid_t)-1)
		return 0;
	struct passwd *pw = getpwuid(uid);
	if (!pw)
		return 0;
	gid_t groups[256];
	int n = 256;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		n = 256; /* more groups than we look at: check those we have */
	for (int i = 0; i < n; i++)
		if (groups[i] == s->o.admin_gid)
			return 1;
	return 0;
}

/* The handshake. */
static void handle_hello(struct server *s, struct conn *c, const struct msg *m)
{
	if (m->h.type != MSG_HELLO) {
		queue_error(c, m->h.id, ERR_VERSION, "the first message must be hello");
		c->closing = 1;
		return;
	}
	uint32_t lo = m->u.hello.min_version, hi = m->u.hello.max_version;
	if (lo > OMG_PROTO_VERSION || hi < OMG_PROTO_MIN_VERSION || lo > hi) {
		char text[160];
		snprintf(text, sizeof(text),
			 "no protocol version in common: client speaks %u-%u, engine %u-%u", lo, hi,
			 OMG_PROTO_MIN_VERSION, OMG_PROTO_VERSION);
		queue_error(c, m->h.id, ERR_VERSION, text);
		c->closing = 1;
		return;
	}
	c->hello = 1;
	struct msg r;
	memset(&r, 0, sizeof(r));
	r.h.type = MSG_HELLO_OK;
	r.h.id = m->h.id;
	r.u.hello_ok.version = hi < OMG_PROTO_VERSION ? hi : OMG_PROTO_VERSION;
	r.u.hello_ok.frame_max = (uint32_t)s->o.frame_max;
	r.u.hello_ok.pid = (uint32_t)getpid();
	r.u.hello_ok.generation = engine_generation(s->e);
	r.u.hello_ok.backend = engine_backend_name(s->e);
	r.u.hello_ok.root = engine_root(s->e);
	queue(c, &r);
}

/* ---- transactions ---- */

/* Appends a whole frame (id 0) to c's output with id as its request id. */
static void queue_frame(struct conn *c, const struct buf *frame, uint32_t id)
{
	size_t start = c->out.len;
	buf_append(&c->out, frame->p, frame->len);
	patch_ids(&c->out, start, id);
}

/* Tells the worker how many clients could answer a question: the owner and
 * the attached clients allowed to mutate. */
static void update_listeners(struct server *s)
{
	unsigned n = 0;
	for (struct conn *c = s->conns; c; c = c->next)
		if ((c == s->owner || c->attach_id) && may_mutate(s, c->uid))
			n++;
	txn_set_listeners(s->txn, n);
}

/* Sends frame to everyone following the transaction: the owner (with the
 * commit's or the plan's id), attached clients and progress subscribers. */
static void broadcast(struct server *s, const struct buf *frame, int final)
{
	for (struct conn *c = s->conns, *next; c; c = next) {
		next = c->next;
		if (c->closing || c->dead)
			continue;
		int sent = 0;
		if (c == s->owner) {
			queue_frame(c, frame, s->committed ? s->commit_req : s->plan_req);
			sent = 1;
		} else if (c->attach_id) {
			queue_frame(c, frame, c->attach_id);
			sent = 1;
		}
		if (!sent && c->sub_id && (c->sub_what & SUB_TRANS)) {
			queue_frame(c, frame, c->sub_id);
			sent = 1;
		}
		if (final && c->attach_id)
			c->attach_id = 0;
		if (sent)
			flush(s, c);
	}
}

/* Forgets the commit's replay events. */
static void replay_clear(struct server *s)
{
	for (size_t i = 0; i < s->replay_n; i++)
		buf_free(&s->replay[i]);
	s->replay_n = 0;
}

/* Keeps an event for clients that attach later: the first REPLAY_MAX / 2
 * and then the newest, so phases at the start and the latest progress both stay. */
static void replay_add(struct server *s, struct buf *frame)
{
	if (s->replay_n == REPLAY_MAX) {
		size_t keep = REPLAY_MAX / 2;
		buf_free(&s->replay[keep]);
		memmove(&s->replay[keep], &s->replay[keep + 1],
			(REPLAY_MAX - keep - 1) * sizeof(s->replay[0]));
		s->replay_n--;
	}
	s->replay[s->replay_n++] = *frame;
	memset(frame, 0, sizeof(*frame));
}

/* The transaction is over: the index is reloaded before its result goes out,
 * so a client that reads the result and asks again sees the change. */
static void txn_over(struct server *s)
{
	txn_free(s->txn);
	s->txn = NULL;
	s->owner = NULL;
	s->committed = 0;
	s->event_seq++; /* whatever the commit changed, inotify or not */
	write_snapshot(s, 0); /* no transaction runs now; the refresh brings the figures */
	start_refresh(s);
}

/* Sends the pending result, once the index caught up. */
static void deliver_result(struct server *s)
{
	if (!s->result_pending)
		return;
	s->result_pending = 0;
	broadcast(s, &s->last_result, 1);
	replay_clear(s);
	for (struct conn *c = s->conns; c; c = c->next)
		c->attach_id = 0;
	if (s->stop_after_txn) {
		fprintf(stderr, "omgd: the transaction ended; exiting as asked\n");
		s->stop = 1;
	}
	release_held(s); /* plans that waited for it */
}

/* Routes what the worker queued. */
static void on_txn_output(struct server *s)
{
	uint64_t v;
	while (read(s->txnfd, &v, sizeof(v)) > 0) {
	}
	struct txn_out out;
	while (s->txn && txn_next(s->txn, &out)) {
		switch (out.kind) {
		case TXN_OUT_EVENT:
			broadcast(s, &out.frame, 0);
			if (s->committed)
				replay_add(s, &out.frame);
			break;
		case TXN_OUT_PLAN:
			if (s->owner) {
				queue_frame(s->owner, &out.frame, s->plan_req);
				flush(s, s->owner);
			}
			break;
		case TXN_OUT_FAILED:
			if (s->owner) {
				queue_frame(s->owner, &out.frame, s->plan_req);
				flush(s, s->owner);
			}
			buf_free(&out.frame);
			txn_over(s);
			/* A stop asked for while the plan waited (an unanswered
			 * question) is honoured when the plan fails, as when it ends. */
			if (s->stop_after_txn)
				s->stop = 1;
			return;
		case TXN_OUT_DONE:
			if (!s->committed) {
				/* Cancelled or timed out before the commit: only the owner hears. */
				if (s->owner) {
					queue_frame(s->owner, &out.frame, s->plan_req);
					flush(s, s->owner);
				}
				buf_free(&out.frame);
				txn_over(s);
				if (s->stop_after_txn)
					s->stop = 1;
				return;
			}
			buf_free(&s->last_result);
			s->last_result = out.frame;
			memset(&out.frame, 0, sizeof(out.frame));
			s->result_pending = 1;
			/* The owner and attached clients get it after the refresh; keep them. */
			for (struct conn *c = s->conns; c; c = c->next)
				if (c == s->owner && !c->attach_id)
					c->attach_id = s->commit_req;
			txn_over(s);
			if (!s->refreshing)
				deliver_result(s);
			return;
		}
		buf_free(&out.frame);
	}
}

/* plan: starts a transaction unless one runs. */
static void on_plan(struct server *s, struct conn *c, const struct msg *m)
{
	char err[512];
	if (plan_must_wait(s)) {
		char what[256] = "a transaction";
		if (s->txn)
			txn_describe(s->txn, what, sizeof(what));
		snprintf(err, sizeof(err), "another transaction is still running after %u s (%s); "
			 "omg attach follows it", s->o.lock_seconds, what);
		queue_error(c, m->h.id, ERR_LOCKED, err);
		return;
	}
	/* The engine changes the root with its own rights: say so before planning. */
	if (geteuid() != 0 && access(engine_root(s->e), W_OK) != 0) {
		snprintf(err, sizeof(err),
			 "changing %s needs root: run the command with sudo, or ask the system "
			 "engine (sudo omg daemon --system; its admin group may change the system)",
			 engine_root(s->e));
		queue_error(c, m->h.id, ERR_DENIED, err);
		return;
	}
	if (!s->history) {
		snprintf(err, sizeof(err), "transactions are off: %s",
			 s->txn_error ? s->txn_error : "no history store");
		queue_error(c, m->h.id, ERR_BACKEND, err);
		return;
	}
	struct txn_opts o = {
		.root = engine_root(s->e),
		.backend = engine_backend(s->e),
		.plan_id = ++s->plan_seq,
		.uid = (uint32_t)c->uid,
		.pid = (int32_t)c->pid,
		.lock_seconds = s->o.lock_seconds,
		.question_seconds = s->o.question_seconds,
		.plan_seconds = s->o.plan_seconds,
		.history = s->history,
		.audit = s->audit,
		.notify_fd = s->txnfd,
		.lock_marker = s->lock_marker,
	};
	s->txn = txn_start(&m->u.plan, &o, err, sizeof(err));
	if (!s->txn) {
		queue_error(c, m->h.id, ERR_BACKEND, err);
		return;
	}
	s->owner = c;
	s->plan_req = m->h.id;
	s->plan_id = o.plan_id;
	s->committed = 0;
	replay_clear(s);
	update_listeners(s);
}

/* Sends ok for request id. */
static void queue_ok(struct conn *c, uint32_t id)
{
	struct msg r;
	memset(&r, 0, sizeof(r));
	r.h.type = MSG_OK;
	r.h.id = id;
	queue(c, &r);
}

/* Encodes a history entry as a result frame. */
static void encode_result(const struct msg_trans_result *r, struct buf *out)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_TRANS_RESULT;
	m.u.result = *r;
	codec_encode(out, &m);
}

/* attach: follows the running transaction, or gets the last one's result. */
static void on_attach(struct server *s, struct conn *c, const struct msg *m)
{
	if (s->txn || s->result_pending) {
		c->attach_id = m->h.id;
		for (size_t i = 0; i < s->replay_n; i++)
			queue_frame(c, &s->replay[i], c->attach_id);
		if (s->txn)
			update_listeners(s);
		return;
	}
	if (!s->last_result.len && s->history) {
		struct strpool *arena = strpool_new();
		struct msg_trans_result r;
		if (history_get(s->history, 0, &r, arena) == 0)
			encode_result(&r, &s->last_result);
		strpool_free(arena);
	}
	if (!s->last_result.len)
		queue_error(c, m->h.id, ERR_STATE, "no transaction has run on this root");
	else
		queue_frame(c, &s->last_result, m->h.id);
}

struct history_list_ctx {
	struct msg_trans_result *v;
	uint32_t n;
	struct strpool *arena;
};

/* history_list callback: keeps a copy of an entry without its items. */
static int keep_entry(void *ctx, const struct msg_trans_result *r)
{
	struct history_list_ctx *l = ctx;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	struct msg_trans_result *e = &l->v[l->n++];
	*e = *r;
	e->items = NULL;
	e->count = 0;
	e->command = strpool_copy(l->arena, r->command, strlen(r->command));
	e->message = strpool_copy(l->arena, r->message, strlen(r->message));
	const char **notes = strpool_alloc(l->arena, (r->notes.n + 1) * sizeof(*notes));
	for (uint32_t i = 0; i < r->notes.n; i++)
		notes[i] = strpool_copy(l->arena, r->notes.v[i], strlen(r->notes.v[i]));
	e->notes = (struct strlist){notes, r->notes.n};
	return 0;
}

/* history: the list, or one entry with its items. */
static void on_history(struct server *s, struct conn *c, const struct msg *m)
{
	if (!s->history) {
		queue_error(c, m->h.id, ERR_BACKEND, "this engine keeps no history");
		return;
	}
	struct msg r;
	memset(&r, 0, sizeof(r));
	r.h.type = MSG_HISTORY_REPLY;
	r.h.id = m->h.id;
	struct history_list_ctx l = {NULL, 0, strpool_new()};
	struct msg_trans_result one;
	if (m->u.history.id) {
		if (history_get(s->history, m->u.history.id, &one, l.arena) != 0) {
			char text[96];
			snprintf(text, sizeof(text), "no history entry %llu",
				 (unsigned long long)m->u.history.id);
			queue_error(c, m->h.id, ERR_USAGE, text);
			strpool_free(l.arena);
			return;
		}
		r.u.history_reply.count = 1;
		r.u.history_reply.entries = &one;
	} else {
		history_list(s->history, m->u.history.limit, keep_entry, &l);
		r.u.history_reply.count = l.n;
		r.u.history_reply.entries = l.v;
	}
	queue(c, &r);
	free(l.v);
	strpool_free(l.arena);
}

/* Handles the transaction messages; 0 when m is not one. */
static int handle_trans(struct server *s, struct conn *c, const struct msg *m)
{
	switch (m->h.type) {
	case MSG_PLAN:
		on_plan(s, c, m);
		return 1;
	case MSG_COMMIT:
	case MSG_CANCEL:
		if (!s->txn || c != s->owner || m->u.commit.plan != s->plan_id || s->committed) {
			queue_error(c, m->h.id, ERR_STATE,
				    s->txn && s->committed ? "the transaction is committing already"
				    : s->txn ? "no such plan on this connection"
					     : "no plan is waiting");
			return 1;
		}
		if (m->h.type == MSG_CANCEL) {
			txn_cancel(s->txn);
			queue_ok(c, m->h.id);
		} else {
			s->committed = 1;
			s->commit_req = m->h.id;
			replay_clear(s);
			txn_commit(s->txn);
			write_snapshot(s, 0); /* a transaction runs */
		}
		return 1;
	case MSG_ANSWER:
		if (!s->txn || (c != s->owner && !c->attach_id) ||
		    txn_answer(s->txn, m->u.answer.question, m->u.answer.answer) != 0)
			queue_error(c, m->h.id, ERR_STATE, "no such question is waiting");
		else
			queue_ok(c, m->h.id);
		return 1;
	case MSG_ATTACH:
		on_attach(s, c, m);
		return 1;
	case MSG_HISTORY:
		on_history(s, c, m);
		return 1;
	default:
		return 0;
	}
}

/* Opens the history and the audit log for this root; marks transactions a
 * dead engine left unfinished as interrupted. Without them there are no
 * transactions (reads go on). */
static void open_records(struct server *s)
{
	char err[512];
	if (!s->o.data_dir) {
		s->txn_error = xstrdup("no data directory");
		return;
	}
	char *key = xasprintf("%s:%s", engine_backend_name(s->e), engine_root(s->e));
	char *hdir = xasprintf("%s/history", s->o.data_dir);
	char *adir = audit_dir_for(s->o.data_dir, key);
	s->history = history_open(hdir, key, err, sizeof(err));
	if (!s->history) {
		fprintf(stderr, "omgd: %s; transactions are off\n", err);
		s->txn_error = xstrdup(err);
	}
	s->audit = audit_open(adir, err, sizeof(err));
	if (!s->audit) {
		fprintf(stderr, "omgd: %s; transactions are off\n", err);
		free(s->txn_error);
		s->txn_error = xstrdup(err);
		history_close(s->history);
		s->history = NULL;
	}
	s->lock_marker = xasprintf("%s/lock-%016llx", s->o.data_dir,
				   (unsigned long long)hash_fnv1a(key, strlen(key)));
	char note[4600];
	if (txn_recover_lock(s->lock_marker, note, sizeof(note))) {
		fprintf(stderr, "omgd: %s\n", note);
		if (s->audit)
			audit_append(s->audit, (uint32_t)getuid(), (int32_t)getpid(), "stale-lock", note);
	}
	if (s->history) {
		char why[160];
		snprintf(why, sizeof(why), "interrupted: the engine stopped during the commit; "
					   "engine pid %d found it", (int)getpid());
		int n = history_mark_interrupted(s->history, why, NULL, NULL);
		if (n > 0) {
			fprintf(stderr, "omgd: %d transaction(s) were interrupted by an engine that "
					"stopped during the commit (omg history)\n", n);
			audit_append(s->audit, (uint32_t)getuid(), (int32_t)getpid(), "interrupted",
				     "a transaction was interrupted: the engine stopped during its commit");
		}
	}
	free(key);
	free(hdir);
	free(adir);
}

/* Handles one decoded message from c. */
static void handle(struct server *s, struct conn *c, const struct msg *m)
{
	if (!c->hello) {
		handle_hello(s, c, m);
		return;
	}
	if (m->h.type >= MSG_PLAN && m->h.type <= MSG_ATTACH && !may_mutate(s, c->uid)) {
		char text[256];
		if (s->o.system && s->o.admin_group)
			snprintf(text, sizeof(text), "%s needs root or membership of group '%s'",
				 codec_type_name(m->h.type), s->o.admin_group);
		else
			snprintf(text, sizeof(text), "%s needs root", codec_type_name(m->h.type));
		fprintf(stderr, "omgd: refused %s from uid %u (pid %d): %s\n",
			codec_type_name(m->h.type), (unsigned)c->uid, (int)c->pid, text);
		if (s->audit) {
			char detail[512];
			snprintf(detail, sizeof(detail), "%s%s%s: %s", codec_type_name(m->h.type),
				 m->h.type == MSG_PLAN && m->u.plan.command ? " " : "",
				 m->h.type == MSG_PLAN && m->u.plan.command ? m->u.plan.command : "",
				 text);
			audit_append(s->audit, (uint32_t)c->uid, (int32_t)c->pid, "refused", detail);
		}
		queue_error(c, m->h.id, ERR_DENIED, text);
		return;
	}
	if (handle_trans(s, c, m))
		return;
	if (m->h.type == MSG_SUBSCRIBE) {
		c->sub_id = m->h.id;
		c->sub_what = m->u.subscribe.what;
		struct msg r;
		memset(&r, 0, sizeof(r));
		r.h.type = MSG_OK;
		r.h.id = m->h.id;
		queue(c, &r);
		if (c->sub_what & 1)
			queue_status_event(s, c); /* where things stand, before any change */
		return;
	}
	struct service_env env;
	fill_env(s, &env);
	service_request(s->e, m, &env, emit_conn, c);
}

/* Writes id into every frame header of out from offset start on. */
static void patch_ids(struct buf *out, size_t start, uint32_t id)
{
	uint8_t *p = (uint8_t *)out->p;
	for (size_t off = start; off + OMG_FRAME_LEN_SIZE + OMG_HEADER_SIZE <= out->len;) {
		size_t len = (size_t)p[off] << 24 | (size_t)p[off + 1] << 16 |
			     (size_t)p[off + 2] << 8 | p[off + 3];
		codec_set_id(p + off + OMG_FRAME_LEN_SIZE, id);
		off += OMG_FRAME_LEN_SIZE + len;
	}
}

/* Whether replies to a request of this type may come from the L1 cache. */
static int cacheable(uint16_t type)
{
	return type == MSG_SEARCH || type == MSG_INFO || type == MSG_LIST;
}

/* Answers one message (len bytes at p) from c: from the cache when the same
 * request was answered at this generation, otherwise decoded and served. */
static void handle_frame(struct server *s, struct conn *c, const uint8_t *p, size_t len)
{
	struct msg_header h = {0};
	codec_peek_header(p, len, &h); /* a short one stays zero: codec_decode reports it */
	uint32_t id = h.id;
	int use_cache = c->hello && cacheable(h.type) && s->o.cache_bytes;
	if (c->hello)
		s->requests++;
	if (c->hello && !take_token(s, c)) {
		queue_error(c, id, ERR_BUSY, "too many requests; slow down");
		return;
	}
	if (use_cache) {
		/* The key is the message without its id. */
		buf_reset(&s->key);
		buf_append(&s->key, p, 4);
		buf_append(&s->key, p + 8, len - 8);
		size_t vlen;
		const void *v = cache_get(s->cache, s->key.p, s->key.len, engine_generation(s->e),
					  now(), &vlen);
		if (v) {
			size_t start = c->out.len;
			buf_append(&c->out, v, vlen);
			patch_ids(&c->out, start, id);
			return;
		}
	}
	struct strpool *arena = strpool_new();
	struct msg m;
	char err[256];
	size_t start = c->out.len;
	enum codec_result rc = codec_decode(p, len, &m, arena, err, sizeof(err));
	if (rc == CODEC_OK)
		handle(s, c, &m);
	else
		queue_error(c, m.h.id, rc == CODEC_UNKNOWN_TYPE ? ERR_UNKNOWN_TYPE : ERR_MALFORMED,
			    err);
	strpool_free(arena);
	if (use_cache && rc == CODEC_OK)
		cache_put(s->cache, s->key.p, s->key.len, engine_generation(s->e), c->out.p + start,
			  c->out.len - start, now());
}

/* Non-zero while a database change has not reached the index. */
static int stale(const struct server *s)
{
	return s->index_seq < s->event_seq;
}

/* Non-zero while a plan must wait: a transaction runs or is being cleaned up,
 * its result waits for the index, or a refresh has the backend. */
static int plan_must_wait(const struct server *s)
{
	return s->txn || s->result_pending || s->refreshing;
}

/* A plan that arrives while another transaction runs waits for it, as for
 * another process's lock (up to lock_timeout), and is told so once. Returns
 * 1 when the frame must wait, 0 to handle it now (possibly to refuse it). */
static int plan_waits(struct server *s, struct conn *c, const uint8_t *p, size_t len)
{
	struct msg_header h = {0};
	if (!plan_must_wait(s) || !c->hello || codec_peek_header(p, len, &h) != 0 ||
	    h.type != MSG_PLAN) {
		c->plan_wait = 0;
		return 0;
	}
	if (!c->plan_wait) {
		c->plan_wait = now();
		char text[400], what[256] = "the last transaction's clean-up";
		if (s->txn)
			txn_describe(s->txn, what, sizeof(what));
		snprintf(text, sizeof(text), "waiting up to %u s for the transaction the engine runs: %s",
			 s->o.lock_seconds, what);
		struct msg m;
		memset(&m, 0, sizeof(m));
		m.h.type = MSG_EVENT_TRANS;
		m.h.id = h.id;
		m.u.event.ev = (struct trans_event){.kind = TEV_LOCK, .name = "", .text = text};
		queue(c, &m);
		return 1;
	}
	if (now() - c->plan_wait < s->o.lock_seconds)
		return 1;
	c->plan_wait = 0;
	return 0; /* waited long enough: on_plan refuses it */
}

/* Answers every complete request buffered for c, unless the index is stale:
 * then c is held until the refresh ends. Returns -1 if c was dropped. */
static int process(struct server *s, struct conn *c)
{
	const uint8_t *p;
	size_t len;
	enum frame_result fr = FRAME_NEED_MORE;
	while (!c->closing && (fr = frame_next(&c->in, &p, &len)) == FRAME_READY) {
		if ((stale(s) && c->hello && !s->txn) || plan_waits(s, c, p, len)) {
			if (!c->held) {
				c->held = 1;
				update_events(s, c);
			}
			break;
		}
		handle_frame(s, c, p, len);
		frame_consume(&c->in);
	}
	if (!c->closing && fr == FRAME_TOO_BIG) {
		/* Framing is lost: say why, then close. */
		queue_error(c, 0, ERR_MALFORMED, "frame larger than the engine accepts");
		c->closing = 1;
	}
	if (c->out.len > s->o.out_max) {
		drop(s, c); /* not reading its replies */
		return -1;
	}
	if ((c->out.len || c->closing) && flush(s, c) != 0)
		return -1;
	return 0;
}

/* Reads from c and answers every complete request. */
static void on_readable(struct server *s, struct conn *c)
{
	char tmp[65536];
	for (;;) {
		size_t room = frame_room(&c->in);
		if (!room || c->held)
			break;
		ssize_t n = recv(c->fd, tmp, room < sizeof(tmp) ? room : sizeof(tmp), MSG_DONTWAIT);
		if (n == 0) {
			drop(s, c);
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			drop(s, c);
			return;
		}
		frame_feed(&c->in, tmp, (size_t)n);
		s->last_activity = now();
		if (process(s, c) != 0 || c->closing)
			return;
	}
}

/* Accepts every pending connection. */
static void on_accept(struct server *s)
{
	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct ucred cred;
		socklen_t clen = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0) {
			close(fd);
			continue;
		}
		struct conn *c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		frame_reader_init(&c->in, s->o.frame_max);
		c->tokens = s->o.burst;
		c->last = now();
		c->uid = cred.uid;
		c->pid = cred.pid;
		c->next = s->conns;
		s->conns = c;
		s->nconns++;
		s->last_activity = now();
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
		/* User mode: only the engine's own user (and root) may connect.
		 * System mode: anyone local may read; mutations are checked. */
		if (!s->o.system && c->uid != getuid() && c->uid != 0) {
			fprintf(stderr, "omgd: refused uid %u (pid %d): not the engine's user\n",
				(unsigned)c->uid, (int)c->pid);
			queue_error(c, 0, ERR_DENIED, "this engine serves another user");
			c->closing = 1;
			flush(s, c);
		} else if (s->nconns > s->o.max_clients) {
			queue_error(c, 0, ERR_BUSY, "too many clients");
			c->closing = 1;
			flush(s, c);
		}
	}
}

/* Drops clients whose output has not moved for stall_seconds. */
static void reap_stalled(struct server *s)
{
	double t = now();
	for (struct conn *c = s->conns, *next; c; c = next) {
		next = c->next;
		if (!c->dead && c->stalled_since && t - c->stalled_since > s->o.stall_seconds)
			drop(s, c);
	}
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

/* The refresh thread: builds the next index while the loop serves the current one. */
static void *refresh_main(void *arg)
{
	struct server *s = arg;
	/* Witnesses first: a change while the index is read makes them disagree. */
	witnesses_take(engine_backend(s->e), engine_root(s->e), &s->r_wit);
	s->r_rc = engine_refresh(s->e, 0, &s->r_update, s->r_err, sizeof(s->r_err));
	uint64_t one = 1;
	while (write(s->donefd, &one, sizeof(one)) < 0 && errno == EINTR) {
	}
	return NULL;
}

/* Prepares the private look for updates, when the backend has one and a
 * data directory is there to keep its copy of the sync databases. */
static void setup_check(struct server *s)
{
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
 * sync databases and counts. */
static void *check_main(void *arg)
{
	struct server *s = arg;
	s->c_rc = s->c_ops->check_updates(s->c_root, s->c_dir, &s->c_counts, s->c_err,
					  sizeof(s->c_err));
	uint64_t one = 1;
	while (write(s->checkfd, &one, sizeof(one)) < 0 && errno == EINTR) {
	}
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
	s->c_started = now();
	int rc = thread_start(&s->c_thread, check_main, s);
	if (rc != 0)
		fprintf(stderr, "omgd: cannot look for updates: %s\n", strerror(rc));
	else
		s->checking = 1;
}

/* The look for updates ended: its figures stand until the databases change. */
static void on_check_done(struct server *s)
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
	write_snapshot(s, 0);
}

/* Starts a refresh unless one runs (its end starts another if needed). */
static void start_refresh(struct server *s)
{
	/* One at a time; none while a transaction has the backend (libapt-pkg
	 * allows one user per process): the transaction's end starts one. */
	if (s->refreshing || s->txn)
		return;
	s->refresh_seq = s->event_seq;
	s->last_check = now();
	int rc = thread_start(&s->thread, refresh_main, s);
	if (rc != 0) {
		fprintf(stderr, "omgd: cannot start a refresh: %s\n", strerror(rc));
		s->index_seq = s->refresh_seq; /* serve what we have */
		return;
	}
	s->refreshing = 1;
}

/* Lets held connections go on, now that the index caught up. */
static void release_held(struct server *s)
{
	for (struct conn *c = s->conns, *next; c; c = next) {
		next = c->next;
		if (!c->held || c->dead)
			continue;
		c->held = 0;
		update_events(s, c);
		if (process(s, c) == 0 && !c->held && !c->closing)
			on_readable(s, c);
	}
}

/* The refresh thread ended: swap its index in, or keep ours and say why. */
static void on_refresh_done(struct server *s)
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
		s->index_time = time(NULL);
		cache_clear(s->cache);
		free(s->reload_error);
		s->reload_error = NULL;
		fprintf(stderr, "omgd: databases changed: index generation %llu, %zu packages\n",
			(unsigned long long)engine_generation(s->e), index_count(engine_index(s->e)));
		for (struct conn *c = s->conns, *next; c; c = next) {
			next = c->next;
			if (c->sub_id && (c->sub_what & 1) && !c->closing && !c->dead) {
				queue_status_event(s, c);
				flush(s, c);
			}
		}
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
		write_snapshot(s, 0);
	}
	witnesses_free(&s->r_wit);
	engine_watch_dirs(s->e, add_watch, s); /* directories created since */
	if (stale(s))
		start_refresh(s);
	else
		release_held(s);
	if (!s->refreshing)
		deliver_result(s);
}

/* Reads pending inotify events; any event may change the fingerprint. */
static void drain_inotify(struct server *s)
{
	char ev[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	int any = 0;
	while (read(s->inofd, ev, sizeof(ev)) > 0)
		any = 1;
	if (any) {
		s->event_seq++;
		start_refresh(s);
	}
}

/* Binds the socket, replacing a stale one left by a dead engine. */
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

/* SIGHUP: reads the configuration again and applies what it can. */
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

/* One pass over the timers: stalled clients, periodic check, idle exit. */
static void on_tick(struct server *s)
{
	uint64_t ticks;
	while (read(s->timerfd, &ticks, sizeof(ticks)) == sizeof(ticks)) {
	}
	reap_stalled(s);
	double t = now();
	for (struct conn *c = s->conns, *next; c; c = next) {
		next = c->next;
		if (!c->dead && c->held && c->plan_wait && t - c->plan_wait >= s->o.lock_seconds) {
			c->held = 0;
			update_events(s, c);
			process(s, c);
		}
	}
	if (s->o.recheck_seconds && !s->refreshing && t - s->last_check > s->o.recheck_seconds)
		start_refresh(s);
	if (s->c_ops && s->o.check_seconds && !s->checking && t - s->c_started >= s->o.check_seconds)
		start_check(s);
	if (s->o.snapshot && t - s->snap_last >= s->o.snapshot_seconds)
		write_snapshot(s, 0); /* the heartbeat: readers judge age by it */
	if (s->o.idle_seconds && !s->nconns && !s->refreshing && !s->txn && !s->result_pending &&
	    t - s->last_activity > s->o.idle_seconds) {
		fprintf(stderr, "omgd: idle for %u s, exiting\n", s->o.idle_seconds);
		s->stop = 1;
	}
}

int server_run(struct engine *e, const struct server_opts *o, char *err, size_t errlen)
{
	struct server s = {.e = e, .o = *o, .epfd = -1, .lfd = -1, .sigfd = -1, .timerfd = -1,
			   .inofd = -1, .donefd = -1, .txnfd = -1, .checkfd = -1};
	int rc = -1;
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (o->listen_fd >= 0) {
		s.lfd = o->listen_fd;
		fcntl(s.lfd, F_SETFL, fcntl(s.lfd, F_GETFL) | O_NONBLOCK);
		fcntl(s.lfd, F_SETFD, FD_CLOEXEC);
	} else if ((s.lfd = listen_on(o, err, errlen)) < 0) {
		goto out;
	}
	s.epfd = epoll_create1(EPOLL_CLOEXEC);
	s.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	s.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	s.inofd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	s.donefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s.txnfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s.checkfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s.epfd < 0 || s.sigfd < 0 || s.timerfd < 0 || s.inofd < 0 || s.donefd < 0 ||
	    s.txnfd < 0 || s.checkfd < 0) {
		snprintf(err, errlen, "cannot set up the event loop: %s", strerror(errno));
		goto out;
	}
	struct itimerspec tick = {{1, 0}, {1, 0}};
	timerfd_settime(s.timerfd, 0, &tick, NULL);
	watch_fd(&s, s.lfd, &tag_listen);
	watch_fd(&s, s.sigfd, &tag_signal);
	watch_fd(&s, s.timerfd, &tag_timer);
	watch_fd(&s, s.inofd, &tag_inotify);
	watch_fd(&s, s.donefd, &tag_done);
	watch_fd(&s, s.txnfd, &tag_txn);
	watch_fd(&s, s.checkfd, &tag_check);
	engine_watch_dirs(e, add_watch, &s);
	setup_check(&s);
	open_records(&s);
	s.cache = cache_new(o->cache_bytes, o->cache_ttl);
	s.started = s.index_time = time(NULL);
	s.last_activity = s.last_check = now();
	/* A change between the engine's fingerprint and the watches: look once. */
	start_refresh(&s);
	fprintf(stderr, "omgd: serving %s (%s) on %s, pid %d, %s mode\n", engine_root(e),
		engine_backend_name(e), o->socket ? o->socket : "an inherited socket",
		(int)getpid(), o->system ? "system" : "user");
	if (o->ready_fd >= 0) {
		ssize_t w = write(o->ready_fd, "ok\n", 3);
		(void)w;
		close(o->ready_fd);
	}
	rc = 0;
	while (!s.stop) {
		struct epoll_event evs[64];
		int n = epoll_wait(s.epfd, evs, 64, -1);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "omgd: epoll_wait: %s\n", strerror(errno));
			break;
		}
		/* Changes first: a request that follows a change must see it. */
		drain_inotify(&s);
		for (int i = 0; i < n; i++) {
			void *tag = evs[i].data.ptr;
			if (tag == &tag_listen) {
				on_accept(&s);
			} else if (tag == &tag_signal) {
				struct signalfd_siginfo si;
				while (read(s.sigfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP)
						reload_config(&s);
					else if (s.txn && s.committed)
						s.stop_after_txn = 1, fprintf(stderr,
							"omgd: a transaction is committing; exiting when it ends\n");
					else if (s.txn)
						s.stop_after_txn = 1, txn_cancel(s.txn);
					else
						s.stop = 1;
					if (si.ssi_signo != SIGHUP)
						fprintf(stderr, "omgd: %s from pid %u\n",
							strsignal((int)si.ssi_signo), si.ssi_pid);
				}
			} else if (tag == &tag_timer) {
				on_tick(&s);
			} else if (tag == &tag_inotify) {
				/* drained above */
			} else if (tag == &tag_done) {
				on_refresh_done(&s);
			} else if (tag == &tag_txn) {
				on_txn_output(&s);
			} else if (tag == &tag_check) {
				on_check_done(&s);
			} else {
				struct conn *c = tag;
				if (c->dead)
					continue; /* dropped earlier in this batch */
				if (evs[i].events & (EPOLLERR | EPOLLHUP) && !(evs[i].events & EPOLLIN)) {
					drop(&s, c);
					continue;
				}
				if ((evs[i].events & EPOLLOUT) && flush(&s, c) != 0)
					continue;
				if (evs[i].events & EPOLLIN)
					on_readable(&s, c);
			}
			if (s.stop)
				break;
		}
		reap(&s);
	}
	fprintf(stderr, "omgd: exiting\n");
out:
	if (s.txn) {
		/* A commit runs to its end; a plan is dropped. */
		txn_cancel(s.txn);
		txn_free(s.txn);
		s.txn = NULL;
	}
	if (s.refreshing) {
		pthread_join(s.thread, NULL); /* a build ends in seconds; let it */
		engine_update_free(s.r_update);
		witnesses_free(&s.r_wit);
	}
	if (s.checking)
		pthread_join(s.c_thread, NULL); /* libalpm's downloads time out on their own */
	write_snapshot(&s, 1);
	witnesses_free(&s.wit);
	free(s.snap_error);
	free(s.c_root);
	free(s.c_dir);
	free((void *)s.check.error);
	while (s.conns)
		drop(&s, s.conns);
	reap(&s);
	if (s.lfd >= 0 && o->listen_fd < 0) {
		close(s.lfd);
		unlink(o->socket);
	}
	int fds[] = {s.epfd, s.sigfd, s.timerfd, s.inofd, s.donefd, s.txnfd, s.checkfd};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	cache_free(s.cache);
	free(s.reload_error);
	buf_free(&s.key);
	replay_clear(&s);
	buf_free(&s.last_result);
	history_close(s.history);
	audit_close(s.audit);
	free(s.txn_error);
	free(s.lock_marker);
	return rc;
}
